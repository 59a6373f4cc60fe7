package dev.deploykit.platform.railway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deploykit.core.DeploymentError;
import dev.deploykit.core.DeploymentException;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.spi.PlatformContext;
import dev.deploykit.core.spi.PlatformHttp;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends Railway's requests: GraphQL operations (documents kept as {@code .graphql} resources next to
 * this class) and raw exchanges such as the upload. Every failure becomes a {@link
 * DeploymentException}; the token never appears in a message or a log line.
 */
final class RailwayApi {
  private static final Logger LOG = LoggerFactory.getLogger(RailwayApi.class);
  private static final ConcurrentMap<String, String> DOCUMENTS = new ConcurrentHashMap<>();

  /** How many times a GraphQL request refused with 429 is sent again. */
  static final int MAX_RATE_LIMIT_RETRIES = 2;
  /** The longest {@code Retry-After} waited for before sending a GraphQL request again. */
  static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(30);
  /** The wait after a 429 without {@code Retry-After}. */
  static final Duration DEFAULT_RATE_LIMIT_WAIT = Duration.ofSeconds(1);
  private static final int MAX_MESSAGE = 500;
  private static final int MAX_MESSAGES = 3;
  private static final List<String> REQUEST_ID_HEADERS =
      List.of("x-railway-request-id", "x-request-id");

  private final PlatformContext context;
  private final RailwaySettings settings;
  private final PlatformHttp http;
  private final ObjectMapper mapper;
  private final List<String> secrets;

  RailwayApi(PlatformContext context, RailwaySettings settings) {
    this.context = context;
    this.settings = settings;
    this.mapper = context.objectMapper();
    this.http = PlatformHttp.builder(context)
        .baseUrl(settings.origin())
        .displayName("Railway")
        .authorization(c -> settings.authHeaders())
        .defaultHeaders(Map.of("User-Agent", "deploykit-railway", "Accept", "application/json"))
        .requestIdHeaders(REQUEST_ID_HEADERS)
        .build();
    List<String> s = new ArrayList<>();
    s.add(context.credentials().token());
    s.addAll(settings.authHeaders().values());
    this.secrets = List.copyOf(s);
  }

  PlatformHttp http() {
    return http;
  }

  ObjectMapper mapper() {
    return mapper;
  }

  /** A raw answer: status, headers and the whole body. */
  record Response(int status, HttpHeaders headers, byte[] body) {
    boolean isSuccess() {
      return status >= 200 && status < 300;
    }
  }

  // ------------------------------------------------------------------------------ exchanges

  /**
   * Sends {@code request} and completes with the answer, whatever its status; a connection failure
   * or a timeout completes with {@code PLATFORM_UNAVAILABLE}.
   */
  CompletableFuture<Response> exchange(HttpRequest request, String operation, Scope scope) {
    long start = System.nanoTime();
    CompletableFuture<Response> result = new CompletableFuture<>();
    CompletableFuture<java.net.http.HttpResponse<byte[]>> sent;
    try {
      sent = scope.track(context.httpClient().sendAsync(request, BodyHandlers.ofByteArray()));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(transportFailure(request, operation, e));
    }
    sent.whenComplete((response, error) -> {
      if (error != null) {
        result.completeExceptionally(Scope.isCancellation(error) ? Scope.unwrap(error)
            : transportFailure(request, operation, Scope.unwrap(error)));
        return;
      }
      if (LOG.isDebugEnabled()) {
        LOG.debug("Railway {} -> HTTP {} in {} ms (request id {})", operation,
            response.statusCode(), (System.nanoTime() - start) / 1_000_000,
            requestId(response.headers()));
      }
      result.complete(new Response(response.statusCode(), response.headers(), response.body()));
    });
    return result;
  }

  private DeploymentException transportFailure(HttpRequest request, String operation, Throwable t) {
    URI uri = request.uri();
    String host = uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
    String message;
    if (t instanceof HttpTimeoutException) {
      message = "Railway did not answer " + operation + " within "
          + request.timeout().map(d -> d.toMillis() + " ms").orElse("the time allowed")
          + ". This is usually temporary; try again later.";
    } else if (t instanceof IOException || t instanceof UncheckedIOException) {
      message = "Could not reach Railway at " + host + " (" + t.getClass().getSimpleName()
          + "). Check the network connection and try again.";
    } else {
      return new DeploymentException(error(ErrorCode.UNKNOWN, "The Railway request " + operation
          + " failed unexpectedly (" + t.getClass().getSimpleName() + ")"), t);
    }
    LOG.debug("Railway {} failed: {}", operation, t.getClass().getSimpleName());
    return new DeploymentException(error(ErrorCode.PLATFORM_UNAVAILABLE, message), t);
  }

