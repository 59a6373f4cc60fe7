package dev.deploykit.platform.vercel;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.deploykit.platform.vercel.VercelFixtures.DEPLOYMENT_ID;
import static dev.deploykit.platform.vercel.VercelFixtures.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.deploykit.core.DeploymentException;
import dev.deploykit.core.DeploymentTarget;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.spi.BuildState;
import dev.deploykit.core.spi.BuildStatus;
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
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Single operations of the service against a WireMock Vercel. */
class VercelServiceTest {
  @RegisterExtension
  static WireMockExtension wm =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private static final PlatformProject PRODUCTION = new PlatformProject(VercelFixtures.PROJECT_ID,
      "happy-app", Map.of("target", "PRODUCTION", "framework", "nextjs"));
  private static final PlatformProject PREVIEW = new PlatformProject(VercelFixtures.PROJECT_ID,
      "happy-app", Map.of("target", "PREVIEW", "framework", ""));

  private ScheduledExecutorService scheduler;

  @BeforeEach
  void setUp() {
    scheduler = Executors.newScheduledThreadPool(2);
  }

  @AfterEach
  void tearDown() {
    scheduler.shutdownNow();
  }

  private PlatformService service(Map<String, String> extra) {
    Map<String, String> settings = new HashMap<>(extra);
    settings.put("apiUrl", wm.baseUrl());
    settings.putIfAbsent("logStatusIntervalMillis", "100");
    settings.putIfAbsent("logReconnectDelayMillis", "10");
    return VercelPlatform.create().create(
        TestPlatformContexts.create("vercel", TOKEN, scheduler, settings));
  }

  private static BuildStatus status(PlatformService s, PlatformProject p) {
    return s.getDeploymentStatus(p, DEPLOYMENT_ID).orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
  }

  private static DeploymentException failure(java.util.concurrent.CompletableFuture<?> f) {
    try {
      f.orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
    } catch (CompletionException e) {
      assertThat(e.getCause()).isInstanceOf(DeploymentException.class);
      return (DeploymentException) e.getCause();
    }
    throw new AssertionError("expected a failure");
  }

  // ---- status ----

  @Test
  void getDeploymentStatus_mapsQueuedInitializingAndBuildingToBuilding() {
    PlatformService s = service(Map.of());
    for (String state : List.of("QUEUED", "INITIALIZING", "BUILDING")) {
      wm.stubFor(get(urlPathEqualTo("/v13/deployments/" + DEPLOYMENT_ID))
          .willReturn(okJson(VercelFixtures.deploymentJson(state, "production"))));
      BuildStatus st = status(s, PRODUCTION);
      assertThat(st.state()).isEqualTo(BuildState.BUILDING);
      assertThat(st.platformState()).isEqualTo(state);
    }
  }

  @Test
  void getDeploymentStatus_whenTheStateCanNoLongerChange_readsItOnce() {
    PlatformService s = service(Map.of());
    wm.stubFor(get(urlPathEqualTo("/v13/deployments/" + DEPLOYMENT_ID))
        .willReturn(okJson(VercelFixtures.readyJson())));

    BuildStatus first = status(s, PRODUCTION);
    BuildStatus second = status(s, PRODUCTION);

    assertThat(first.state()).isEqualTo(BuildState.SUCCESS);
    assertThat(second).isEqualTo(first);
    wm.verify(1, getRequestedFor(urlPathEqualTo("/v13/deployments/" + DEPLOYMENT_ID))
        .withHeader("Authorization", equalTo("Bearer " + TOKEN)));
  }

  @Test
  void getDeploymentStatus_whenStillBuilding_readsEveryTime() {
    PlatformService s = service(Map.of());
    wm.stubFor(get(urlPathEqualTo("/v13/deployments/" + DEPLOYMENT_ID))
        .willReturn(okJson(VercelFixtures.deploymentJson("BUILDING", "production"))));

    status(s, PRODUCTION);
    status(s, PRODUCTION);

    wm.verify(2, getRequestedFor(urlPathEqualTo("/v13/deployments/" + DEPLOYMENT_ID)));
  }

