package dev.deploykit.core.spi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.deploykit.core.DeploymentError;
import dev.deploykit.core.DeploymentException;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.internal.ConnectionFailures;
import dev.deploykit.core.internal.DiscardedBodyResponse;
import dev.deploykit.core.internal.LimitedBodySubscriber;
import dev.deploykit.core.internal.Redactor;
import dev.deploykit.core.internal.RetryAfter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpResponse.BodySubscribers;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP helper platform adapters share: it sends JSON requests with the platform's
 * authorization, and turns every failure (an error status, a malformed answer, a connection that
 * broke) into a {@link DeploymentException} whose {@link DeploymentError} is mapped the same way for
 * every platform.
 *
 * <p>Build one per adapter (per {@link PlatformContext}) with {@link #builder(PlatformContext)}. A
 * built {@code PlatformHttp} is immutable and thread-safe. It owns no threads: it sends with the
 * context's {@link HttpClient}, and the returned futures complete on that client's threads (move
 * heavy work elsewhere, e.g. with {@code thenApplyAsync(f, context.executor())}).
 *
 * <p><b>Futures.</b> Every {@code send*} method returns at once; the future completes exceptionally
 * with a {@link DeploymentException} (never a Jackson or {@link IOException}: those are kept as its
 * cause). Cancelling the returned future cancels the client's {@code sendAsync} future; on JDK 17 this
 * aborts the exchange only partially (the connection may finish in the background), but the returned
 * future is cancelled at once. Cancelling a future derived from it (e.g. by {@code thenApply}) does
 * not reach the exchange.
 *
 * <p><b>Secrets.</b> The authorization headers are added only to requests to the base URL's own
 * scheme, host and port, so a token never leaves for another host (an upload URL a platform hands
 * out, say). No message this class makes contains the token: if a platform echoes it in an error
 * body, every occurrence is replaced with {@code ****}.
 *
 * <p><b>Redirects.</b> The JDK's {@link HttpClient} copies every header, {@code Authorization}
 * included, to the target of a redirect, whatever its host. So {@link Builder#build()} refuses a
 * context whose client follows redirects ({@link HttpClient.Redirect#NORMAL} or {@code ALWAYS}),
 * with {@code INVALID_CONFIG}; the orchestrator's default client never follows them. A 3xx answer
 * is mapped to {@code INVALID_CONFIG} naming the host it points to (never its path or query), and
 * nothing is sent there. Logging (SLF4J, logger {@code
 * dev.deploykit.core.spi.PlatformHttp.<platform>}) is at DEBUG only and names the method, the path
 * (never the query string), the status, the duration and the platform's request id; never a header
 * or a body.
 *
 * <p><b>Status mapping</b> ({@link #mapError(int, HttpHeaders, byte[])}):
 *
 * <table>
 *   <caption>HTTP status to error code</caption>
 *   <tr><th>status</th><th>code</th></tr>
 *   <tr><td>3xx</td><td>INVALID_CONFIG: the API URL redirects (often http to https, or a moved
 *       host); the redirect is not followed</td></tr>
 *   <tr><td>400, 422</td><td>INVALID_CONFIG, with the platform's message</td></tr>
 *   <tr><td>401</td><td>AUTH_FAILED</td></tr>
 *   <tr><td>403</td><td>INSUFFICIENT_PERMISSIONS; RATE_LIMIT_EXCEEDED when {@code
 *       x-ratelimit-remaining: 0} or a {@code Retry-After} header is present (GitHub's primary and
 *       secondary limits)</td></tr>
 *   <tr><td>404</td><td>INVALID_CONFIG: the project, team or service an id names does not exist
 *       or the token cannot see it. Adapters for which a 404 is an expected answer (looking a
 *       project up) check the status themselves before calling this</td></tr>
 *   <tr><td>408</td><td>PLATFORM_UNAVAILABLE (temporary)</td></tr>
 *   <tr><td>409</td><td>PROJECT_NAME_TAKEN</td></tr>
 *   <tr><td>413</td><td>UPLOAD_FAILED</td></tr>
 *   <tr><td>429</td><td>RATE_LIMIT_EXCEEDED</td></tr>
 *   <tr><td>5xx</td><td>PLATFORM_UNAVAILABLE</td></tr>
 *   <tr><td>anything else</td><td>UNKNOWN</td></tr>
 * </table>
 *
 * <p>Every mapped error carries the platform id, the HTTP status, the platform's request id (the
 * first of {@link Builder#requestIdHeaders(List)} present) and, when the platform said how long to
 * wait, {@code retryAfter}: from {@code Retry-After} (delta-seconds or an HTTP-date, relative to the
 * context's clock) on any status, else, for rate-limit errors, from {@code X-RateLimit-Reset} or
 * {@code Ratelimit-Reset} (epoch seconds when large, else seconds to wait). The platform's error code,
 * if any, is the error's first detail line ({@code platform code: <code>}).
 */
public final class PlatformHttp {
  /** How much of an error body is read; the rest is discarded. */
  static final int MAX_ERROR_BODY = 64 * 1024;
  /** How much of the platform's message goes into an error message. */
  private static final int MAX_PLATFORM_MESSAGE = 500;

  /** The request id headers read by default, in order. */
  public static final List<String> DEFAULT_REQUEST_ID_HEADERS = List.of(
      "x-vercel-id", "x-request-id", "x-github-request-id", "rndr-id", "x-railway-request-id");
  /** The request timeout by default. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final String platform;
  private final String displayName;
  private final HttpClient httpClient;
  private final ObjectMapper objectMapper;
  private final ObjectReader treeReader;
  private final Clock clock;
  private final URI baseUrl;
  private final Map<String, String> authHeaders;
  private final Map<String, String> defaultHeaders;
  private final List<String> requestIdHeaders;
  private final ErrorBodyReader errorBodyReader;
  private final Duration requestTimeout;
  private final BiFunction<Integer, PlatformErrorBody, @Nullable String> errorMessages;
  private final Redactor redactor;
  private final Logger log;

  private PlatformHttp(Builder b, URI baseUrl, Map<String, String> authHeaders) {
    PlatformContext context = b.context;
    this.platform = context.platform();
    this.displayName = b.displayName != null ? b.displayName : defaultDisplayName(platform);
    this.httpClient = context.httpClient();
    this.objectMapper = context.objectMapper();
    this.treeReader = objectMapper.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    this.clock = context.clock();
    this.baseUrl = baseUrl;
    this.authHeaders = authHeaders;
    this.defaultHeaders = Map.copyOf(b.defaultHeaders);
    this.requestIdHeaders = List.copyOf(b.requestIdHeaders);
    this.errorBodyReader = b.errorBodyReader;
    this.requestTimeout = b.requestTimeout != null ? b.requestTimeout : settingTimeout(context);
    this.errorMessages = b.errorMessages;
    List<String> secrets = new ArrayList<>();
    secrets.add(context.credentials().token());
    secrets.addAll(authHeaders.values());
    this.redactor = new Redactor(secrets);
    this.log = LoggerFactory.getLogger(PlatformHttp.class.getName() + "." + platform);
  }

  /**
   * Returns a builder for the helper of the adapter running in {@code context}. The base URL is
   * required; see {@link Builder} for the defaults.
   */
  public static Builder builder(PlatformContext context) {
    return new Builder(Objects.requireNonNull(context, "context"));
  }

  /** Returns the base URL requests are resolved against. */
  public URI baseUrl() {
    return baseUrl;
  }

  /** Returns the request timeout set on every request {@link #request(String)} builds. */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  // ------------------------------------------------------------------------------------------
  // Requests

  /**
   * Starts a request to {@code pathAndQuery} with the default headers, the timeout and, for the
   * base URL's own host, the authorization headers. The method is GET until the caller sets another.
   *
   * <p>{@code pathAndQuery} is either a path (and query) appended to the base URL's path ({@code
   * /v9/projects} against {@code https://api.vercel.com} or {@code /services} against {@code
   * https://api.render.com/v1}), or an absolute {@code http(s)} URL, used as it is. It must be
   * already encoded.
   *
   * @throws DeploymentException {@code INVALID_CONFIG} if the result is not a valid http(s) URL
   */
  public HttpRequest.Builder request(String pathAndQuery) {
    Objects.requireNonNull(pathAndQuery, "pathAndQuery");
    URI uri = resolve(pathAndQuery);
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(requestTimeout);
    defaultHeaders.forEach(builder::header);
    if (sameOrigin(uri, baseUrl)) {
      authHeaders.forEach(builder::setHeader);
    }
    return builder;
  }

  private URI resolve(String pathAndQuery) {
    URI uri;
    try {
      URI given = new URI(pathAndQuery);
      if (given.isAbsolute()) {
        uri = given;
      } else {
        String base = baseUrl.toString();
        while (base.endsWith("/")) {
          base = base.substring(0, base.length() - 1);
        }
        uri = new URI(base + (pathAndQuery.startsWith("/") ? "" : "/") + pathAndQuery);
      }
    } catch (java.net.URISyntaxException e) {
      throw new DeploymentException(error(ErrorCode.INVALID_CONFIG,
          "The " + displayName + " request path is not a valid URL: " + e.getReason()
              + " (index " + e.getIndex() + "); encode names before putting them in a path"), e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
      throw new DeploymentException(error(ErrorCode.INVALID_CONFIG,
          "The " + displayName + " request URL must be an http(s) URL with a host"));
    }
    return uri;
  }

  static boolean sameOrigin(URI a, URI b) {
    String schemeA = Objects.toString(a.getScheme(), "").toLowerCase(Locale.ROOT);
    String schemeB = Objects.toString(b.getScheme(), "").toLowerCase(Locale.ROOT);
    return schemeA.equals(schemeB)
        && a.getHost() != null
        && a.getHost().equalsIgnoreCase(Objects.toString(b.getHost(), ""))
        && port(a) == port(b);
  }

  private static int port(URI uri) {
    if (uri.getPort() != -1) {
      return uri.getPort();
    }
    return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  /**
   * Returns a body publisher of {@code body} written as JSON with {@code mapper}. Set {@code
   * Content-Type: application/json} on the request yourself.
   *
   * @throws DeploymentException {@code UNKNOWN} if the value cannot be written as JSON
   */
  public static HttpRequest.BodyPublisher json(ObjectMapper mapper, Object body) {
    Objects.requireNonNull(mapper, "mapper");
    Objects.requireNonNull(body, "body");
    try {
      return HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new DeploymentException(DeploymentError.of(ErrorCode.UNKNOWN,
          "Could not write a " + body.getClass().getSimpleName() + " as JSON"), e);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Sending

  /**
   * Sends {@code request} and returns its JSON answer.
   *
   * <p>A 2xx answer with an empty (or blank) body, such as 204, completes with {@link MissingNode}
   * ({@code isMissingNode()}; {@code path(..)} works on it), so that it differs from a literal
   * {@code null} body ({@code NullNode}). A 2xx answer that is not JSON completes with {@code
   * PLATFORM_UNAVAILABLE} (the parser's exception is the cause, never in the message). Any other
   * status completes with the error {@link #mapError(int, HttpHeaders, byte[])} maps it to; a failed
   * connection or a timeout with {@code PLATFORM_UNAVAILABLE}.
   */
  public CompletableFuture<JsonNode> sendJson(HttpRequest request) {
    return exchange(request, successOr(BodyHandlers.ofByteArray()),
        response -> parseTree(response));
  }

  /**
   * Sends {@code request} and returns its JSON answer read as a {@code type} with the context's
   * {@link ObjectMapper}. Like {@link #sendJson(HttpRequest)}, except that an empty body or JSON that
   * does not fit {@code type} also completes with {@code PLATFORM_UNAVAILABLE}; use {@link
   * #sendJson(HttpRequest)} or {@link #sendDiscarding(HttpRequest)} for answers that may be empty.
   */
  public <T> CompletableFuture<T> sendJson(HttpRequest request, Class<T> type) {
    Objects.requireNonNull(type, "type");
    return exchange(request, successOr(BodyHandlers.ofByteArray()), response -> {
      JsonNode tree = parseTree(response);
      if (tree.isMissingNode()) {
        throw malformed(response, "an empty body", null);
      }
      T value;
      try {
        value = objectMapper.treeToValue(tree, type);
      } catch (JsonProcessingException | IllegalArgumentException e) {
        throw malformed(response, "unexpected JSON", e);
      }
      if (value == null) {
        throw malformed(response, "a null body", null);
      }
      return value;
    });
  }

  /**
   * Sends {@code request} and discards a successful answer's body (for uploads and deletes that
   * answer 200 with nothing of interest); the response's {@code body()} is {@code null}. A non-2xx
   * answer's body is read (at most 64 KiB) and mapped like {@link #sendJson(HttpRequest)}.
   */
  public CompletableFuture<HttpResponse<Void>> sendDiscarding(HttpRequest request) {
    return exchange(request, successOr(info -> BodySubscribers.replacing(new byte[0])),
        DiscardedBodyResponse::new);
  }

  /**
   * Sends {@code request} and returns the response as soon as its headers arrive, with the body as
   * a stream (for event streams and build logs). The caller reads the stream, off the client's
   * threads, and closes it; closing it early aborts the exchange. A non-2xx answer completes with the
   * mapped error instead, its body read up to 64 KiB. Cancelling the future after it completed does
   * not close the stream.
   */
  public CompletableFuture<HttpResponse<InputStream>> sendStreaming(HttpRequest request) {
    BodyHandler<InputStream> handler = info -> isSuccess(info.statusCode())
        ? BodySubscribers.ofInputStream()
        : BodySubscribers.mapping(new LimitedBodySubscriber(MAX_ERROR_BODY),
            ByteArrayInputStream::new);
    return exchange(request, handler, response -> response);
  }

  /** For a 2xx status uses {@code success}; otherwise reads at most 64 KiB of the error body. */
  private static BodyHandler<byte[]> successOr(BodyHandler<byte[]> success) {
    return info -> isSuccess(info.statusCode())
        ? success.apply(info)
        : new LimitedBodySubscriber(MAX_ERROR_BODY);
  }

  private static boolean isSuccess(int status) {
    return status >= 200 && status < 300;
  }

  /** What to make of a 2xx response; may throw a {@link DeploymentException}. */
  @FunctionalInterface
  private interface SuccessHandler<B, T> {
    T apply(HttpResponse<B> response);
  }

  private <B, T> CompletableFuture<T> exchange(
      HttpRequest request, BodyHandler<B> handler, SuccessHandler<B, T> onSuccess) {
    Objects.requireNonNull(request, "request");
    long start = System.nanoTime();
    CompletableFuture<T> result = new CompletableFuture<>();
    CompletableFuture<HttpResponse<B>> sent;
    try {
      sent = httpClient.sendAsync(request, handler);
    } catch (RuntimeException e) {
      result.completeExceptionally(failure(request, e, start));
      return result;
    }
    sent.whenComplete((response, thrown) -> {
      if (result.isDone()) {
        closeQuietly(response);
        return;
      }
      try {
        if (thrown != null) {
          result.completeExceptionally(failure(request, thrown, start));
          return;
        }
        int status = response.statusCode();
        String requestId = requestId(response.headers());
        logAnswer(request, status, start, requestId);
        if (isSuccess(status)) {
          result.complete(onSuccess.apply(response));
        } else {
          result.completeExceptionally(
              new DeploymentException(mapError(status, response.headers(), errorBytes(response))));
        }
      } catch (DeploymentException e) {
        result.completeExceptionally(e);
      } catch (RuntimeException | Error e) {
        result.completeExceptionally(unexpected(request, e));
      }
    });
    result.whenComplete((value, thrown) -> {
      if (thrown instanceof CancellationException) {
        sent.cancel(true);
      }
    });
    return result;
  }

  /** Closes a streamed body nobody will read (the future was cancelled first). */
  private static void closeQuietly(@Nullable HttpResponse<?> response) {
    if (response != null && response.body() instanceof InputStream) {
      try {
        ((InputStream) response.body()).close();
      } catch (IOException e) {
        // nothing to do
      }
    }
  }

  private static byte[] errorBytes(HttpResponse<?> response) {
    Object body = response.body();
    if (body instanceof byte[]) {
      return (byte[]) body;
    }
    if (body instanceof ByteArrayInputStream) {
      return ((ByteArrayInputStream) body).readAllBytes();
    }
    return new byte[0];
  }

  private JsonNode parseTree(HttpResponse<byte[]> response) {
    byte[] body = response.body();
    if (isBlank(body)) {
      return MissingNode.getInstance();
    }
    try {
      return treeReader.readTree(body);
    } catch (IOException e) {
      throw malformed(response, "malformed JSON", e);
    }
  }

  private DeploymentException malformed(
      HttpResponse<?> response, String what, @Nullable Exception cause) {
    HttpRequest request = response.request();
    int status = response.statusCode();
    String message = displayName + " answered with " + what + " (HTTP " + status + ") to "
        + request.method() + " " + request.uri().getRawPath()
        + ". This is usually temporary; try again later.";
    return new DeploymentException(error(ErrorCode.PLATFORM_UNAVAILABLE, message)
        .withHttpStatus(status).withRequestId(requestId(response.headers())), cause);
  }

  private DeploymentException failure(HttpRequest request, Throwable thrown, long start) {
    Throwable t = ConnectionFailures.unwrap(thrown);
    if (t instanceof DeploymentException) {
      return (DeploymentException) t;
    }
    if (t instanceof CancellationException) {
      // Only reached if the exchange was cancelled by someone else; report it as unreachable.
      t = new IOException("the request was cancelled", t);
    }
    if (!ConnectionFailures.isTransportFailure(t)) {
      return unexpected(request, t);
    }
    URI uri = request.uri();
    String host = uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
    Duration timeout = request.timeout().orElse(null);
    String reason = redactor.redact(ConnectionFailures.reason(t, timeout));
    if (log.isDebugEnabled()) {
      log.debug("{} {} failed after {} ms: {}", request.method(), uri.getRawPath(),
          elapsedMillis(start), reason);
    }
    return new DeploymentException(
        error(ErrorCode.PLATFORM_UNAVAILABLE,
            "Could not reach " + displayName + " at " + host + ": " + reason
                + ". Check the network connection and try again."), t);
  }

  private DeploymentException unexpected(HttpRequest request, Throwable t) {
    return new DeploymentException(error(ErrorCode.UNKNOWN,
        "The " + displayName + " request " + request.method() + " " + request.uri().getRawPath()
            + " failed unexpectedly (" + t.getClass().getSimpleName() + ")"), t);
  }

  private void logAnswer(HttpRequest request, int status, long start, @Nullable String requestId) {
    if (log.isDebugEnabled()) {
      log.debug("{} {} -> HTTP {} in {} ms (request id {})", request.method(),
          request.uri().getRawPath(), status, elapsedMillis(start),
          requestId == null ? "none" : requestId);
    }
  }

  private static long elapsedMillis(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }

  // ------------------------------------------------------------------------------------------
  // Error mapping

  /**
   * Maps an error answer to a {@link DeploymentError}, as the {@code send*} methods do (see the
   * class documentation for the table). Public so that adapters with special cases (Railway's
   * GraphQL errors in a 200, a 404 that means "create it") map the rest the same way.
   *
   * <p>The message names the platform and the status and, when the body is JSON the {@link
   * ErrorBodyReader} understands, includes the platform's message (shortened to 500 characters,
   * with the token replaced by {@code ****}); an HTML, non-JSON or empty body gives a generic message
   * and is never quoted.
   *
   * @param status the HTTP status
   * @param headers the response headers
   * @param body the response body, possibly empty or truncated
   */
  public DeploymentError mapError(int status, HttpHeaders headers, byte[] body) {
    Objects.requireNonNull(headers, "headers");
    Objects.requireNonNull(body, "body");
    PlatformErrorBody platformError = readErrorBody(body);
    String platformMessage = shorten(redactor.redactNullable(platformError.message()));
    String platformCode = shorten(redactor.redactNullable(platformError.code()));

    Optional<Duration> retryAfter = headers.firstValue("retry-after")
        .flatMap(v -> RetryAfter.parse(v, clock));
    boolean rateLimited = status == 429
        || (status == 403 && (headers.firstValue("x-ratelimit-remaining")
            .map(String::strip).filter("0"::equals).isPresent() || retryAfter.isPresent()));
    if (rateLimited && retryAfter.isEmpty()) {
      retryAfter = headers.firstValue("x-ratelimit-reset")
          .or(() -> headers.firstValue("ratelimit-reset"))
          .flatMap(v -> RetryAfter.parseReset(v, clock));
    }

    ErrorCode code;
    String what;
    String fix;
    if (rateLimited) {
      code = ErrorCode.RATE_LIMIT_EXCEEDED;
      what = displayName + " rate limit was reached";
      fix = retryAfter.map(d -> "Retry in " + humanSeconds(d) + ".")
          .orElse("Wait a while before trying again.");
    } else if (status >= 300 && status <= 399) {
      code = ErrorCode.INVALID_CONFIG;
      what = displayName + " redirected the request" + redirectTarget(headers);
      fix = "deploykit does not follow redirects, so that the token never leaves the API host;"
          + " check the " + platform + ".apiUrl setting (https, and the host the platform"
          + " documents).";
    } else if (status == 400 || status == 422) {
      code = ErrorCode.INVALID_CONFIG;
      what = displayName + " rejected the request";
      fix = "Check the project settings and environment variables sent.";
    } else if (status == 401) {
      code = ErrorCode.AUTH_FAILED;
      what = displayName + " refused the token";
      fix = "Check that the " + displayName + " token is valid and has not expired or been revoked.";
    } else if (status == 403) {
      code = ErrorCode.INSUFFICIENT_PERMISSIONS;
      what = displayName + " denied access";
      fix = "The token works but lacks a permission this step needs; check its scopes and team"
          + " access.";
    } else if (status == 404) {
      code = ErrorCode.INVALID_CONFIG;
      what = displayName + " did not find what was asked for";
      fix = "Check the project, team or service id configured, and that the token can see it.";
    } else if (status == 408) {
      code = ErrorCode.PLATFORM_UNAVAILABLE;
      what = displayName + " timed out waiting for the request";
      fix = "This is usually temporary; try again.";
    } else if (status == 409) {
      code = ErrorCode.PROJECT_NAME_TAKEN;
      what = displayName + " reported a conflict";
      fix = "The project name is probably taken; choose another name.";
    } else if (status == 413) {
      code = ErrorCode.UPLOAD_FAILED;
      what = displayName + " refused the upload as too large";
      fix = "Make the files smaller or fewer.";
    } else if (status >= 500 && status <= 599) {
      code = ErrorCode.PLATFORM_UNAVAILABLE;
      what = displayName + " is unavailable";
      fix = "This is usually temporary; try again later.";
    } else {
      code = ErrorCode.UNKNOWN;
      what = displayName + " answered unexpectedly";
      fix = "";
    }
    String hint;
    try {
      hint = errorMessages.apply(status, platformError);
    } catch (RuntimeException e) {
      log.debug("The errorMessages hook failed: {}", e.getClass().getName());
      hint = null;
    }
    if (hint != null && !hint.isBlank()) {
      fix = redactor.redact(hint.strip());
    }
    StringBuilder message = new StringBuilder(what).append(" (HTTP ").append(status).append(')');
    if (platformMessage != null) {
      message.append(": ").append(stripTrailingPeriod(platformMessage));
    }
    message.append('.');
    if (!fix.isEmpty()) {
      message.append(' ').append(fix);
    }
    List<String> details = platformCode == null ? List.of() : List.of("platform code: " + platformCode);
    return new DeploymentError(code, message.toString(), platform, status,
        retryAfter.orElse(null), requestId(headers), details);
  }

  /** Says where a redirect points: scheme, host and port only, never the path or query. */
  private static String redirectTarget(HttpHeaders headers) {
    Optional<String> location = headers.firstValue("location");
    if (location.isEmpty()) {
      return "";
    }
    try {
      URI uri = new URI(location.get().strip());
      if (uri.getHost() == null) {
        return " to another path";
      }
      return " to " + Objects.toString(uri.getScheme(), "http").toLowerCase(Locale.ROOT) + "://"
          + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
    } catch (java.net.URISyntaxException e) {
      return "";
    }
  }

  private PlatformErrorBody readErrorBody(byte[] body) {
    if (isBlank(body)) {
      return PlatformErrorBody.NONE;
    }
    JsonNode tree;
    try {
      tree = treeReader.readTree(body);
    } catch (IOException | RuntimeException e) {
      return PlatformErrorBody.NONE; // HTML, text or truncated JSON: say nothing of it
    }
    try {
      PlatformErrorBody read = errorBodyReader.read(tree);
      return read == null ? PlatformErrorBody.NONE : read;
    } catch (RuntimeException e) {
      log.debug("The error body reader failed: {}", e.getClass().getName());
      return PlatformErrorBody.NONE;
    }
  }

  private @Nullable String requestId(HttpHeaders headers) {
    for (String name : requestIdHeaders) {
      Optional<String> value = headers.firstValue(name);
      if (value.isPresent() && !value.get().isBlank()) {
        return redactor.redact(value.get().strip());
      }
    }
    return null;
  }

  /**
   * Parses a {@code Retry-After} value: delta-seconds (e.g. {@code 120}; fractions are rounded up to
   * the millisecond) or an HTTP-date (e.g. {@code Wed, 21 Oct 2015 07:28:00 GMT}), which is turned
   * into a wait relative to {@code clock}. A date in the past gives {@link Duration#ZERO}.
   *
   * @return the wait, or empty when the value is neither form
   */
  public static Optional<Duration> parseRetryAfter(String value, Clock clock) {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(clock, "clock");
    return RetryAfter.parse(value, clock);
  }

  private DeploymentError error(ErrorCode code, String message) {
    return DeploymentError.of(code, redactor.redact(message)).withPlatform(platform);
  }

  private static boolean isBlank(byte[] body) {
    for (byte b : body) {
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return false;
      }
    }
    return true;
  }

  private static @Nullable String shorten(@Nullable String s) {
    if (s == null) {
      return null;
    }
    String oneLine = s.strip().replaceAll("\\s+", " ");
    if (oneLine.isEmpty()) {
      return null;
    }
    return oneLine.length() > MAX_PLATFORM_MESSAGE
        ? oneLine.substring(0, MAX_PLATFORM_MESSAGE) + "..." : oneLine;
  }

  private static String stripTrailingPeriod(String s) {
    return s.endsWith(".") && !s.endsWith("...") ? s.substring(0, s.length() - 1) : s;
  }

  private static String humanSeconds(Duration d) {
    long seconds = (d.toMillis() + 999) / 1000;
    return seconds == 1 ? "1 second" : seconds + " seconds";
  }

  private static String defaultDisplayName(String platform) {
    if (platform.equalsIgnoreCase("github")) {
      return "GitHub";
    }
    return platform.isEmpty() ? platform
        : platform.substring(0, 1).toUpperCase(Locale.ROOT) + platform.substring(1);
  }

  @Override
  public String toString() {
    return "PlatformHttp[" + platform + ", " + baseUrl + "]";
  }

  /** The {@code requestTimeout} setting: milliseconds or ISO-8601; 30 seconds without one. */
  private static Duration settingTimeout(PlatformContext context) {
    Optional<String> value = context.setting("requestTimeout").map(String::strip);
    if (value.isEmpty() || value.get().isEmpty()) {
      return DEFAULT_REQUEST_TIMEOUT;
    }
    @Nullable Duration d;
    try {
      d = value.get().chars().allMatch(Character::isDigit)
          ? Duration.ofMillis(Long.parseLong(value.get()))
          : Duration.parse(value.get());
    } catch (RuntimeException e) {
      d = null;
    }
    if (d == null || d.isZero() || d.isNegative()) {
      throw new DeploymentException(DeploymentError.of(ErrorCode.INVALID_CONFIG,
          context.platform() + ".requestTimeout must be a positive number of milliseconds (e.g."
              + " 5000) or an ISO-8601 duration (e.g. PT5S); default 30 seconds")
          .withPlatform(context.platform()));
    }
    return d;
  }

  // ------------------------------------------------------------------------------------------

  /**
   * Configures a {@link PlatformHttp}. Not thread-safe; {@link #build()} copies the configuration,
   * so the built helper never changes.
   */
  public static final class Builder {
    private final PlatformContext context;
    private @Nullable URI baseUrl;
    private @Nullable String displayName;
    private Function<Credentials, Map<String, String>> authorization =
        credentials -> Map.of("Authorization", "Bearer " + credentials.token());
    private Map<String, String> defaultHeaders = Map.of();
    private List<String> requestIdHeaders = DEFAULT_REQUEST_ID_HEADERS;
    private ErrorBodyReader errorBodyReader = ErrorBodyReader.standard();
    private @Nullable Duration requestTimeout;
    private BiFunction<Integer, PlatformErrorBody, @Nullable String> errorMessages =
        (status, body) -> null;

    private Builder(PlatformContext context) {
      this.context = context;
    }

    /**
     * Sets the URL paths are resolved against, e.g. {@code https://api.vercel.com}; its scheme, host
     * and port are the only ones the authorization headers are sent to. Required; no default.
     * Usually {@code context.apiUrl("https://api.vercel.com")}.
     */
    public Builder baseUrl(URI baseUrl) {
      this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
      return this;
    }

    /**
     * Sets the platform's name in messages, e.g. {@code GitHub}. Default: the platform id with a
     * capital first letter ({@code vercel} gives {@code Vercel}).
     */
    public Builder displayName(String displayName) {
      this.displayName = Objects.requireNonNull(displayName, "displayName");
      return this;
    }

    /**
     * Sets the headers that authorize a request, made from the context's credentials once, by
     * {@link #build()}. Default: {@code Authorization: Bearer <token>}. Railway's project tokens, for
     * example, use {@code c -> Map.of("Project-Access-Token", c.token())}.
     */
    public Builder authorization(Function<Credentials, Map<String, String>> authorization) {
      this.authorization = Objects.requireNonNull(authorization, "authorization");
      return this;
    }

    /**
     * Sets headers added to every request, to any host (e.g. {@code User-Agent}, {@code Accept}).
     * Never put a secret here. Default: none.
     */
    public Builder defaultHeaders(Map<String, String> headers) {
      this.defaultHeaders = Map.copyOf(Objects.requireNonNull(headers, "headers"));
      return this;
    }

    /**
     * Sets the response headers that carry the platform's request id, tried in order. Default:
     * {@link #DEFAULT_REQUEST_ID_HEADERS} ({@code x-vercel-id}, {@code x-request-id}, {@code
     * x-github-request-id}, {@code rndr-id}, {@code x-railway-request-id}).
     */
    public Builder requestIdHeaders(List<String> headers) {
      this.requestIdHeaders = List.copyOf(Objects.requireNonNull(headers, "headers"));
      return this;
    }

    /** Sets the reader of error bodies. Default: {@link ErrorBodyReader#standard()}. */
    public Builder errorBodyReader(ErrorBodyReader reader) {
      this.errorBodyReader = Objects.requireNonNull(reader, "reader");
      return this;
    }

    /**
     * Sets the timeout of each request built by {@link PlatformHttp#request(String)}, from sending to
     * the response headers. Default: the context's {@code requestTimeout} setting ({@code
     * <platform>.requestTimeout} on the orchestrator's builder: milliseconds, e.g. {@code 5000}, or
     * an ISO-8601 duration, e.g. {@code PT5S}), else 30 seconds.
     */
    public Builder requestTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isZero() || timeout.isNegative()) {
        throw new IllegalArgumentException("requestTimeout must be positive, was " + timeout);
      }
      this.requestTimeout = timeout;
      return this;
    }

    /**
     * Sets a hook that says what a user should do about an error: given the HTTP status and what
     * the platform said ({@link PlatformErrorBody#NONE} when nothing), it returns the sentence that
     * ends the error's message (e.g. for Vercel's {@code 403 team_unauthorized}: "Ask a team owner to
     * add you to the team."), or {@code null} to keep the default advice. Must be thread-safe and must
     * not throw. Default: always {@code null}.
     */
    public Builder errorMessages(
        BiFunction<Integer, PlatformErrorBody, @Nullable String> errorMessages) {
      this.errorMessages = Objects.requireNonNull(errorMessages, "errorMessages");
      return this;
    }

    /**
     * Builds the helper, asking {@link #authorization(Function)} for the headers once.
     *
     * @throws DeploymentException {@code INVALID_CONFIG} without a base URL, with a base URL that is
     *     not an absolute http(s) URL, or with headers the JDK's HTTP client refuses to set
     */
    public PlatformHttp build() {
      URI base = baseUrl;
      String platform = context.platform();
      if (base == null) {
        throw new DeploymentException(DeploymentError.of(ErrorCode.INVALID_CONFIG,
            "The " + platform + " HTTP helper needs a base URL: call baseUrl(URI)")
            .withPlatform(platform));
      }
      String scheme = Objects.toString(base.getScheme(), "").toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || base.getHost() == null) {
        throw new DeploymentException(DeploymentError.of(ErrorCode.INVALID_CONFIG,
            "The " + platform + " API URL must be an absolute http(s) URL with a host, was "
                + base.getScheme() + "://" + base.getHost()).withPlatform(platform));
      }
      Map<String, String> auth = authorization.apply(context.credentials());
      if (auth == null) {
        throw new DeploymentException(DeploymentError.of(ErrorCode.INVALID_CONFIG,
            "The " + platform + " authorization function returned no headers")
            .withPlatform(platform));
      }
      HttpClient.Redirect redirect = context.httpClient().followRedirects();
      if (!auth.isEmpty() && redirect != null && redirect != HttpClient.Redirect.NEVER) {
        throw new DeploymentException(DeploymentError.of(ErrorCode.INVALID_CONFIG,
            "The HttpClient given to deploykit follows redirects (" + redirect + "): the JDK's"
                + " client would carry the " + platform + " token to whatever host a redirect"
                + " names. Build the client with followRedirects(HttpClient.Redirect.NEVER), the"
                + " default").withPlatform(platform));
      }
      if (requestTimeout == null) {
        settingTimeout(context); // fails now, with INVALID_CONFIG, if the setting is malformed
      }
      Map<String, String> authCopy = new LinkedHashMap<>(auth);
      checkHeaders(platform, base, defaultHeaders, "default header");
      checkHeaders(platform, base, authCopy, "authorization header");
      return new PlatformHttp(this, base, Map.copyOf(authCopy));
    }

    private static void checkHeaders(
        String platform, URI base, Map<String, String> headers, String kind) {
      HttpRequest.Builder probe = HttpRequest.newBuilder(base);
      for (Map.Entry<String, String> e : headers.entrySet()) {
        try {
          probe.header(e.getKey(), e.getValue());
        } catch (IllegalArgumentException | NullPointerException ex) {
          // The value is never quoted: an authorization header holds the token.
          throw new DeploymentException(DeploymentError.of(ErrorCode.INVALID_CONFIG,
              "The " + platform + " " + kind + " '" + e.getKey()
                  + "' cannot be set: it is restricted or its value is invalid")
              .withPlatform(platform));
        }
      }
    }
  }
}
