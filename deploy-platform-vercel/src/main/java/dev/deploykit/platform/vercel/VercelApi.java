package dev.deploykit.platform.vercel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.deploykit.core.DeploymentError;
import dev.deploykit.core.DeploymentException;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.spi.PlatformContext;
import dev.deploykit.core.spi.PlatformErrorBody;
import dev.deploykit.core.spi.PlatformHttp;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends requests to the Vercel API. Requests are built by core's {@link PlatformHttp} (which adds
 * the Bearer token only for the API's own host) and error answers are mapped by its {@link
 * PlatformHttp#mapError}; this class sends them itself because Vercel's error bodies carry what the
 * adapter needs beyond a code and a message ({@code missing_files}' list of SHA-1s, {@code
 * rate_limited}'s {@code limit.reset}, {@code invalidToken}). Immutable and thread-safe.
 */
final class VercelApi {
  static final String DEFAULT_API_URL = "https://api.vercel.com";
  static final String TOKENS_PAGE = "https://vercel.com/account/tokens";
  private static final Logger LOG = LoggerFactory.getLogger(VercelApi.class);

  private final PlatformContext context;
  private final PlatformHttp http;
  private final VercelSettings settings;
  private final ObjectReader reader;
  private final @Nullable Http1Transport uploads;

  VercelApi(PlatformContext context, VercelSettings settings, @Nullable Http1Transport uploads) {
    this.context = context;
    this.uploads = uploads;
    this.settings = settings;
    this.http = PlatformHttp.builder(context)
        .baseUrl(context.apiUrl(DEFAULT_API_URL))
        .displayName("Vercel")
        .defaultHeaders(Map.of("User-Agent", "deploykit-vercel"))
        .errorMessages(VercelApi::advice)
        .build();
    this.reader = context.objectMapper().reader()
        .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  PlatformContext context() {
    return context;
  }

  PlatformHttp http() {
    return http;
  }

  /**
   * Returns {@code path} with the query parameters and the team's parameter. {@code params} are
   * name/value pairs, values not yet encoded.
   */
  String path(String path, String... params) {
    StringBuilder sb = new StringBuilder(path);
    char sep = '?';
    for (int i = 0; i + 1 < params.length; i += 2) {
      sb.append(sep).append(params[i]).append('=').append(encode(params[i + 1]));
      sep = '&';
    }
    String team = settings.teamQuery();
    if (!team.isEmpty()) {
      sb.append(sep).append(team);
    }
    return sb.toString();
  }

  HttpRequest.Builder request(String pathAndQuery) {
    return http.request(pathAndQuery);
  }

  /** Encodes a query value or a path segment. */
  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /**
   * Sends {@code request}; completes with the JSON answer ({@link MissingNode} for an empty 2xx body)
   * or fails with a {@link DeploymentException} (a {@link MissingFilesException} for {@code
   * missing_files}). A request without a body goes through the upload transport when there is one
   * and it can reach the URI; one with a body through the context's client (use {@link #sendBytes}
   * or {@link #sendJson} to send a body on the transport). Cancelling the returned future cancels
   * the exchange.
   */
  CompletableFuture<JsonNode> send(HttpRequest request) {
    long length = request.bodyPublisher().map(HttpRequest.BodyPublisher::contentLength).orElse(0L);
    boolean idempotent = request.method().equals("GET") || request.method().equals("HEAD");
    return length == 0 ? sendBytes(request, new byte[0], idempotent) : sendThroughClient(request);
  }

  /** Sends {@code body} as JSON with {@code method} to {@code pathAndQuery}; as {@link #send}. */
  CompletableFuture<JsonNode> sendJson(String method, String pathAndQuery, Object body) {
    try {
      return sendJsonBytes(method, pathAndQuery, json(body));
    } catch (DeploymentException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Sends JSON {@code bytes} (not copied: keep them unchanged); as {@link #send}. */
  CompletableFuture<JsonNode> sendJsonBytes(String method, String pathAndQuery, byte[] bytes) {
    HttpRequest request;
    try {
      request = http.request(pathAndQuery)
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofByteArray(bytes))
          .build();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return sendBytes(request, bytes, false);
  }

  /**
   * Writes {@code body} as JSON.
   *
   * @throws DeploymentException UNKNOWN if it cannot be written
   */
  byte[] json(Object body) {
    try {
      return context.objectMapper().writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new DeploymentException(DeploymentError.of(ErrorCode.UNKNOWN,
          "Could not write a " + body.getClass().getSimpleName() + " as JSON")
          .withPlatform(VercelPlatform.ID), e);
    }
  }

  private CompletableFuture<JsonNode> sendThroughClient(HttpRequest request) {
    CompletableFuture<JsonNode> result = new CompletableFuture<>();
    CompletableFuture<HttpResponse<byte[]>> sent;
    try {
      sent = context.httpClient().sendAsync(request, BodyHandlers.ofByteArray());
    } catch (RuntimeException e) {
      result.completeExceptionally(transportFailure(request, e));
      return result;
    }
    sent.whenComplete((response, thrown) -> {
      if (thrown != null) {
        if (!result.isDone()) {
          result.completeExceptionally(transportFailure(request, thrown));
        }
        return;
      }
      byte[] body = response.body() == null ? new byte[0] : response.body();
      answer(result, request, response.statusCode(), response.headers(), body);
    });
    result.whenComplete((v, e) -> {
      if (e instanceof CancellationException) {
        sent.cancel(true);
      }
    });
    return result;
  }

  /**
   * Sends {@code request} whose body is {@code body} (the request's own body publisher must send
   * the same bytes): through the upload transport when there is one and it can reach the URI, else
   * as {@link #send}. Completes as {@link #send} does. {@code idempotent}: sending it twice does no
   * harm (a file upload), so a kept-alive connection closed by the server may be retried at once.
   */
  CompletableFuture<JsonNode> sendBytes(HttpRequest request, byte[] body, boolean idempotent) {
    Http1Transport transport = transportFor(request.uri());
    if (transport == null) {
      return sendThroughClient(request);
    }
    return answered(request,
        transport.send(context.httpClient(), context.scheduler(), request, body, idempotent));
  }

  /** The upload transport when there is one and it can reach {@code uri} as the client would. */
  @Nullable Http1Transport transportFor(URI uri) {
    Http1Transport transport = uploads;
    return transport != null && Http1Transport.canSend(context.httpClient(), uri) ? transport
        : null;
  }

  /**
   * Sends {@code request} (whose own body is ignored) with {@code extraHeaders} (name, value...)
   * and {@code body} on the calling thread, which must be one of {@code transport}'s (see {@link
   * Http1Transport#execute}); the returned future is complete. {@code
   * register} gets it before the request is sent: cancelling it closes the connection.
   */
  CompletableFuture<JsonNode> sendHere(Http1Transport transport, HttpRequest request,
      String[] extraHeaders, Http1Transport.Body body, boolean idempotent,
      Consumer<CompletableFuture<JsonNode>> register) {
    Http1Transport.Exchange exchange = transport.exchange(context.httpClient(),
        context.scheduler(), request, extraHeaders, body, idempotent);
    CompletableFuture<JsonNode> result = answered(request, exchange.result());
    register.accept(result);
    exchange.run();
    return result;
  }

  /** The JSON (or the mapped error) of {@code sent}; cancelling the result cancels it. */
  private CompletableFuture<JsonNode> answered(HttpRequest request,
      CompletableFuture<Http1Transport.Response> sent) {
    CompletableFuture<JsonNode> result = new CompletableFuture<>();
    sent.whenComplete((response, thrown) -> {
      if (thrown != null) {
        if (!result.isDone()) {
          result.completeExceptionally(transportFailure(request, thrown));
        }
        return;
      }
      answer(result, request, response.status(), response.headers(), response.body());
    });
    result.whenComplete((v, e) -> {
      if (e instanceof CancellationException) {
        sent.cancel(true);
      }
    });
    return result;
  }

  /** Completes {@code result} with an answer: its JSON, or the mapped error. */
  private void answer(CompletableFuture<JsonNode> result, HttpRequest request, int status,
      HttpHeaders headers, byte[] body) {
    if (result.isDone()) {
      return;
    }
    try {
      LOG.debug("{} {} -> HTTP {}", request.method(), request.uri().getRawPath(), status);
      if (status >= 200 && status < 300) {
        result.complete(parse(request, status, headers, body));
      } else {
        result.completeExceptionally(mapError(status, headers, body));
      }
    } catch (DeploymentException e) {
      result.completeExceptionally(e);
    } catch (RuntimeException e) {
      result.completeExceptionally(new DeploymentException(DeploymentError.of(ErrorCode.UNKNOWN,
          "The Vercel request " + request.method() + " " + request.uri().getRawPath()
              + " failed unexpectedly (" + e.getClass().getSimpleName() + ")")
          .withPlatform(VercelPlatform.ID), e));
    }
  }

  private JsonNode parse(HttpRequest request, int status, HttpHeaders headers, byte[] body) {
    if (isBlank(body)) {
      return MissingNode.getInstance();
    }
    try {
      return reader.readTree(body);
    } catch (IOException e) {
      throw new DeploymentException(DeploymentError.of(ErrorCode.PLATFORM_UNAVAILABLE,
              "Vercel answered with malformed JSON (HTTP " + status + ") to "
                  + request.method() + " " + request.uri().getRawPath()
                  + ". This is usually temporary; try again later.")
          .withPlatform(VercelPlatform.ID).withHttpStatus(status)
          .withRequestId(headers.firstValue("x-vercel-id").orElse(null)), e);
    }
  }

  /**
   * Maps an error answer: core's mapping, then Vercel's own signals: {@code missing_files}, the
   * reset time of {@code rate_limited}, and a 403 that says the token itself is bad.
   */
  DeploymentException mapError(int status, HttpHeaders headers, byte[] body) {
    DeploymentError base = http.mapError(status, headers, body);
    JsonNode error = readErrorObject(body);
    String code = error == null ? null : text(error.get("code"));
    if ("missing_files".equals(code)) {
      List<String> missing = new ArrayList<>();
      JsonNode list = error.get("missing");
      if (list != null && list.isArray()) {
        list.forEach(n -> {
          if (n.isTextual()) {
            missing.add(n.asText());
          }
        });
      }
      return new MissingFilesException(new DeploymentError(ErrorCode.UPLOAD_FAILED,
          "Vercel is missing " + missing.size() + " of the deployment's files", VercelPlatform.ID,
          status, null, base.requestId(), List.of("platform code: missing_files")), missing);
    }
    if (status == 429 || "rate_limited".equals(code)) {
      Duration wait = base.retryAfter();
      if (wait == null && error != null) {
        wait = resetWait(error.get("limit"));
      }
      String message = base.message();
      if (base.code() != ErrorCode.RATE_LIMIT_EXCEEDED) {
        message = "Vercel rate limit was reached (HTTP " + status + ").";
      }
      if (wait != null) {
        message = message.replace(" Wait a while before trying again.", "");
        if (!message.contains("Retry in")) {
          message = message + " Retry in " + Math.max(1, (wait.toMillis() + 999) / 1000)
              + " seconds.";
        }
      }
      return new DeploymentException(new DeploymentError(ErrorCode.RATE_LIMIT_EXCEEDED, message,
          VercelPlatform.ID, status, wait, base.requestId(), base.details()));
    }
    if (status == 403 && error != null
        && (error.path("invalidToken").asBoolean(false)
            || error.path("missingToken").asBoolean(false))) {
      return new DeploymentException(new DeploymentError(ErrorCode.AUTH_FAILED,
          "Vercel refused the token (HTTP 403): it is invalid, expired or missing. Create a new"
              + " token at " + TOKENS_PAGE + " and connect it again.",
          VercelPlatform.ID, status, base.retryAfter(), base.requestId(), base.details()));
    }
    return new DeploymentException(base);
  }

  private @Nullable JsonNode readErrorObject(byte[] body) {
    if (isBlank(body)) {
      return null;
    }
    try {
      JsonNode tree = reader.readTree(body);
      JsonNode error = tree == null ? null : tree.get("error");
      return error != null && error.isObject() ? error : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The wait until {@code limit.reset} (epoch seconds) or {@code limit.resetMs} (epoch ms). */
  private @Nullable Duration resetWait(@Nullable JsonNode limit) {
    if (limit == null || !limit.isObject()) {
      return null;
    }
    Instant at = null;
    if (limit.path("resetMs").isNumber()) {
      at = Instant.ofEpochMilli(limit.path("resetMs").asLong());
    } else if (limit.path("reset").isNumber()) {
      at = Instant.ofEpochSecond(limit.path("reset").asLong());
    }
    if (at == null) {
      return null;
    }
    Duration d = Duration.between(context.clock().instant(), at);
    return d.isNegative() ? Duration.ZERO : d;
  }

  /** What a user should do, per status and Vercel error code (null: core's default). */
  private static @Nullable String advice(int status, PlatformErrorBody body) {
    if (status == 401) {
      return "Create a new token at " + TOKENS_PAGE + " and connect it again.";
    }
    if (status == 403) {
      return "The token lacks access: create a token at " + TOKENS_PAGE
          + " whose scope includes the team that owns the project (set vercel.teamId to that"
          + " team), or ask a team owner to add you to the team.";
    }
    if (status == 404) {
      return "Check vercel.teamId / vercel.slug and that the token can see the project.";
    }
    return null;
  }

  DeploymentException transportFailure(HttpRequest request, Throwable thrown) {
    Throwable t = unwrap(thrown);
    if (t instanceof DeploymentException de) {
      return de;
    }
    URI uri = request.uri();
    String host = uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
    String what = request.method() + " " + uri.getRawPath();
    if (t instanceof HttpTimeoutException) {
      return new DeploymentException(DeploymentError.of(ErrorCode.PLATFORM_UNAVAILABLE,
          "Vercel at " + host + " did not answer " + what + " within "
              + request.timeout()
                  .map(d -> d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms")
                  .orElse("the timeout")
              + ". Check the network connection and try again.")
          .withPlatform(VercelPlatform.ID), t);
    }
    if (t instanceof IOException || t instanceof CancellationException) {
      return new DeploymentException(DeploymentError.of(ErrorCode.PLATFORM_UNAVAILABLE,
          "Could not reach Vercel at " + host + " (" + what + ": "
              + t.getClass().getSimpleName() + "). Check the network connection and try again.")
          .withPlatform(VercelPlatform.ID), t);
    }
    return new DeploymentException(DeploymentError.of(ErrorCode.UNKNOWN,
        "The Vercel request " + what + " failed unexpectedly (" + t.getClass().getSimpleName()
            + ")").withPlatform(VercelPlatform.ID), t);
  }

  static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException
            || c instanceof dev.failsafe.FailsafeException)
        && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  static @Nullable String text(@Nullable JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode() || n.isContainerNode()) {
      return null;
    }
    String s = n.asText();
    return s.isBlank() ? null : s;
  }

  private static boolean isBlank(byte[] body) {
    for (byte b : body) {
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return false;
      }
    }
    return true;
  }
}
