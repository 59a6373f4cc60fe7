package dev.deploykit.github;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.deploykit.core.DeploymentError;
import dev.deploykit.core.DeploymentException;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.spi.PlatformContext;
import dev.deploykit.core.spi.PlatformHttp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.IntPredicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GitHub's REST API over {@link PlatformHttp}: the helper builds every request (authorization only
 * to the API's own host, the headers GitHub requires, the timeout) and maps error statuses; this
 * class sends them itself because GitHub puts what a user needs to know in error response headers
 * ({@code X-Accepted-GitHub-Permissions}, {@code x-ratelimit-reset}), which the helper's futures do
 * not expose. Thread-safe, owns no threads.
 */
final class GitHubApi {
  static final String DEFAULT_API_URL = "https://api.github.com";
  /** The REST API version every request pins. */
  static final String API_VERSION = "2022-11-28";
  static final String USER_AGENT = "deploykit-java/0.1";
  private static final Logger LOG = LoggerFactory.getLogger(GitHubApi.class);

  private final PlatformHttp http;
  private final HttpClient client;
  private final ObjectReader reader;
  private final ObjectMapper mapper;

  GitHubApi(PlatformContext context) {
    this.http = PlatformHttp.builder(context)
        .baseUrl(context.apiUrl(DEFAULT_API_URL))
        .displayName("GitHub")
        .defaultHeaders(Map.of(
            "Accept", "application/vnd.github+json",
            "X-GitHub-Api-Version", API_VERSION,
            "User-Agent", USER_AGENT))
        .build();
    this.client = context.httpClient();
    this.mapper = context.objectMapper();
    this.reader = context.objectMapper().reader()
        .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  URI baseUrl() {
    return http.baseUrl();
  }

  CompletableFuture<JsonNode> get(String path) {
    return required(send(path, "GET", null, status -> false));
  }

  /** GETs {@code path}; the future completes with {@code null} on a 404 (it does not exist). */
  CompletableFuture<@Nullable JsonNode> getOrNull(String path) {
    return send(path, "GET", null, status -> status == 404);
  }

  /**
   * Sends {@code body}; the future completes with {@code null} on a status {@code tolerated}
   * accepts, so the caller can read it as an answer rather than an error.
   */
  CompletableFuture<@Nullable JsonNode> sendTolerating(
      String method, String path, Object body, IntPredicate tolerated) {
    return send(path, method, body, tolerated);
  }

  CompletableFuture<JsonNode> post(String path, Object body) {
    return required(send(path, "POST", body, status -> false));
  }

  CompletableFuture<JsonNode> patch(String path, Object body) {
    return required(send(path, "PATCH", body, status -> false));
  }

  CompletableFuture<JsonNode> put(String path, Object body) {
    return required(send(path, "PUT", body, status -> false));
  }

  private static CompletableFuture<JsonNode> required(CompletableFuture<@Nullable JsonNode> f) {
    CompletableFuture<JsonNode> out = f.thenApply(n -> n == null ? MissingNode.getInstance() : n);
    out.whenComplete((v, t) -> {
      if (t instanceof CancellationException) {
        f.cancel(true);
      }
    });
    return out;
  }

  /**
   * Sends and parses. A status {@code tolerated} accepts completes with {@code null}; every other
   * failure completes with a {@link DeploymentException}. Cancelling the returned future cancels
   * the exchange.
   */
  private CompletableFuture<@Nullable JsonNode> send(
      String path, String method, @Nullable Object body, IntPredicate tolerated) {
    HttpRequest request;
    try {
      HttpRequest.Builder b = http.request(path);
      if (body == null) {
        b.method(method, HttpRequest.BodyPublishers.noBody());
      } else {
        b.header("Content-Type", "application/json")
            .method(method, PlatformHttp.json(mapper, body));
      }
      request = b.build();
    } catch (DeploymentException e) {
      return CompletableFuture.failedFuture(e);
    }
    long start = System.nanoTime();
    CompletableFuture<@Nullable JsonNode> result = new CompletableFuture<>();
    CompletableFuture<HttpResponse<byte[]>> sent;
    try {
      sent = client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (RuntimeException e) {
      result.completeExceptionally(transportFailure(request, e));
      return result;
    }
    sent.whenComplete((response, thrown) -> {
      if (result.isDone()) {
        return;
      }
      try {
        if (thrown != null) {
          result.completeExceptionally(transportFailure(request, thrown));
          return;
        }
        int status = response.statusCode();
        if (LOG.isDebugEnabled()) {
          LOG.debug("{} {} -> HTTP {} in {} ms", request.method(), request.uri().getRawPath(),
              status, (System.nanoTime() - start) / 1_000_000);
        }
        if (status >= 200 && status < 300) {
          result.complete(parse(request, response));
        } else if (tolerated.test(status)) {
          result.complete(null);
        } else {
          result.completeExceptionally(new DeploymentException(
              error(status, response.headers(), response.body())));
        }
      } catch (DeploymentException e) {
        result.completeExceptionally(e);
      } catch (RuntimeException e) {
        result.completeExceptionally(new DeploymentException(DeploymentError.of(ErrorCode.UNKNOWN,
            "The GitHub request " + request.method() + " " + request.uri().getRawPath()
                + " failed unexpectedly (" + e.getClass().getSimpleName() + ")")
            .withPlatform("github"), e));
      }
    });
    result.whenComplete((v, t) -> {
      if (t instanceof CancellationException) {
        sent.cancel(true);
      }
    });
    return result;
  }

  private JsonNode parse(HttpRequest request, HttpResponse<byte[]> response) {
    byte[] body = response.body();
    if (body == null || body.length == 0) {
      return MissingNode.getInstance();
    }
    try {
      return reader.readTree(body);
    } catch (IOException e) {
      throw new DeploymentException(DeploymentError.of(ErrorCode.PLATFORM_UNAVAILABLE,
          "GitHub answered with malformed JSON (HTTP " + response.statusCode() + ") to "
              + request.method() + " " + request.uri().getRawPath()
              + ". This is usually temporary; try again later.")
          .withPlatform("github").withHttpStatus(response.statusCode()), e);
    }
  }

  /**
   * Maps an error answer like {@link PlatformHttp#mapError} does, then adds what GitHub's headers
   * say: the permissions a 403 or 404 needs, and when a rate limit resets.
   */
  DeploymentError error(int status, HttpHeaders headers, byte[] body) {
    DeploymentError mapped = http.mapError(status, headers, body);
    Optional<String> needed = headers.firstValue("x-accepted-github-permissions")
        .map(String::strip).filter(s -> !s.isEmpty());
    if (mapped.code() == ErrorCode.RATE_LIMIT_EXCEEDED) {
      Optional<Instant> reset = headers.firstValue("x-ratelimit-reset")
          .flatMap(GitHubApi::epochSeconds);
      if (reset.isPresent()) {
        return mapped.withMessage(mapped.message() + " The limit resets at "
            + reset.get().truncatedTo(ChronoUnit.SECONDS) + ".");
      }
      return mapped;
    }
    if (status == 409) {
      // Git Data conflicts ("Git Repository is empty.", a ref that moved): not a name clash.
      return new DeploymentError(ErrorCode.UPLOAD_FAILED,
          mapped.message().replace("The project name is probably taken; choose another name.",
              "Publish again; an empty repository needs a first commit."),
          mapped.platform(), status, mapped.retryAfter(), mapped.requestId(), mapped.details());
    }
    if (status == 403 || status == 404) {
      String message = status == 404
          ? "GitHub did not find the resource (HTTP 404). GitHub answers 404 for private"
              + " resources a token cannot see; check that the token has the repo scope (classic"
              + " token) or access to this repository (fine-grained token)."
          : mapped.message();
      if (needed.isPresent()) {
        message = message + " The token needs these permissions: " + needed.get() + ".";
      }
      return new DeploymentError(ErrorCode.INSUFFICIENT_PERMISSIONS, message, mapped.platform(),
          status, mapped.retryAfter(), mapped.requestId(), mapped.details());
    }
    return mapped;
  }

  private static Optional<Instant> epochSeconds(String value) {
    try {
      return Optional.of(Instant.ofEpochSecond(Long.parseLong(value.strip())));
    } catch (NumberFormatException | java.time.DateTimeException e) {
      return Optional.empty();
    }
  }

  private DeploymentException transportFailure(HttpRequest request, Throwable thrown) {
    Throwable t = thrown;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof DeploymentException e) {
      return e;
    }
    URI uri = request.uri();
    String host = uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
    String reason = t instanceof HttpTimeoutException ? "the request timed out"
        : t instanceof java.net.ConnectException ? "the connection was refused"
        : t instanceof IOException ? "the connection failed (" + t.getClass().getSimpleName() + ")"
        : t.getClass().getSimpleName();
    ErrorCode code = t instanceof IOException ? ErrorCode.PLATFORM_UNAVAILABLE : ErrorCode.UNKNOWN;
    LOG.debug("{} {} failed: {}", request.method(), uri.getRawPath(), reason);
    return new DeploymentException(DeploymentError.of(code,
        "Could not reach GitHub at " + host + ": " + reason
            + ". Check the network connection and the github.apiUrl setting, and try again.")
        .withPlatform("github"), t);
  }
}