  // ------------------------------------------------------------------------------ GraphQL

  /**
   * Runs the GraphQL operation {@code operation} (the document {@code <operation>.graphql}) with
   * {@code variables} and completes with its {@code data}. Errors are looked for first, whatever the
   * HTTP status. A 429 is retried, after its {@code Retry-After}, up to {@link
   * #MAX_RATE_LIMIT_RETRIES} times when the wait is at most {@link #MAX_RETRY_AFTER}.
   *
   * @param doing what the operation does, as an infinitive for messages ("create the project")
   */
  CompletableFuture<JsonNode> graphQl(
      String operation, Map<String, ?> variables, String doing, Scope scope) {
    ObjectNode body = mapper.createObjectNode();
    body.put("query", document(operation));
    body.set("variables", mapper.valueToTree(variables));
    return attempt(operation, body, doing, scope, 0);
  }

  private CompletableFuture<JsonNode> attempt(
      String operation, ObjectNode body, String doing, Scope scope, int attempt) {
    HttpRequest request = http.request(settings.graphQlPath())
        .header("Content-Type", "application/json")
        .POST(PlatformHttp.json(mapper, body))
        .build();
    return exchange(request, operation, scope).thenCompose(response -> {
      try {
        return CompletableFuture.completedFuture(interpret(response, operation, doing));
      } catch (DeploymentException e) {
        DeploymentError err = e.error();
        Duration wait = err.retryAfter() == null ? DEFAULT_RATE_LIMIT_WAIT : err.retryAfter();
        if (err.code() == ErrorCode.RATE_LIMIT_EXCEEDED && attempt < MAX_RATE_LIMIT_RETRIES
            && wait.compareTo(MAX_RETRY_AFTER) <= 0 && !scope.cancelled()) {
          LOG.debug("Railway {} was rate limited; retrying in {} ms", operation, wait.toMillis());
          return later(wait, () -> attempt(operation, body, doing, scope, attempt + 1), scope);
        }
        return CompletableFuture.failedFuture(e);
      }
    });
  }

  /** Runs {@code next} after {@code wait} on the context's scheduler; never blocks. */
  <T> CompletableFuture<T> later(
      Duration wait, Supplier<CompletableFuture<T>> next, Scope scope) {
    CompletableFuture<T> result = new CompletableFuture<>();
    scope.track(context.scheduler().schedule(() -> {
      CompletableFuture<T> f;
      try {
        f = next.get();
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      }
      f.whenComplete((v, e) -> {
        if (e == null) {
          result.complete(v);
        } else {
          result.completeExceptionally(Scope.unwrap(e));
        }
      });
    }, Math.max(0, wait.toMillis()), TimeUnit.MILLISECONDS));
    return result;
  }

  /** Returns the answer's {@code data}, or throws the error it describes. */
  JsonNode interpret(Response response, String operation, String doing) {
    int status = response.status();
    JsonNode tree = parse(response.body());
    JsonNode errors = tree == null ? null : tree.get("errors");
    boolean temporary = status == 408 || status == 429 || (status >= 500 && status <= 599);
    if (errors != null && errors.isArray() && !errors.isEmpty() && !temporary) {
      throw new DeploymentException(graphQlError(response, errors, doing));
    }
    if (!response.isSuccess()) {
      throw new DeploymentException(
          http.mapError(status, response.headers(), response.body()));
    }
    JsonNode data = tree == null ? null : tree.get("data");
    if (data == null || !data.isObject()) {
      throw malformed(operation, status, response.headers());
    }
    return data;
  }