  @Test
  void getDeploymentStatus_whenPreviewIsReady_succeedsWithTheDeploymentUrl() {
    wm.stubFor(get(urlPathEqualTo("/v13/deployments/" + DEPLOYMENT_ID))
        .willReturn(okJson(VercelFixtures.deploymentJson("READY", null))));

    BuildStatus st = status(service(Map.of()), PREVIEW);

    assertThat(st.state()).isEqualTo(BuildState.SUCCESS);
    assertThat(st.url()).isEqualTo("https://" + VercelFixtures.DEPLOYMENT_HOST);
  }

  @Test
  void getDeploymentStatus_whenProductionIsReadyButNotAliased_staysBuildingThenUsesTheAlias() {
    PlatformService s = service(Map.of());
    wm.stubFor(get(urlPathEqualTo("/v13/deployments/" + DEPLOYMENT_ID))
        .willReturn(okJson(VercelFixtures.deploymentJson("READY", "production"))));
    assertThat(status(s, PRODUCTION).state()).isEqualTo(BuildState.BUILDING);

    wm.stubFor(get(urlPathEqualTo("/v13/deployments/" + DEPLOYMENT_ID))
        .willReturn(okJson(VercelFixtures.readyJson())));
    BuildStatus st = status(s, PRODUCTION);

    assertThat(st.state()).isEqualTo(BuildState.SUCCESS);
    assertThat(st.url()).isEqualTo("https://" + VercelFixtures.PRODUCTION_HOST);
  }

  @Test
  void getDeploymentStatus_whenTheAliasNeverComes_usesTheDeploymentUrlAfterTheAliasWait() {
    PlatformService s = service(Map.of("aliasWaitMillis", "1"));
    wm.stubFor(get(urlPathEqualTo("/v13/deployments/" + DEPLOYMENT_ID))
        .willReturn(okJson(VercelFixtures.deploymentJson("READY", "production"))));

    assertThat(status(s, PRODUCTION).state()).isEqualTo(BuildState.BUILDING);
    java.util.concurrent.atomic.AtomicReference<BuildStatus> last =
        new java.util.concurrent.atomic.AtomicReference<>();
    await().atMost(Duration.ofSeconds(5)).until(() -> {
      last.set(status(s, PRODUCTION));
      return last.get().state() == BuildState.SUCCESS;
    });
    assertThat(last.get().url()).isEqualTo("https://" + VercelFixtures.DEPLOYMENT_HOST);
  }

  @Test
  void getDeploymentStatus_whenCanceled_isCancelled() {
    wm.stubFor(get(urlPathEqualTo("/v13/deployments/" + DEPLOYMENT_ID))
        .willReturn(okJson(VercelFixtures.deploymentJson("CANCELED", "production"))));

    assertThat(status(service(Map.of()), PRODUCTION).state()).isEqualTo(BuildState.CANCELLED);
  }

  @Test
  void getDeploymentStatus_whenBlocked_failsSayingWhy() {
    wm.stubFor(get(urlPathEqualTo("/v13/deployments/" + DEPLOYMENT_ID))
        .willReturn(okJson("{\"id\":\"" + DEPLOYMENT_ID + "\",\"readyState\":\"BLOCKED\","
            + "\"readyStateReason\":\"The team has reached its deployment limit.\"}")));

    BuildStatus st = status(service(Map.of()), PRODUCTION);

    assertThat(st.state()).isEqualTo(BuildState.FAILED);
    assertThat(st.platformState()).isEqualTo("BLOCKED");
    assertThat(st.error().code()).isEqualTo(ErrorCode.BUILD_FAILED);
    assertThat(st.error().message()).contains("blocked")
        .contains("The team has reached its deployment limit");
  }

