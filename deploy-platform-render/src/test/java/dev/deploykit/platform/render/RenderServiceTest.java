package dev.deploykit.platform.render;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.deploykit.core.DeploymentException;
import dev.deploykit.core.DeploymentTarget;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.GeneratedFile;
import dev.deploykit.core.spi.BuildState;
import dev.deploykit.core.spi.BuildStatus;
import dev.deploykit.core.spi.CreateProjectRequest;
import dev.deploykit.core.spi.Credentials;
import dev.deploykit.core.spi.LogSink;
import dev.deploykit.core.spi.LogStream;
import dev.deploykit.core.spi.PlatformProject;
import dev.deploykit.core.spi.PlatformService;
import dev.deploykit.env.EnvironmentVariable;
import dev.deploykit.testing.TestPlatformContexts;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RenderServiceTest {
  @RegisterExtension
  static WireMockExtension render = WireMockExtension.newInstance()
      .options(wireMockConfig().dynamicPort()).build();

  private ScheduledExecutorService scheduler;
  private final List<Throwable> failures = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    scheduler = Executors.newSingleThreadScheduledExecutor();
  }

  @AfterEach
  void tearDown() {
    scheduler.shutdownNow();
    for (Throwable t : failures) {
      assertThat(String.valueOf(t.getMessage())).doesNotContain(Stubs.CANARY);
      if (t instanceof DeploymentException d) {
        assertThat(d.error().toString()).doesNotContain(Stubs.CANARY);
      }
    }
    assertThat(Stubs.logFile()).doesNotContain(Stubs.CANARY);
  }

  private PlatformService service(Map<String, String> extra) {
    return service(extra, Optional.of(Credentials.of("github", Stubs.GITHUB_TOKEN)));
  }

  private PlatformService service(Map<String, String> extra, Optional<Credentials> github) {
    Map<String, String> settings = new HashMap<>(extra);
    settings.put("apiUrl", render.baseUrl() + "/v1");
    settings.put("logPollInterval", "20");
    return RenderPlatform.builder().githubCredentials(c -> github).build()
        .create(TestPlatformContexts.create("render", Stubs.RENDER_TOKEN, scheduler, settings));
  }

  private static final PlatformProject EXISTING = new PlatformProject("srv-1", "my-app",
      Map.of("ownerId", "tea-1", "serviceId", "srv-1", "serviceUrl", Stubs.SERVICE_URL));

  private static <T> T join(CompletableFuture<T> f) {
    try {
      return f.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private DeploymentException failure(CompletableFuture<?> f) {
    Throwable thrown = null;
    try {
      f.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      thrown = e.getCause();
    }
    assertThat(thrown).isInstanceOf(DeploymentException.class);
    failures.add(thrown);
    return (DeploymentException) thrown;
  }

  private static CreateProjectRequest request(List<GeneratedFile> files) {
    return new CreateProjectRequest("my-app", files, DeploymentTarget.PRODUCTION);
  }

  // ---- createProject -----------------------------------------------------------------

  @Test
  void createProject_withConfiguredOwner_skipsOwnersAndFindsTheExistingService() {
    Stubs.existingService(render, "https://github.com/octo/my-app");

    PlatformProject p = join(service(Map.of("ownerId", "tea-9")).createProject(request(Stubs.files())));

    assertThat(p.id()).isEqualTo("srv-1");
    assertThat(p.attribute("serviceUrl")).contains(Stubs.SERVICE_URL);
    render.verify(0, getRequestedFor(urlPathEqualTo("/v1/owners")));
    render.verify(getRequestedFor(urlPathEqualTo("/v1/services"))
        .withQueryParam("name", equalTo("my-app")).withQueryParam("ownerId", equalTo("tea-9"))
        .withHeader("Authorization", equalTo("Bearer " + Stubs.RENDER_TOKEN))
        .withHeader("Accept", equalTo("application/json")));
  }

  @Test
  void createProject_whenTheKeyReachesSeveralWorkspaces_failsInvalidConfigListingThem() {
    render.stubFor(get(urlPathEqualTo("/v1/owners")).willReturn(okJson(Stubs.json(
        "[{'cursor':'a','owner':{'id':'tea-1','name':'Me'}},"
            + "{'cursor':'b','owner':{'id':'tea-2','name':'Acme'}}]"))));

    DeploymentException e = failure(service(Map.of()).createProject(request(Stubs.files())));

    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
    assertThat(e.getMessage()).contains("tea-1 (Me)").contains("tea-2 (Acme)").contains("render.ownerId");
  }

  @Test
  void createProject_whenTheNameIsAStaticSite_failsProjectNameTaken() {
    Stubs.owners(render);
    render.stubFor(get(urlPathEqualTo("/v1/services")).willReturn(okJson(Stubs.json(
        "[{'cursor':'x','service':{'id':'srv-9','name':'my-app','type':'static_site'}}]"))));

    DeploymentException e = failure(service(Map.of()).createProject(request(Stubs.files())));

    assertThat(e.code()).isEqualTo(ErrorCode.PROJECT_NAME_TAKEN);
    assertThat(e.getMessage()).contains("static site");
  }

  @Test
  void createProject_withoutPackageJson_failsInvalidConfigBeforeAnyRequest() {
    DeploymentException e = failure(service(Map.of()).createProject(
        request(List.of(GeneratedFile.text("index.html", "<h1>x</h1>")))));

    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
    assertThat(e.getMessage()).contains("package.json").contains("render.startCommand");
    assertThat(render.getAllServeEvents()).isEmpty();
  }

  @Test
  void createProject_withoutAGitHubToken_failsAuthFailedNamingGitHubToken() {
    DeploymentException e = failure(service(Map.of(), Optional.empty())
        .createProject(request(Stubs.files())));

    assertThat(e.code()).isEqualTo(ErrorCode.AUTH_FAILED);
    assertThat(e.getMessage()).contains("GITHUB_TOKEN").contains("githubCredentials");
    assertThat(render.getAllServeEvents()).isEmpty();
  }

  // ---- variables ---------------------------------------------------------------------

  @Test
  void setEnvironmentVariables_onAnExistingService_putsTheCompleteListOnce() {
    Stubs.envVars(render);

    join(service(Map.of()).setEnvironmentVariables(EXISTING, List.of(
        EnvironmentVariable.builder("A").value("1").build(),
        EnvironmentVariable.builder("B").value("two words").build(),
        EnvironmentVariable.builder("UNSET").build()), DeploymentTarget.PREVIEW));

    render.verify(1, putRequestedFor(urlPathEqualTo("/v1/services/srv-1/env-vars"))
        .withHeader("Authorization", equalTo("Bearer " + Stubs.RENDER_TOKEN))
        .withRequestBody(equalToJson(
            "[{\"key\":\"A\",\"value\":\"1\"},{\"key\":\"B\",\"value\":\"two words\"}]",
            false, false)));
  }

  // ---- status ------------------------------------------------------------------------

  @ParameterizedTest
  @CsvSource({
      "created, BUILDING", "queued, BUILDING", "build_in_progress, BUILDING",
      "update_in_progress, BUILDING", "pre_deploy_in_progress, BUILDING", "live, SUCCESS",
      "build_failed, FAILED", "update_failed, FAILED", "pre_deploy_failed, FAILED",
      "canceled, CANCELLED", "deactivated, CANCELLED", "some_new_state, BUILDING"})
  void getDeploymentStatus_mapsRendersStatus(String renderStatus, BuildState expected) {
    render.stubFor(get("/v1/services/srv-1/deploys/dep-1").willReturn(okJson(
        "{\"id\":\"dep-1\",\"status\":\"" + renderStatus + "\"}")));

    BuildStatus status = join(service(Map.of()).getDeploymentStatus(EXISTING, "dep-1"));

    assertThat(status.state()).isEqualTo(expected);
    assertThat(status.platformState()).isEqualTo(expected == BuildState.SUCCESS ? "READY" : renderStatus);
    if (expected == BuildState.SUCCESS) {
      assertThat(status.url()).isEqualTo(Stubs.SERVICE_URL);
    }
    if (expected == BuildState.FAILED) {
      assertThat(status.error().code()).isEqualTo(ErrorCode.BUILD_FAILED);
    }
  }

  @Test
  void getDeploymentStatus_whenLiveAndTheUrlIsUnknown_readsItFromTheService() {
    render.stubFor(get("/v1/services/srv-1/deploys/dep-1").willReturn(okJson(
        "{\"id\":\"dep-1\",\"status\":\"live\"}")));
    render.stubFor(get("/v1/services/srv-1").willReturn(okJson(
        "{\"id\":\"srv-1\",\"serviceDetails\":{\"url\":\"https://x.onrender.com\"}}")));
    PlatformProject noUrl = new PlatformProject("srv-1", "my-app",
        Map.of("ownerId", "tea-1", "serviceId", "srv-1"));

    BuildStatus status = join(service(Map.of()).getDeploymentStatus(noUrl, "dep-1"));

    assertThat(status.url()).isEqualTo("https://x.onrender.com");
  }

  // ---- errors ------------------------------------------------------------------------

  @Test
  void anyCall_when429_failsRateLimitWithRetryAfter() {
    render.stubFor(get("/v1/services/srv-1/deploys/dep-1").willReturn(aResponse().withStatus(429)
        .withHeader("Ratelimit-Limit", "400").withHeader("Ratelimit-Remaining", "0")
        .withHeader("Ratelimit-Reset", "45").withHeader("Retry-After", "30")
        .withHeader("Content-Type", "application/json")
        .withBody("{\"id\":\"rl\",\"message\":\"rate limit exceeded\"}")));

    DeploymentException e = failure(service(Map.of()).getDeploymentStatus(EXISTING, "dep-1"));

    assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMIT_EXCEEDED);
    assertThat(e.error().retryAfter()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void anyCall_when429WithOnlyRatelimitReset_usesItAsTheWait() {
    render.stubFor(get("/v1/services/srv-1/deploys/dep-1").willReturn(aResponse().withStatus(429)
        .withHeader("Ratelimit-Reset", "45")));

    DeploymentException e = failure(service(Map.of()).getDeploymentStatus(EXISTING, "dep-1"));

    assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMIT_EXCEEDED);
    assertThat(e.error().retryAfter()).isEqualTo(Duration.ofSeconds(45));
  }

  @ParameterizedTest
  @CsvSource({"400, INVALID_CONFIG", "401, AUTH_FAILED", "403, INSUFFICIENT_PERMISSIONS",
      "404, INVALID_CONFIG", "402, INVALID_CONFIG",
      "500, PLATFORM_UNAVAILABLE", "503, PLATFORM_UNAVAILABLE"})
  void cancelDeployment_mapsEachFailureStatus(int status, ErrorCode expected) {
    render.stubFor(Stubs.withJson(com.github.tomakehurst.wiremock.client.WireMock.post(
        "/v1/services/srv-1/deploys/dep-1/cancel"), status,
        "{'id':'err-1','code':'some_code','message':'Render says no " + Stubs.RENDER_TOKEN + "'}"));

    DeploymentException e = failure(service(Map.of()).cancelDeployment(EXISTING, "dep-1"));

    assertThat(e.code()).isEqualTo(expected);
    assertThat(e.error().httpStatus()).isEqualTo(status);
    assertThat(e.error().platform()).isEqualTo("render");
    assertThat(e.getMessage()).contains("Render says no").doesNotContain(Stubs.CANARY);
    render.verify(postRequestedFor(urlPathEqualTo("/v1/services/srv-1/deploys/dep-1/cancel")));
  }

  @Test
  void cancelDeployment_when409BecauseTheDeployEnded_completes() {
    render.stubFor(Stubs.withJson(com.github.tomakehurst.wiremock.client.WireMock.post(
        "/v1/services/srv-1/deploys/dep-1/cancel"), 409, "{'message':'deploy is not cancelable'}"));

    join(service(Map.of()).cancelDeployment(EXISTING, "dep-1"));

    render.verify(postRequestedFor(urlPathEqualTo("/v1/services/srv-1/deploys/dep-1/cancel")));
  }

  @Test
  void triggerDeployment_whenCreatingTheServiceAnswers409_failsProjectNameTaken() {
    Stubs.owners(render);
    Stubs.noService(render);
    render.stubFor(Stubs.withJson(com.github.tomakehurst.wiremock.client.WireMock.post(
        "/v1/services"), 409, "{'message':'service name already in use'}"));
    PlatformService s = service(Map.of());
    PlatformProject p = join(s.createProject(request(Stubs.files())));

    DeploymentException e = failure(s.triggerDeployment(p, new dev.deploykit.core.spi.UploadResult(
        2, 10, 0, null, Map.of("commitSha", "commit1", "repository",
            "https://github.com/octo/my-app", "branch", "main")), Stubs.files(),
        DeploymentTarget.PRODUCTION));

    assertThat(e.code()).isEqualTo(ErrorCode.PROJECT_NAME_TAKEN);
    assertThat(e.getMessage()).contains("service name already in use");
    render.verify(postRequestedFor(urlPathEqualTo("/v1/services"))
        .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath(
            "$.repo", equalTo("https://github.com/octo/my-app"))));
  }

  @Test
  void triggerDeployment_withoutAnUploadedCommit_failsInvalidConfig() {
    DeploymentException e = failure(service(Map.of()).triggerDeployment(EXISTING,
        dev.deploykit.core.spi.UploadResult.of(1, 1, 0), Stubs.files(), DeploymentTarget.PRODUCTION));

    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
    assertThat(render.getAllServeEvents()).isEmpty();
  }

  // ---- logs --------------------------------------------------------------------------

  @Test
  void streamBuildLogs_followsTimePagesAndDeliversEachLineOnce() {
    render.stubFor(get("/v1/services/srv-1/deploys/dep-1").willReturn(okJson(
        "{\"id\":\"dep-1\",\"status\":\"live\",\"startedAt\":\"2026-01-01T10:00:00Z\"}")));
    render.stubFor(get(urlPathEqualTo("/v1/logs")).withQueryParam("startTime",
            equalTo("2026-01-01T10:00:00Z"))
        .willReturn(okJson(Stubs.json("{'hasMore':true,'nextStartTime':'2026-01-01T10:00:02Z',"
            + "'nextEndTime':'2026-01-01T10:09:00Z','logs':["
            + "{'id':'a','timestamp':'2026-01-01T10:00:01Z','message':'line 1'},"
            + "{'id':'b','timestamp':'2026-01-01T10:00:02Z','message':'line 2'}]}"))));
    render.stubFor(get(urlPathEqualTo("/v1/logs")).withQueryParam("startTime",
            equalTo("2026-01-01T10:00:02Z"))
        .willReturn(okJson(Stubs.json("{'hasMore':false,'logs':["
            + "{'id':'b','timestamp':'2026-01-01T10:00:02Z','message':'line 2'},"
            + "{'id':'c','timestamp':'2026-01-01T10:00:03Z','message':'line 3'}]}"))));
    List<String> lines = new CopyOnWriteArrayList<>();
    AtomicInteger completed = new AtomicInteger();

    LogStream stream = service(Map.of()).streamBuildLogs(EXISTING, "dep-1", new LogSink() {
      @Override
      public void line(String line) {
        lines.add(line);
      }

      @Override
      public void completed() {
        completed.incrementAndGet();
      }
    });
    join(stream.done());

    assertThat(lines).containsExactly("line 1", "line 2", "line 3");
    assertThat(completed.get()).isEqualTo(1);
    render.verify(getRequestedFor(urlPathEqualTo("/v1/logs"))
        .withQueryParam("startTime", equalTo("2026-01-01T10:00:02Z"))
        .withQueryParam("endTime", equalTo("2026-01-01T10:09:00Z"))
        .withQueryParam("ownerId", equalTo("tea-1")).withQueryParam("resource", equalTo("srv-1"))
        .withQueryParam("type", equalTo("build")).withQueryParam("direction", equalTo("forward")));
  }

  @Test
  void streamBuildLogs_whileBuilding_pollsUntilTheDeployEndsWithoutRepeatingLines() {
    render.stubFor(get("/v1/services/srv-1/deploys/dep-1").inScenario("d")
        .whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
        .willSetStateTo("two").willReturn(okJson(
            "{\"id\":\"dep-1\",\"status\":\"build_in_progress\",\"createdAt\":\"2026-01-01T10:00:00Z\"}")));
    render.stubFor(get("/v1/services/srv-1/deploys/dep-1").inScenario("d")
        .whenScenarioStateIs("two").willReturn(okJson(
            "{\"id\":\"dep-1\",\"status\":\"build_failed\",\"createdAt\":\"2026-01-01T10:00:00Z\"}")));
    render.stubFor(get(urlPathEqualTo("/v1/logs")).willReturn(okJson(Stubs.json(
        "{'hasMore':false,'logs':[{'id':'a','timestamp':'2026-01-01T10:00:01Z','message':'npm ERR!'}]}"))));
    List<String> lines = new CopyOnWriteArrayList<>();

    LogStream stream = service(Map.of()).streamBuildLogs(EXISTING, "dep-1", lines::add);
    join(stream.done());

    assertThat(lines).containsExactly("npm ERR!");
    render.verify(2, getRequestedFor(urlPathEqualTo("/v1/logs")));
    // The second round starts at the last line seen.
    render.verify(getRequestedFor(urlPathEqualTo("/v1/logs"))
        .withQueryParam("startTime", equalTo("2026-01-01T10:00:01Z")));
  }

  @Test
  void streamBuildLogs_whenClosed_stopsPolling() {
    render.stubFor(get("/v1/services/srv-1/deploys/dep-1").willReturn(okJson(
        "{\"id\":\"dep-1\",\"status\":\"build_in_progress\"}")));
    render.stubFor(get(urlPathEqualTo("/v1/logs")).willReturn(okJson("{\"hasMore\":false,\"logs\":[]}")));

    LogStream stream = service(Map.of()).streamBuildLogs(EXISTING, "dep-1", line -> {});
    await().atMost(Duration.ofSeconds(5)).until(() ->
        render.countRequestsMatching(getRequestedFor(urlPathEqualTo("/v1/logs")).build()).getCount() >= 2);
    stream.close();
    int after = render.countRequestsMatching(getRequestedFor(urlPathEqualTo("/v1/logs")).build()).getCount();

    assertThat(stream.done()).isDone();
    await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() ->
        render.countRequestsMatching(getRequestedFor(urlPathEqualTo("/v1/logs")).build()).getCount()
            <= after + 1);
  }
}