  private DeploymentError graphQlError(Response response, JsonNode errors, String doing) {
    DeploymentError base = http.mapError(response.status(), response.headers(), response.body());
    List<String> messages = new ArrayList<>();
    String firstMessage = null;
    String firstCode = null;
    for (JsonNode e : errors) {
      String m = text(e.isTextual() ? e : e.get("message"));
      if (firstMessage == null) {
        firstMessage = m;
        firstCode = text(e.path("extensions").get("code"));
      }
      if (m != null && messages.size() < MAX_MESSAGES) {
        messages.add(m);
      }
    }
    GraphQlErrors.Kind kind = GraphQlErrors.classify(firstMessage, firstCode);
    ErrorCode code;
    String advice;
    if (kind != null) {
      code = kind.code();
      advice = kind.advice();
    } else if (response.isSuccess()) {
      code = GraphQlErrors.REFUSED.code();
      advice = GraphQlErrors.REFUSED.advice();
    } else {
      // An HTTP error status with a message we do not know: the status decides.
      return base.withMessage(redact(base.message()));
    }
    String said = messages.isEmpty() ? "no message" : shorten(String.join("; ", messages));
    StringBuilder message = new StringBuilder("Railway refused to ").append(doing);
    if (!response.isSuccess()) {
      message.append(" (HTTP ").append(response.status()).append(')');
    }
    message.append(": ").append(stripPeriod(said)).append(". ").append(advice);
    List<String> details = firstCode == null ? List.of()
        : List.of("platform code: " + shorten(firstCode));
    return new DeploymentError(code, redact(message.toString()), RailwayPlatform.ID,
        response.status(), base.retryAfter(), base.requestId(), details);
  }

  DeploymentException malformed(String operation, int status, HttpHeaders headers) {
    return new DeploymentException(error(ErrorCode.PLATFORM_UNAVAILABLE,
        "Railway answered " + operation + " with something that is not the expected answer (HTTP "
            + status + "). This is usually temporary; try again later.")
        .withHttpStatus(status).withRequestId(requestId(headers)));
  }

  /** The text at {@code node.path(field)}, or a malformed-answer error naming the operation. */
  String requiredText(JsonNode node, String field, String operation) {
    String value = text(node.get(field));
    if (value == null) {
      throw new DeploymentException(error(ErrorCode.PLATFORM_UNAVAILABLE,
          "Railway's answer to " + operation + " has no " + field
              + ". This is usually temporary; try again later."));
    }
    return value;
  }

  // ------------------------------------------------------------------------------ helpers

  DeploymentError error(ErrorCode code, String message) {
    return DeploymentError.of(code, redact(message)).withPlatform(RailwayPlatform.ID);
  }

  /** Replaces every secret in {@code s} with {@code ****}. */
  String redact(String s) {
    String out = s;
    for (String secret : secrets) {
      if (!secret.isEmpty()) {
        out = out.replace(secret, "****");
      }
    }
    return out;
  }

  @Nullable String requestId(HttpHeaders headers) {
    for (String name : REQUEST_ID_HEADERS) {
      String v = headers.firstValue(name).orElse(null);
      if (v != null && !v.isBlank()) {
        return redact(v.strip());
      }
    }
    return null;
  }

  @Nullable JsonNode parse(byte[] body) {
    if (body.length == 0) {
      return null;
    }
    try {
      JsonNode tree = mapper.readTree(body);
      return tree == null || tree.isMissingNode() ? null : tree;
    } catch (IOException e) {
      return null;
    }
  }

  static @Nullable String text(@Nullable JsonNode node) {
    if (node == null || !(node.isTextual() || node.isNumber())) {
      return null;
    }
    String s = node.asText().strip();
    return s.isEmpty() ? null : s;
  }

  static String shorten(String s) {
    String oneLine = s.strip().replaceAll("\\s+", " ");
    return oneLine.length() > MAX_MESSAGE ? oneLine.substring(0, MAX_MESSAGE) + "..." : oneLine;
  }

  private static String stripPeriod(String s) {
    return s.endsWith(".") && !s.endsWith("...") ? s.substring(0, s.length() - 1) : s;
  }

  /** The GraphQL document of {@code operation}, read once from the class path. */
  static String document(String operation) {
    return DOCUMENTS.computeIfAbsent(operation, op -> {
      try (InputStream in = RailwayApi.class.getResourceAsStream(op + ".graphql")) {
        if (in == null) {
          throw new DeploymentException(DeploymentError.of(ErrorCode.UNKNOWN,
              "The Railway adapter's GraphQL document " + op + ".graphql is missing from its jar;"
                  + " the deploy-platform-railway jar is damaged: rebuild or download it again")
              .withPlatform(RailwayPlatform.ID));
        }
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new DeploymentException(DeploymentError.of(ErrorCode.UNKNOWN,
            "Could not read the Railway adapter's GraphQL document " + op + ".graphql")
            .withPlatform(RailwayPlatform.ID), e);
      }
    });
  }
}