  @Test
  void getDeploymentStatus_whenErrorAndTheTailCannotBeRead_stillFailsBuildFailed() {
    wm.stubFor(get(urlPathEqualTo("/v13/deployments/" + DEPLOYMENT_ID))
        .willReturn(okJson("{\"id\":\"" + DEPLOYMENT_ID + "\",\"readyState\":\"ERROR\"}")));
    wm.stubFor(get(urlPathEqualTo("/v3/deployments/" + DEPLOYMENT_ID + "/events"))
        .willReturn(aResponse().withStatus(500)));

    BuildStatus st = status(service(Map.of()), PRODUCTION);

    assertThat(st.state()).isEqualTo(BuildState.FAILED);
    assertThat(st.error().code()).isEqualTo(ErrorCode.BUILD_FAILED);
    assertThat(st.error().message()).contains("no message given");
  }

  // ---- cancel ----

  @Test
  void cancelDeployment_patchesTheCancelEndpoint() {
    wm.stubFor(patch(urlPathEqualTo("/v12/deployments/" + DEPLOYMENT_ID + "/cancel"))
        .willReturn(okJson("{\"readyState\":\"CANCELED\"}")));

    service(Map.of("slug", "acme")).cancelDeployment(PRODUCTION, DEPLOYMENT_ID).join();

    wm.verify(1, patchRequestedFor(urlPathEqualTo("/v12/deployments/" + DEPLOYMENT_ID + "/cancel"))
        .withQueryParam("slug", equalTo("acme"))
        .withHeader("Authorization", equalTo("Bearer " + TOKEN)));
  }

  // ---- environment variables ----

  @Test
  void setEnvironmentVariables_whenSensitiveIsRefused_resendsThemAsEncrypted() {
    wm.stubFor(post(urlPathEqualTo("/v10/projects/" + VercelFixtures.PROJECT_ID + "/env"))
        .withRequestBody(equalToJson("[{\"type\":\"sensitive\"}]", true, true))
        .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
            .withBody("{\"error\":{\"code\":\"bad_request\",\"message\":\"Sensitive environment"
                + " variables are not available on this plan\"}}")));
    wm.stubFor(post(urlPathEqualTo("/v10/projects/" + VercelFixtures.PROJECT_ID + "/env"))
        .withRequestBody(equalToJson("[{\"type\":\"encrypted\"}]", true, true))
        .willReturn(okJson("{\"created\":[],\"failed\":[]}")));

    service(Map.of()).setEnvironmentVariables(PRODUCTION,
        List.of(VercelFixtures.variables().get(0)), DeploymentTarget.PRODUCTION).join();

