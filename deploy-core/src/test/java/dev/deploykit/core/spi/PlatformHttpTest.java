package dev.deploykit.core.spi;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.deploykit.core.DeploymentError;
import dev.deploykit.core.DeploymentException;
import dev.deploykit.core.ErrorCode;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PlatformHttpTest {
  /** A token that must never show up in a message, a log line or a request to another host. */
  private static final String TOKEN = "canary-tok-7f3a9c1e5b";
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @RegisterExtension
  static WireMockExtension api =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @RegisterExtension
  static WireMockExtension otherHost =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private ScheduledExecutorService scheduler;

  @BeforeEach
  void setUp() {
    scheduler = Executors.newSingleThreadScheduledExecutor();
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    scheduler.shutdownNow();
    assertThat(scheduler.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
  }

  private PlatformContext context(String platform) {
    return new PlatformContext(platform, Credentials.of(platform, TOKEN), HTTP, new ObjectMapper(),
        scheduler, Runnable::run, CLOCK, Map.of());
  }

  private PlatformHttp.Builder builder() {
    return PlatformHttp.builder(context("vercel")).baseUrl(URI.create(api.baseUrl()));
  }

  private PlatformHttp http() {
    return builder().build();
  }

  private static DeploymentException failureOf(CompletableFuture<?> future) {
    Throwable thrown = catchThrowable(future::join);
    assertThat(thrown).isInstanceOf(CompletionException.class);
    assertThat(thrown.getCause()).isInstanceOf(DeploymentException.class);
    DeploymentException e = (DeploymentException) thrown.getCause();
    assertNoToken(e);
    return e;
  }

  private static void assertNoToken(DeploymentException e) {
    assertThat(e.getMessage()).doesNotContain(TOKEN);
    assertThat(e.toString()).doesNotContain(TOKEN);
    assertThat(e.error().toString()).doesNotContain(TOKEN);
  }

  // ---------------------------------------------------------------------------------------------
  // Requests and authorization

  @Test
  void request_whenSentToBaseHost_carriesBearerTokenAndDefaultHeaders() {
    api.stubFor(get("/v9/projects").willReturn(okJson("{\"projects\":[]}")));
    PlatformHttp http = builder()
        .defaultHeaders(Map.of("User-Agent", "deploykit-test/1", "Accept", "application/json"))
        .build();

    JsonNode body = http.sendJson(http.request("/v9/projects").build()).join();

    assertThat(body.path("projects").isArray()).isTrue();
    api.verify(getRequestedFor(urlEqualTo("/v9/projects"))
        .withHeader("Authorization", equalTo("Bearer " + TOKEN))
        .withHeader("User-Agent", equalTo("deploykit-test/1"))
        .withHeader("Accept", equalTo("application/json")));
  }

  @Test
  void request_withCustomAuthorization_sendsThoseHeadersInstead() {
    api.stubFor(post("/graphql/v2").willReturn(okJson("{\"data\":{}}")));
    PlatformHttp http = builder()
        .authorization(c -> Map.of("Project-Access-Token", c.token()))
        .build();

    http.sendJson(http.request("/graphql/v2")
        .POST(PlatformHttp.json(new ObjectMapper(), Map.of("query", "{ me { id } }")))
        .header("Content-Type", "application/json")
        .build()).join();

    api.verify(postRequestedFor(urlEqualTo("/graphql/v2"))
        .withHeader("Project-Access-Token", equalTo(TOKEN))
        .withHeader("Authorization", absent())
        .withRequestBody(equalToJson("{\"query\":\"{ me { id } }\"}")));
  }

  @Test
  void request_whenTargetingAnotherHost_doesNotSendTheToken() {
    otherHost.stubFor(post("/upload").willReturn(ok()));
    PlatformHttp http = builder().defaultHeaders(Map.of("User-Agent", "deploykit-test/1")).build();

    HttpResponse<Void> response = http.sendDiscarding(http.request(otherHost.baseUrl() + "/upload")
        .POST(HttpRequest.BodyPublishers.ofString("bytes")).build()).join();

    assertThat(response.statusCode()).isEqualTo(200);
    otherHost.verify(postRequestedFor(urlEqualTo("/upload"))
        .withHeader("Authorization", absent())
        .withHeader("User-Agent", equalTo("deploykit-test/1")));
    assertThat(otherHost.getAllServeEvents())
        .allSatisfy(e -> assertThat(e.getRequest().getHeaders().all().toString())
            .doesNotContain(TOKEN));
  }

  @Test
  void request_whenBaseUrlHasAPath_appendsToIt() {
    api.stubFor(get("/v1/services?limit=20").willReturn(okJson("[]")));
    PlatformHttp http = PlatformHttp.builder(context("render"))
        .baseUrl(URI.create(api.baseUrl() + "/v1/")).build();

    HttpRequest request = http.request("/services?limit=20").build();
    http.sendJson(request).join();

    assertThat(request.uri().getRawPath()).isEqualTo("/v1/services");
    assertThat(request.timeout()).contains(PlatformHttp.DEFAULT_REQUEST_TIMEOUT);
    api.verify(getRequestedFor(urlEqualTo("/v1/services?limit=20"))
        .withHeader("Authorization", equalTo("Bearer " + TOKEN)));
  }

  @Test
  void request_whenPathIsNotAUrl_throwsInvalidConfig() {
    assertThatThrownBy(() -> http().request("/projects/a b"))
        .isInstanceOf(DeploymentException.class)
        .satisfies(e -> assertThat(((DeploymentException) e).code())
            .isEqualTo(ErrorCode.INVALID_CONFIG));
    assertThatThrownBy(() -> http().request("ftp://example.com/x"))
        .isInstanceOf(DeploymentException.class);
  }

  @Test
  void build_withoutBaseUrl_throwsInvalidConfig() {
    assertThatThrownBy(() -> PlatformHttp.builder(context("vercel")).build())
        .isInstanceOf(DeploymentException.class)
        .hasMessageContaining("baseUrl");
  }

  @Test
  void build_withRestrictedDefaultHeader_throwsWithoutQuotingTheValue() {
    assertThatThrownBy(() -> builder().defaultHeaders(Map.of("Host", "x")).build())
        .isInstanceOf(DeploymentException.class)
        .hasMessageContaining("'Host'");
  }

  // ---------------------------------------------------------------------------------------------
  // Status mapping

  static Stream<Arguments> statuses() {
    return Stream.of(
        Arguments.of(400, Map.of(), ErrorCode.INVALID_CONFIG, null),
        Arguments.of(401, Map.of(), ErrorCode.AUTH_FAILED, null),
        Arguments.of(403, Map.of(), ErrorCode.INSUFFICIENT_PERMISSIONS, null),
        Arguments.of(403, Map.of("x-ratelimit-remaining", "0",
            "x-ratelimit-reset", Long.toString(NOW.getEpochSecond() + 120)),
            ErrorCode.RATE_LIMIT_EXCEEDED, Duration.ofSeconds(120)),
        Arguments.of(404, Map.of(), ErrorCode.INVALID_CONFIG, null),
        Arguments.of(408, Map.of(), ErrorCode.PLATFORM_UNAVAILABLE, null),
        Arguments.of(409, Map.of(), ErrorCode.PROJECT_NAME_TAKEN, null),
        Arguments.of(413, Map.of(), ErrorCode.UPLOAD_FAILED, null),
        Arguments.of(422, Map.of(), ErrorCode.INVALID_CONFIG, null),
        Arguments.of(429, Map.of("Retry-After", "30"),
            ErrorCode.RATE_LIMIT_EXCEEDED, Duration.ofSeconds(30)),
        Arguments.of(429, Map.of("Retry-After", "Thu, 01 Jan 2026 00:01:00 GMT"),
            ErrorCode.RATE_LIMIT_EXCEEDED, Duration.ofSeconds(60)),
        Arguments.of(429, Map.of("X-RateLimit-Reset", Long.toString(NOW.getEpochSecond() + 90)),
            ErrorCode.RATE_LIMIT_EXCEEDED, Duration.ofSeconds(90)),
        Arguments.of(429, Map.of("Ratelimit-Reset", "45"),
            ErrorCode.RATE_LIMIT_EXCEEDED, Duration.ofSeconds(45)),
        Arguments.of(429, Map.of(), ErrorCode.RATE_LIMIT_EXCEEDED, null),
        Arguments.of(500, Map.of(), ErrorCode.PLATFORM_UNAVAILABLE, null),
        Arguments.of(502, Map.of(), ErrorCode.PLATFORM_UNAVAILABLE, null),
        Arguments.of(503, Map.of("Retry-After", "10"),
            ErrorCode.PLATFORM_UNAVAILABLE, Duration.ofSeconds(10)),
        Arguments.of(418, Map.of(), ErrorCode.UNKNOWN, null));
  }

  @ParameterizedTest(name = "HTTP {0} {1} -> {2}")
  @MethodSource("statuses")
  void sendJson_whenPlatformAnswersWithError_mapsStatus(
      int status, Map<String, String> headers, ErrorCode expected, @Nullable Duration retryAfter) {
    var response = aResponse().withStatus(status)
        .withHeader("Content-Type", "application/json")
        .withHeader("x-vercel-id", "fra1::abc-" + status)
        .withBody("{\"error\":{\"code\":\"some_code\",\"message\":\"Something about it.\"}}");
    headers.forEach(response::withHeader);
    api.stubFor(get("/v1/thing").willReturn(response));

    DeploymentException e = failureOf(http().sendJson(http().request("/v1/thing").build()));

    DeploymentError error = e.error();
    assertThat(error.code()).isEqualTo(expected);
    assertThat(error.platform()).isEqualTo("vercel");
    assertThat(error.httpStatus()).isEqualTo(status);
    assertThat(error.retryAfter()).isEqualTo(retryAfter);
    assertThat(error.requestId()).isEqualTo("fra1::abc-" + status);
    assertThat(error.details()).containsExactly("platform code: some_code");
    assertThat(e.getMessage())
        .startsWith("Vercel ")
        .contains("(HTTP " + status + "): Something about it.")
        .doesNotContain("..");
  }

  static Stream<Arguments> errorBodies() {
    return Stream.of(
        Arguments.of("vercel", "{\"error\":{\"code\":\"conflict\",\"message\":"
            + "\"Project \\\"app\\\" already exists.\"}}", "conflict", "Project \"app\" already exists"),
        Arguments.of("render", "{\"id\":\"invalid-name\",\"message\":\"name is invalid\"}",
            "invalid-name", "name is invalid"),
        Arguments.of("github", "{\"message\":\"Repository creation failed.\",\"errors\":"
            + "[{\"resource\":\"Repository\",\"code\":\"custom\",\"field\":\"name\","
            + "\"message\":\"name already exists on this account\"}],"
            + "\"documentation_url\":\"https://docs.github.com\"}",
            "custom", "Repository creation failed (name already exists on this account)"),
        Arguments.of("github", "{\"message\":\"Validation Failed\",\"errors\":"
            + "[{\"resource\":\"Repository\",\"code\":\"already_exists\",\"field\":\"name\"}]}",
            "already_exists", "Validation Failed (name already exists)"),
        Arguments.of("railway", "{\"errors\":[{\"message\":\"Not Authorized\","
            + "\"extensions\":{\"code\":\"UNAUTHENTICATED\"}}],\"data\":null}",
            "UNAUTHENTICATED", "Not Authorized"),
        Arguments.of("other", "{\"error\":\"invalid_token\",\"error_description\":\"expired\"}",
            "invalid_token", "expired"),
        Arguments.of("other", "{\"message\":\"plain message\"}", null, "plain message"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("errorBodies")
  void mapError_readsPlatformMessageFromEachBodyShape(
      String platform, String body, @Nullable String code, String message) {
    api.stubFor(get("/x").willReturn(aResponse().withStatus(422).withBody(body)));
    PlatformHttp http = PlatformHttp.builder(context(platform))
        .baseUrl(URI.create(api.baseUrl())).build();

    DeploymentException e = failureOf(http.sendJson(http.request("/x").build()));

    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
    assertThat(e.getMessage()).contains("(HTTP 422): " + message + ".");
    assertThat(e.error().details())
        .isEqualTo(code == null ? List.of() : List.of("platform code: " + code));
  }

  @Test
  void mapError_whenBodyIsAnHtmlPage_usesAGenericMessageWithoutTheHtml() {
    api.stubFor(get("/x").willReturn(aResponse().withStatus(502)
        .withHeader("Content-Type", "text/html")
        .withBody("<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1>"
            + "</body></html>")));

    DeploymentException e = failureOf(http().sendJson(http().request("/x").build()));

    assertThat(e.code()).isEqualTo(ErrorCode.PLATFORM_UNAVAILABLE);
    assertThat(e.getMessage())
        .isEqualTo("Vercel is unavailable (HTTP 502). This is usually temporary; try again later.")
        .doesNotContain("<");
    assertThat(e.error().details()).isEmpty();
  }

  @Test
  void mapError_whenBodyIsEmpty_namesTheStatus() {
    api.stubFor(get("/x").willReturn(aResponse().withStatus(401)));

    DeploymentException e = failureOf(http().sendJson(http().request("/x").build()));

    assertThat(e.code()).isEqualTo(ErrorCode.AUTH_FAILED);
    assertThat(e.getMessage()).startsWith("Vercel refused the token (HTTP 401). Check that");
  }

  @Test
  void mapError_whenPlatformEchoesTheToken_masksIt() {
    api.stubFor(get("/x").willReturn(aResponse().withStatus(401)
        .withHeader("x-request-id", "req-1")
        .withBody("{\"error\":{\"code\":\"forbidden\",\"message\":\"Token Bearer " + TOKEN
            + " is invalid (" + TOKEN + ")\"}}")));

    DeploymentException e = failureOf(http().sendJson(http().request("/x").build()));

    assertThat(e.getMessage()).contains("Token **** is invalid (****)");
    assertThat(e.error().requestId()).isEqualTo("req-1");
  }

  @Test
  void mapError_withErrorMessagesHook_replacesTheAdvice() {
    api.stubFor(get("/x").willReturn(aResponse().withStatus(403)
        .withBody("{\"error\":{\"code\":\"team_unauthorized\",\"message\":\"Not a member\"}}")));
    PlatformHttp http = builder()
        .errorMessages((status, body) -> status == 403 && "team_unauthorized".equals(body.code())
            ? "Ask a team owner to add you to the team." : null)
        .build();

    DeploymentException e = failureOf(http.sendJson(http.request("/x").build()));

    assertThat(e.getMessage())
        .isEqualTo("Vercel denied access (HTTP 403): Not a member. Ask a team owner to add you to"
            + " the team.");
  }

  @Test
  void mapError_onGitHubSecondaryLimit_403WithRetryAfter_isRateLimit() {
    PlatformHttp http = PlatformHttp.builder(context("github"))
        .baseUrl(URI.create(api.baseUrl())).build();

    DeploymentError error = http.mapError(403, java.net.http.HttpHeaders.of(
        Map.of("retry-after", List.of("60"), "x-github-request-id", List.of("ABCD:1234")),
        (a, b) -> true), "{\"message\":\"You have exceeded a secondary rate limit.\"}"
        .getBytes(StandardCharsets.UTF_8));

    assertThat(error.code()).isEqualTo(ErrorCode.RATE_LIMIT_EXCEEDED);
    assertThat(error.retryAfter()).isEqualTo(Duration.ofSeconds(60));
    assertThat(error.requestId()).isEqualTo("ABCD:1234");
    assertThat(error.message()).isEqualTo("GitHub rate limit was reached (HTTP 403): You have"
        + " exceeded a secondary rate limit. Retry in 60 seconds.");
  }

  // ---------------------------------------------------------------------------------------------
  // Successful answers

  @Test
  void sendJson_whenBodyIsMalformedOn200_failsWithPlatformUnavailable() {
    api.stubFor(get("/x").willReturn(aResponse().withStatus(200)
        .withHeader("x-vercel-id", "iad1::zzz").withBody("{\"id\": \"prj_1\", oops")));

    DeploymentException e = failureOf(http().sendJson(http().request("/x").build()));

    assertThat(e.code()).isEqualTo(ErrorCode.PLATFORM_UNAVAILABLE);
    assertThat(e.getMessage())
        .startsWith("Vercel answered with malformed JSON (HTTP 200) to GET /x")
        .doesNotContain("oops").doesNotContain("Unexpected character");
    assertThat(e.getCause()).isInstanceOf(JsonProcessingException.class);
    assertThat(e.error().requestId()).isEqualTo("iad1::zzz");
    assertThat(e.error().httpStatus()).isEqualTo(200);
  }

  @Test
  void sendJson_whenBodyIsEmpty_returnsMissingNode() {
    api.stubFor(get("/empty").willReturn(aResponse().withStatus(200)));
    api.stubFor(get("/none").willReturn(aResponse().withStatus(204)));

    assertThat(http().sendJson(http().request("/empty").build()).join().isMissingNode()).isTrue();
    assertThat(http().sendJson(http().request("/none").build()).join().isMissingNode()).isTrue();
  }

  record Project(String id, String name) {}

  @Test
  void sendJsonTyped_readsTheAnswerWithTheContextsMapper() {
    api.stubFor(get("/p").willReturn(okJson("{\"id\":\"prj_1\",\"name\":\"app\"}")));
    api.stubFor(get("/empty").willReturn(aResponse().withStatus(200)));
    api.stubFor(get("/wrong").willReturn(okJson("[1,2]")));

    assertThat(http().sendJson(http().request("/p").build(), Project.class).join())
        .isEqualTo(new Project("prj_1", "app"));
    assertThat(failureOf(http().sendJson(http().request("/empty").build(), Project.class)).code())
        .isEqualTo(ErrorCode.PLATFORM_UNAVAILABLE);
    DeploymentException wrong =
        failureOf(http().sendJson(http().request("/wrong").build(), Project.class));
    assertThat(wrong.code()).isEqualTo(ErrorCode.PLATFORM_UNAVAILABLE);
    assertThat(wrong.getMessage()).contains("unexpected JSON (HTTP 200)");
  }

  @Test
  void sendDiscarding_whenSuccessful_discardsTheBodyAndWhenNotMapsTheError() {
    api.stubFor(post("/v2/files").willReturn(ok("ignored")));
    api.stubFor(post("/v2/big").willReturn(aResponse().withStatus(413)
        .withBody("{\"error\":{\"code\":\"file_too_large\",\"message\":\"Too big\"}}")));
    PlatformHttp http = http();

    HttpResponse<Void> response = http.sendDiscarding(http.request("/v2/files")
        .POST(HttpRequest.BodyPublishers.ofString("x")).build()).join();
    DeploymentException e = failureOf(http.sendDiscarding(http.request("/v2/big")
        .POST(HttpRequest.BodyPublishers.ofString("x")).build()));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isNull();
    assertThat(e.code()).isEqualTo(ErrorCode.UPLOAD_FAILED);
    assertThat(e.getMessage()).contains("(HTTP 413): Too big.");
  }

  // ---------------------------------------------------------------------------------------------
  // Streaming

  @Test
  void sendStreaming_readsTheBodyLineByLine() throws Exception {
    api.stubFor(get(urlPathEqualTo("/v3/deployments/d1/events")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/x-ndjson")
        .withBody("{\"text\":\"one\"}\n{\"text\":\"two\"}\n{\"text\":\"three\"}\n")));
    PlatformHttp http = http();

    HttpResponse<InputStream> response =
        http.sendStreaming(http.request("/v3/deployments/d1/events?follow=1").build()).join();
    List<String> lines;
    try (BufferedReader reader = new BufferedReader(
        new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      lines = reader.lines().collect(Collectors.toList());
    }

    assertThat(lines).containsExactly(
        "{\"text\":\"one\"}", "{\"text\":\"two\"}", "{\"text\":\"three\"}");
  }

  @Test
  void sendStreaming_whenErrorBodyIsHuge_readsOnlyItsStartAndMapsTheError() {
    String huge = "<html>" + "x".repeat(200 * 1024) + "</html>";
    api.stubFor(get("/logs").willReturn(aResponse().withStatus(500).withBody(huge)));
    api.stubFor(get("/logs404").willReturn(aResponse().withStatus(404)
        .withBody("{\"id\":\"not-found\",\"message\":\"deploy not found\"}")));
    PlatformHttp http = http();

    DeploymentException e = failureOf(http.sendStreaming(http.request("/logs").build()));
    DeploymentException notFound = failureOf(http.sendStreaming(http.request("/logs404").build()));

    assertThat(e.code()).isEqualTo(ErrorCode.PLATFORM_UNAVAILABLE);
    assertThat(e.getMessage()).hasSizeLessThan(200).doesNotContain("xxx");
    assertThat(notFound.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
    assertThat(notFound.getMessage()).contains("(HTTP 404): deploy not found.");
  }

  // ---------------------------------------------------------------------------------------------
  // Transport failures, timeouts, cancellation

  @Test
  void sendJson_whenConnectionIsReset_failsWithPlatformUnavailable() {
    api.stubFor(get("/x").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

    DeploymentException e = failureOf(http().sendJson(http().request("/x").build()));

    assertThat(e.code()).isEqualTo(ErrorCode.PLATFORM_UNAVAILABLE);
    assertThat(e.getMessage())
        .startsWith("Could not reach Vercel at localhost:" + api.getPort() + ": ");
    assertThat(e.getCause()).isNotNull();
    assertThat(e.error().platform()).isEqualTo("vercel");
  }

  @Test
  void sendJson_whenNothingListens_failsWithPlatformUnavailable() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    PlatformHttp http = PlatformHttp.builder(context("vercel"))
        .baseUrl(URI.create("http://localhost:" + port)).build();

    DeploymentException e = failureOf(http.sendJson(http.request("/x").build()));

    assertThat(e.code()).isEqualTo(ErrorCode.PLATFORM_UNAVAILABLE);
    assertThat(e.getMessage()).startsWith("Could not reach Vercel at localhost:" + port + ": ");
  }

  @Test
  void sendJson_whenTheAnswerNeverComes_timesOutWithPlatformUnavailable() {
    api.stubFor(get("/slow").willReturn(okJson("{}").withFixedDelay(2000)));
    PlatformHttp http = builder().requestTimeout(Duration.ofMillis(200)).build();

    long start = System.nanoTime();
    DeploymentException e = failureOf(http.sendJson(http.request("/slow").build()));

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
    assertThat(e.code()).isEqualTo(ErrorCode.PLATFORM_UNAVAILABLE);
    assertThat(e.getMessage()).contains("no answer within 200 ms");
    assertThat(e.getCause()).isInstanceOf(java.net.http.HttpTimeoutException.class);
  }

  @Test
  void sendJson_whenCancelled_completesCancelledAtOnce() {
    api.stubFor(get("/slow").willReturn(okJson("{}").withFixedDelay(2000)));
    PlatformHttp http = http();

    CompletableFuture<JsonNode> future = http.sendJson(http.request("/slow").build());
    assertThat(future.cancel(true)).isTrue();

    assertThat(future).isCancelled();
    assertThatThrownBy(future::join).isInstanceOf(CancellationException.class);
  }

  @Test
  void sendJson_whenCancelled_cancelsTheClientsExchange() {
    api.stubFor(get("/slow").willReturn(okJson("{}").withFixedDelay(2000)));
    RecordingHttpClient client = new RecordingHttpClient(HTTP);
    PlatformContext context = new PlatformContext("vercel", Credentials.of("vercel", TOKEN), client,
        new ObjectMapper(), scheduler, Runnable::run, CLOCK, Map.of());
    PlatformHttp http = PlatformHttp.builder(context).baseUrl(URI.create(api.baseUrl())).build();

    CompletableFuture<JsonNode> future = http.sendJson(http.request("/slow").build());
    future.cancel(true);

    assertThat(client.sent).hasSize(1);
    assertThat(client.sent.get(0)).isCancelled();
  }

  // ---------------------------------------------------------------------------------------------
  // Redirects and the requestTimeout setting

  @Test
  void build_whenTheClientFollowsRedirects_refusesWithInvalidConfig() {
    HttpClient following = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
        .build();
    PlatformContext context = new PlatformContext("vercel", Credentials.of("vercel", TOKEN),
        following, new ObjectMapper(), scheduler, Runnable::run, CLOCK, Map.of());

    assertThatThrownBy(() -> PlatformHttp.builder(context).baseUrl(URI.create(api.baseUrl()))
        .build())
        .isInstanceOfSatisfying(DeploymentException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
          assertThat(e.getMessage()).contains("follows redirects").doesNotContain(TOKEN);
        });
  }

  @Test
  void mapError_forARedirect_isInvalidConfigNamingOnlyTheTargetHost() {
    HttpHeaders headers = HttpHeaders.of(
        Map.of("location", List.of("https://evil.example.net:8443/steal?token=x")), (a, b) -> true);

    DeploymentError e = http().mapError(301, headers, new byte[0]);

    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
    assertThat(e.message()).contains("redirected the request to https://evil.example.net:8443")
        .doesNotContain("/steal").doesNotContain("token=x");
  }

  @Test
  void requestTimeout_comesFromTheContextSetting_inMillisOrIso8601() {
    for (Map.Entry<String, Duration> c : Map.of("250", Duration.ofMillis(250),
        "PT2S", Duration.ofSeconds(2)).entrySet()) {
      PlatformContext context = new PlatformContext("vercel", Credentials.of("vercel", TOKEN),
          HTTP, new ObjectMapper(), scheduler, Runnable::run, CLOCK,
          Map.of("requestTimeout", c.getKey()));
      PlatformHttp http = PlatformHttp.builder(context).baseUrl(URI.create(api.baseUrl())).build();
      assertThat(http.requestTimeout()).isEqualTo(c.getValue());
      assertThat(http.request("/x").build().timeout()).contains(c.getValue());
    }
    PlatformContext bad = new PlatformContext("vercel", Credentials.of("vercel", TOKEN), HTTP,
        new ObjectMapper(), scheduler, Runnable::run, CLOCK, Map.of("requestTimeout", "soon"));
    assertThatThrownBy(() -> PlatformHttp.builder(bad).baseUrl(URI.create(api.baseUrl())).build())
        .isInstanceOfSatisfying(DeploymentException.class,
            e -> assertThat(e.getMessage()).contains("vercel.requestTimeout"));
  }

  // ---------------------------------------------------------------------------------------------
  // Custom readers and request id headers

  @Test
  void errorBodyReaderAndRequestIdHeaders_whenConfigured_areUsed() {
    api.stubFor(get("/x").willReturn(aResponse().withStatus(400)
        .withHeader("x-request-id", "generic").withHeader("cf-ray", "ray-7")
        .withBody("{\"problem\":{\"kind\":\"BAD_NAME\",\"text\":\"Name too long\"}}")));
    PlatformHttp http = builder()
        .requestIdHeaders(List.of("cf-ray", "x-request-id"))
        .errorBodyReader(body -> new PlatformErrorBody(
            body.path("problem").path("kind").asText(null),
            body.path("problem").path("text").asText(null)))
        .build();

    DeploymentException e = failureOf(http.sendJson(http.request("/x").build()));

    assertThat(e.getMessage()).contains("(HTTP 400): Name too long.");
    assertThat(e.error().details()).containsExactly("platform code: BAD_NAME");
    assertThat(e.error().requestId()).isEqualTo("ray-7");
  }

  // ---------------------------------------------------------------------------------------------
  // Retry-After

  @Test
  void parseRetryAfter_readsSecondsAndHttpDates() {
    assertThat(PlatformHttp.parseRetryAfter("120", CLOCK)).contains(Duration.ofSeconds(120));
    assertThat(PlatformHttp.parseRetryAfter(" 0 ", CLOCK)).contains(Duration.ZERO);
    assertThat(PlatformHttp.parseRetryAfter("1.5", CLOCK)).contains(Duration.ofMillis(1500));
    assertThat(PlatformHttp.parseRetryAfter("Thu, 01 Jan 2026 00:02:00 GMT", CLOCK))
        .contains(Duration.ofMinutes(2));
    assertThat(PlatformHttp.parseRetryAfter("Thursday, 01-Jan-26 00:00:30 GMT", CLOCK))
        .contains(Duration.ofSeconds(30));
    assertThat(PlatformHttp.parseRetryAfter("Thu Jan  1 00:00:05 2026", CLOCK))
        .contains(Duration.ofSeconds(5));
    assertThat(PlatformHttp.parseRetryAfter("Wed, 31 Dec 2025 23:00:00 GMT", CLOCK))
        .contains(Duration.ZERO);
    assertThat(PlatformHttp.parseRetryAfter("soon", CLOCK)).isEmpty();
    assertThat(PlatformHttp.parseRetryAfter("-5", CLOCK)).isEmpty();
    assertThat(PlatformHttp.parseRetryAfter("", CLOCK)).isEmpty();
  }

  // ---------------------------------------------------------------------------------------------
  // Secrets in logs

  @Test
  void logging_atDebug_namesPathAndStatusButNeverTheTokenOrTheQuery() {
    // slf4j-simple reads a logger's level from this property when the logger is made; the
    // logger's name is per platform, so this platform's logger is new to this test.
    String platform = "logcanary";
    System.setProperty(
        "org.slf4j.simpleLogger.log.dev.deploykit.core.spi.PlatformHttp." + platform, "debug");
    api.stubFor(get(urlPathEqualTo("/v1/items")).willReturn(okJson("{}")
        .withHeader("x-request-id", "req-42")));
    api.stubFor(get("/v1/fail").willReturn(aResponse().withStatus(401)
        .withBody("{\"message\":\"bad token " + TOKEN + "\"}")));
    PrintStream originalErr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      PlatformHttp http = PlatformHttp.builder(context(platform))
          .baseUrl(URI.create(api.baseUrl())).build();
      http.sendJson(http.request("/v1/items?secret=shh").build()).join();
      failureOf(http.sendJson(http.request("/v1/fail").build()));
    } finally {
      System.setErr(originalErr);
    }

    String logs = captured.toString(StandardCharsets.UTF_8);
    assertThat(logs)
        .contains("GET /v1/items -> HTTP 200")
        .contains("req-42")
        .contains("GET /v1/fail -> HTTP 401")
        .doesNotContain(TOKEN)
        .doesNotContain("shh")
        .doesNotContain("Authorization");
  }
}