    wm.verify(2, postRequestedFor(urlPathEqualTo("/v10/projects/" + VercelFixtures.PROJECT_ID + "/env")));
    wm.verify(1, postRequestedFor(urlPathEqualTo("/v10/projects/" + VercelFixtures.PROJECT_ID + "/env"))
        .withRequestBody(equalToJson("[{\"key\":\"DATABASE_URL\",\"value\":\""
            + VercelFixtures.SECRET_VALUE + "\",\"type\":\"encrypted\","
            + "\"target\":[\"production\",\"preview\"]}]")));
  }

  @Test
  void setEnvironmentVariables_withTheDevelopmentTarget_sendsSensitiveValuesAsEncrypted() {
    wm.stubFor(post(urlPathEqualTo("/v10/projects/" + VercelFixtures.PROJECT_ID + "/env"))
        .willReturn(okJson("{\"created\":[],\"failed\":[]}")));

    service(Map.of("envTargets", "production, development")).setEnvironmentVariables(PRODUCTION,
        VercelFixtures.variables(), DeploymentTarget.PRODUCTION).join();

    wm.verify(1, postRequestedFor(urlPathEqualTo("/v10/projects/" + VercelFixtures.PROJECT_ID + "/env"))
        .withQueryParam("upsert", equalTo("true"))
        .withRequestBody(equalToJson("["
            + "{\"key\":\"DATABASE_URL\",\"value\":\"" + VercelFixtures.SECRET_VALUE
            + "\",\"type\":\"encrypted\",\"target\":[\"production\",\"development\"]},"
            + "{\"key\":\"NEXT_PUBLIC_APP_NAME\",\"value\":\"Happy\",\"type\":\"plain\","
            + "\"target\":[\"production\",\"development\"]},"
            + "{\"key\":\"LOG_LEVEL\",\"value\":\"info\",\"type\":\"encrypted\","
            + "\"target\":[\"production\",\"development\"]}]")));
  }

  @Test
  void setEnvironmentVariables_whenNoneHasAValue_sendsNothing() {
    service(Map.of()).setEnvironmentVariables(PRODUCTION,
        List.of(EnvironmentVariable.builder("EMPTY").build()), DeploymentTarget.PRODUCTION).join();

    assertThat(wm.getAllServeEvents()).isEmpty();
  }

  @Test
  void create_whenASettingIsInvalid_throwsInvalidConfigNamingIt() {
    assertThatThrownBy(() -> service(Map.of("uploadConcurrency", "lots")))
        .isInstanceOf(DeploymentException.class)
        .hasMessageContaining("vercel.uploadConcurrency")
        .satisfies(e -> assertThat(((DeploymentException) e).code()).isEqualTo(ErrorCode.INVALID_CONFIG));
    assertThatThrownBy(() -> service(Map.of("envTargets", "prod")))
        .hasMessageContaining("vercel.envTargets");
  }

  // ---- build events ----

  private static final class Sink implements LogSink {
    final List<String> lines = new CopyOnWriteArrayList<>();
    final AtomicInteger completions = new AtomicInteger();
    volatile Throwable failure;

    @Override
    public void line(String line) {
      lines.add(line);
    }

    @Override
    public void completed() {
      completions.incrementAndGet();
    }

    @Override
    public void failed(Throwable cause) {
      failure = cause;
    }
  }

  private static String event(long created, String id, String text) {
    return "{\"type\":\"stdout\",\"created\":" + created + ",\"id\":\"" + id + "\",\"text\":\""
        + text + "\"}\n";
  }

  private static void stubStatusBuildingOnceThenReady() {
    wm.stubFor(get(urlPathEqualTo("/v13/deployments/" + DEPLOYMENT_ID)).inScenario("st")
        .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("done")
        .willReturn(okJson(VercelFixtures.deploymentJson("BUILDING", "production"))));
    wm.stubFor(get(urlPathEqualTo("/v13/deployments/" + DEPLOYMENT_ID)).inScenario("st")
        .whenScenarioStateIs("done").willReturn(okJson(VercelFixtures.readyJson())));
  }

  @Test
  void streamBuildLogs_whenTheStreamEndsEarly_resumesWithSinceWithoutDuplicates() {
    String path = "/v3/deployments/" + DEPLOYMENT_ID + "/events";
    wm.stubFor(get(urlPathEqualTo(path)).withQueryParam("since", absent())
        .willReturn(aResponse().withStatus(200)
            .withBody(event(1000, "a", "one") + event(1001, "b", "two") + event(1002, "c", "three"))));
    // Inclusive since: the server repeats the last event before the new ones.
    wm.stubFor(get(urlPathEqualTo(path)).withQueryParam("since", equalTo("1002"))
        .willReturn(aResponse().withStatus(200)
            .withBody(event(1002, "c", "three") + event(1002, "d", "three-b")
                + event(1003, "e", "four"))));
    stubStatusBuildingOnceThenReady();
    Sink sink = new Sink();

    LogStream stream = service(Map.of()).streamBuildLogs(PRODUCTION, DEPLOYMENT_ID, sink);
    stream.done().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();

    assertThat(sink.lines).containsExactly("one", "two", "three", "three-b", "four");
    assertThat(sink.completions).hasValue(1);
    assertThat(sink.failure).isNull();
    wm.verify(1, getRequestedFor(urlPathEqualTo(path)).withQueryParam("since", equalTo("1002"))
        .withQueryParam("follow", equalTo("1")).withQueryParam("direction", equalTo("forward"))
        .withHeader("Authorization", equalTo("Bearer " + TOKEN)));
  }

  @Test
  void streamBuildLogs_whenTheConnectionIsReset_reconnectsAndDeliversEveryLineOnce() {
    String path = "/v3/deployments/" + DEPLOYMENT_ID + "/events";
    wm.stubFor(get(urlPathEqualTo(path)).inScenario("ev").whenScenarioStateIs(Scenario.STARTED)
        .willSetStateTo("up").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    wm.stubFor(get(urlPathEqualTo(path)).inScenario("ev").whenScenarioStateIs("up")
        .willReturn(aResponse().withStatus(200).withBody(event(1000, "a", "one") + "{}\n"
            + event(1001, "b", "two"))));
    stubStatusBuildingOnceThenReady();
    Sink sink = new Sink();

    LogStream stream = service(Map.of()).streamBuildLogs(PRODUCTION, DEPLOYMENT_ID, sink);
    stream.done().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();

    assertThat(sink.lines).containsExactly("one", "two");
    assertThat(sink.completions).hasValue(1);
    wm.verify(2, getRequestedFor(urlPathEqualTo(path)));
  }

  @Test
  void streamBuildLogs_deliversLinesAsTheyArriveNotWhenTheBodyEnds() {
    StringBuilder body = new StringBuilder(event(1000, "a", "first"));
    for (int i = 0; i < 200; i++) {
      body.append("{\"type\":\"keepalive\"}\n");
    }
    body.append(event(1001, "b", "last"));
    wm.stubFor(get(urlPathEqualTo("/v3/deployments/" + DEPLOYMENT_ID + "/events"))
        .willReturn(aResponse().withStatus(200).withBody(body.toString())
            .withChunkedDribbleDelay(20, 3000)));
    wm.stubFor(get(urlPathEqualTo("/v13/deployments/" + DEPLOYMENT_ID))
        .willReturn(okJson(VercelFixtures.readyJson())));
    Sink sink = new Sink();

    LogStream stream = service(Map.of("logStatusIntervalMillis", "60000"))
        .streamBuildLogs(PRODUCTION, DEPLOYMENT_ID, sink);
    try {
      await().atMost(Duration.ofSeconds(2)).until(() -> sink.lines.contains("first"));
      assertThat(sink.lines).doesNotContain("last");
      assertThat(stream.done()).isNotDone();
      stream.done().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
      assertThat(sink.lines).containsExactly("first", "last");
    } finally {
      stream.close();
    }
  }

  @Test
  void streamBuildLogs_whileTheStreamStaysOpen_endsOnceTheStatusCheckSeesATerminalState() {
    wm.stubFor(get(urlPathEqualTo("/v3/deployments/" + DEPLOYMENT_ID + "/events"))
        .willReturn(aResponse().withStatus(200).withBody(event(1000, "a", "only"))
            .withChunkedDribbleDelay(2, 30_000)));
    wm.stubFor(get(urlPathEqualTo("/v13/deployments/" + DEPLOYMENT_ID))
        .willReturn(okJson(VercelFixtures.readyJson())));
    Sink sink = new Sink();

    LogStream stream = service(Map.of()).streamBuildLogs(PRODUCTION, DEPLOYMENT_ID, sink);

    stream.done().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
    assertThat(sink.completions).hasValue(1);
  }

  @Test
  void streamBuildLogs_whenTheTokenIsRefused_failsTheStreamWithoutRetrying() {
    wm.stubFor(get(urlPathEqualTo("/v3/deployments/" + DEPLOYMENT_ID + "/events"))
        .willReturn(aResponse().withStatus(401)));
    Sink sink = new Sink();

    LogStream stream = service(Map.of()).streamBuildLogs(PRODUCTION, DEPLOYMENT_ID, sink);

    await().atMost(Duration.ofSeconds(5)).until(() -> sink.failure != null);
    assertThat(((DeploymentException) sink.failure).code()).isEqualTo(ErrorCode.AUTH_FAILED);
    assertThat(stream.done()).isCompletedExceptionally();
    wm.verify(1, getRequestedFor(urlPathEqualTo("/v3/deployments/" + DEPLOYMENT_ID + "/events")));
  }

  @Test
  void uploadFiles_whenCancelled_stopsSendingFiles() {
    List<dev.deploykit.core.GeneratedFile> many = new java.util.ArrayList<>();
    for (int i = 0; i < 40; i++) {
      many.add(dev.deploykit.core.GeneratedFile.text("f" + i + ".txt", "file " + i));
    }
    wm.stubFor(post(urlPathEqualTo("/v13/deployments")).willReturn(aResponse().withStatus(400)
        .withHeader("Content-Type", "application/json").withBody(VercelFixtures.missingFiles(many))));
    wm.stubFor(post(urlPathEqualTo("/v2/files"))
        .willReturn(aResponse().withStatus(200).withFixedDelay(300)));

    var future = service(Map.of("uploadConcurrency", "2")).uploadFiles(PRODUCTION, many,
        p -> { });
    await().atMost(Duration.ofSeconds(5)).until(() ->
        wm.findAll(postRequestedFor(urlPathEqualTo("/v2/files"))).size() >= 1);
    future.cancel(true);

    await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(3)).until(() ->
        wm.findAll(postRequestedFor(urlPathEqualTo("/v2/files"))).size() <= 4);
  }

  @Test
  void uploadFiles_neverHasMoreThanTheConfiguredUploadsInFlight() {
    List<dev.deploykit.core.GeneratedFile> many = new java.util.ArrayList<>();
    for (int i = 0; i < 12; i++) {
      many.add(dev.deploykit.core.GeneratedFile.text("f" + i + ".txt", "file " + i));
    }
    wm.stubFor(post(urlPathEqualTo("/v13/deployments")).inScenario("h")
        .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("up")
        .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
            .withBody(VercelFixtures.missingFiles(many))));
    wm.stubFor(post(urlPathEqualTo("/v13/deployments")).inScenario("h").whenScenarioStateIs("up")
        .willReturn(okJson(VercelFixtures.deploymentJson("QUEUED", "production"))));
    wm.stubFor(post(urlPathEqualTo("/v2/files"))
        .willReturn(aResponse().withStatus(200).withFixedDelay(100)));

    var result = service(Map.of("uploadConcurrency", "3")).uploadFiles(PRODUCTION, many, p -> { })
        .orTimeout(20, java.util.concurrent.TimeUnit.SECONDS).join();

    assertThat(result.filesUploaded()).isEqualTo(12);
    assertThat(result.deploymentId()).isEqualTo(DEPLOYMENT_ID);
    var uploads = wm.findAll(postRequestedFor(urlPathEqualTo("/v2/files")));
    assertThat(uploads).hasSize(12);
    // With 3 in flight and 100 ms each, 12 uploads take at least 4 rounds.
    long first = uploads.stream().mapToLong(r -> r.getLoggedDate().getTime()).min().orElseThrow();
    long last = uploads.stream().mapToLong(r -> r.getLoggedDate().getTime()).max().orElseThrow();
    assertThat(last - first).isGreaterThanOrEqualTo(280);
    DeploymentException e = failure(service(Map.of()).uploadFiles(PRODUCTION, List.of(), p -> { }));
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
  }
}
