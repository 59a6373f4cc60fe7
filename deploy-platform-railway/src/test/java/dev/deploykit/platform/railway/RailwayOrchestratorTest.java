package dev.deploykit.platform.railway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.deploykit.platform.railway.RailwayStubs.CANARY;
import static dev.deploykit.platform.railway.RailwayStubs.DEPLOYMENT_ID;
import static dev.deploykit.platform.railway.RailwayStubs.DOMAIN;
import static dev.deploykit.platform.railway.RailwayStubs.ENVIRONMENT_ID;
import static dev.deploykit.platform.railway.RailwayStubs.LOG_LINES;
import static dev.deploykit.platform.railway.RailwayStubs.PROJECT_ID;
import static dev.deploykit.platform.railway.RailwayStubs.SERVICE_ID;
import static dev.deploykit.platform.railway.RailwayStubs.T5;
import static dev.deploykit.platform.railway.RailwayStubs.TOKEN;
import static dev.deploykit.platform.railway.RailwayStubs.UP_PATH;
import static dev.deploykit.platform.railway.RailwayStubs.data;
import static dev.deploykit.platform.railway.RailwayStubs.deployment;
import static dev.deploykit.platform.railway.RailwayStubs.errors;
import static dev.deploykit.platform.railway.RailwayStubs.gql;
import static dev.deploykit.platform.railway.RailwayStubs.gqlRequested;
import static dev.deploykit.platform.railway.RailwayStubs.logs;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.deploykit.core.Deployment;
import dev.deploykit.core.DeploymentConfig;
import dev.deploykit.core.DeploymentOrchestrator;
import dev.deploykit.core.DeploymentStatus;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.GeneratedFile;
import dev.deploykit.core.ProgressUpdate;
import dev.deploykit.core.RecoveryAction;
import dev.deploykit.core.RetrySettings;
import dev.deploykit.env.EnvironmentVariable;
import dev.deploykit.testing.RecordingProgressListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Whole deployments through the orchestrator, with Railway stubbed by WireMock. */
class RailwayOrchestratorTest {
  @RegisterExtension
  static WireMockExtension wm = WireMockExtension.newInstance()
      .options(wireMockConfig().dynamicPort()).build();

  private static final String NAME = "shop";
  private static final String DB_PASSWORD = "s3cr3t-db-pa55word";
  private static final List<GeneratedFile> FILES = List.of(
      GeneratedFile.text("package.json", "{\"name\":\"shop\",\"scripts\":{\"build\":\"next build\"}}"),
      GeneratedFile.text("app/page.tsx", "export default function Page() { return <h1>Shop</h1>; }"));
  private static final List<EnvironmentVariable> VARIABLES = List.of(
      EnvironmentVariable.builder("DATABASE_URL")
          .value("postgres://shop:" + DB_PASSWORD + "@db.internal:5432/shop").sensitive(true)
          .build(),
      EnvironmentVariable.builder("APP_NAME").value("Shop").build());

  private DeploymentOrchestrator orchestrator;

  @BeforeEach
  void setUp() {
    orchestrator = DeploymentOrchestrator.builder()
        .discoverPlatforms(false)
        .platform(RailwayPlatform.create())
        .token("user-1", "railway", TOKEN)
        .setting("railway.apiUrl", wm.baseUrl() + RailwayStubs.GRAPHQL)
        .setting("railway.logPollInterval", "20")
        .deploymentTimeout(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(20), Duration.ofMillis(100))
        .uploadRetry(new RetrySettings(3, Duration.ofMillis(10), Duration.ofMillis(40), 0.25,
            Duration.ofSeconds(5)))
        .build();
  }

  @AfterEach
  void tearDown() {
    orchestrator.close();
  }

  private Deployment deploy(RecordingProgressListener listener) throws Exception {
    DeploymentConfig config = DeploymentConfig.builder(NAME, "railway").files(FILES)
        .environmentVariables(VARIABLES).verifyUrl(false).build();
    Deployment d = orchestrator.deployAsync(config, "user-1", listener).get(20, TimeUnit.SECONDS);
    listener.awaitTerminal(Duration.ofSeconds(10));
    assertNoSecretLeaks(d, listener);
    return d;
  }

  @Test
  void deploy_whenEverythingWorks_endsSuccessAtTheStaticUrlWithTheBuildLog() throws Exception {
    RailwayStubs.happyPath(wm, NAME, "SUCCESS");
    RecordingProgressListener listener = new RecordingProgressListener();

    Deployment d = deploy(listener);

    assertThat(d.status()).as("error: %s", d.error()).isEqualTo(DeploymentStatus.SUCCESS);
    assertThat(d.deploymentUrl()).isEqualTo("https://" + DOMAIN);
    assertThat(d.platformProjectId()).isEqualTo(PROJECT_ID);
    assertThat(d.platformDeploymentId()).isEqualTo(DEPLOYMENT_ID);
    assertThat(d.logTail()).containsExactlyElementsOf(LOG_LINES);
    assertThat(listener.logLines()).containsExactlyElementsOf(LOG_LINES);
    assertThat(listener.statuses()).containsSubsequence(DeploymentStatus.CREATING_PROJECT,
        DeploymentStatus.CONFIGURING, DeploymentStatus.UPLOADING, DeploymentStatus.BUILDING,
        DeploymentStatus.SUCCESS);
    wm.verify(1, gqlRequested("ProjectCreate"));
    wm.verify(1, gqlRequested("VariableCollectionUpsert"));
    wm.verify(gqlRequested("VariableCollectionUpsert").withRequestBody(matchingJsonPath(
        "$.variables", equalToJson("{\"projectId\":\"" + PROJECT_ID + "\","
            + "\"environmentId\":\"" + ENVIRONMENT_ID + "\",\"serviceId\":\"" + SERVICE_ID + "\","
            + "\"variables\":{\"DATABASE_URL\":\"postgres://shop:" + DB_PASSWORD
            + "@db.internal:5432/shop\",\"APP_NAME\":\"Shop\"},\"skipDeploys\":true}"))));
    List<LoggedRequest> uploads = wm.findAll(postRequestedFor(urlPathEqualTo(UP_PATH))
        .withQueryParam("serviceId", equalTo(SERVICE_ID))
        .withHeader("Content-Type", equalTo("application/gzip")));
    assertThat(uploads).hasSize(1);
    assertThat(RailwayServiceTest.untar(uploads.get(0).getBody()))
        .containsKeys("./package.json", "./app/page.tsx");
    // The upload started the deployment: no second one is triggered.
    wm.verify(0, gqlRequested("ServiceInstanceDeployV2"));
  }

  @Test
  void deploy_whenRepeated_reusesTheProjectAndService() throws Exception {
    RailwayStubs.happyPath(wm, NAME, "SUCCESS");
    deploy(new RecordingProgressListener());
    wm.resetScenarios(); // a fresh build, but the project was made: answer Projects with it
    wm.stubFor(gql("Projects").atPriority(1).willReturn(data("{\"projects\":{\"edges\":[{\"node\":"
        + RailwayStubs.project(NAME, true) + "}]}}")));
    wm.stubFor(gql("Domains").atPriority(1).willReturn(data("{\"domains\":{\"serviceDomains\":"
        + "[{\"domain\":\"" + DOMAIN + "\"}],\"customDomains\":[]}}")));

    Deployment second = deploy(new RecordingProgressListener());

    assertThat(second.status()).isEqualTo(DeploymentStatus.SUCCESS);
    assertThat(second.platformProjectId()).isEqualTo(PROJECT_ID);
    wm.verify(1, gqlRequested("ProjectCreate"));
    wm.verify(1, gqlRequested("ServiceCreate"));
    wm.verify(2, postRequestedFor(urlPathEqualTo(UP_PATH)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"FAILED", "CRASHED"})
  void deploy_whenTheBuildFailsOrCrashes_endsBuildFailedWithItsLog(String railway)
      throws Exception {
    RailwayStubs.happyPath(wm, NAME, railway);
    // The deployment turns terminal only once the log was read to its end, as on Railway.
    wm.stubFor(gql("Deployment").atPriority(1).inScenario("gate")
        .whenScenarioStateIs(Scenario.STARTED).willReturn(deployment("BUILDING")));
    wm.stubFor(gql("Deployment").atPriority(1).inScenario("gate").whenScenarioStateIs("read")
        .willReturn(deployment(railway)));
    wm.stubFor(gql("BuildLogs").atPriority(1).inScenario("gate").willSetStateTo("read")
        .withRequestBody(matchingJsonPath("$.variables.startDate", equalTo(T5)))
        .willReturn(data(logs(railway, T5, LOG_LINES.get(4)))));
    RecordingProgressListener listener = new RecordingProgressListener();

    Deployment d = deploy(listener);

    assertThat(d.status()).isEqualTo(DeploymentStatus.FAILED);
    assertThat(d.error().code()).isEqualTo(ErrorCode.BUILD_FAILED);
    assertThat(d.error().message()).contains(railway);
    assertThat(d.logTail()).containsExactlyElementsOf(LOG_LINES);
    assertThat(orchestrator.recoveryPlan(d).userMessage()).contains("build log");
  }

  @Test
  void deploy_whenTheUploadIsRateLimitedOnce_waitsRetryAfterAndSucceeds() throws Exception {
    RailwayStubs.happyPath(wm, NAME, "SUCCESS");
    wm.stubFor(post(urlPathEqualTo(UP_PATH)).atPriority(1).inScenario("limit")
        .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("free")
        .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")));
    long start = System.nanoTime();

    Deployment d = deploy(new RecordingProgressListener());

    assertThat(d.status()).as("error: %s", d.error()).isEqualTo(DeploymentStatus.SUCCESS);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(950));
    List<LoggedRequest> uploads = wm.findAll(postRequestedFor(urlPathEqualTo(UP_PATH)));
    assertThat(uploads).hasSize(2);
    assertThat(uploads.get(1).getBody()).isEqualTo(uploads.get(0).getBody());
  }

  @Test
  void deploy_whenTheUploadIsTooLarge_failsUploadFailedWithoutRetrying() throws Exception {
    RailwayStubs.happyPath(wm, NAME, "SUCCESS");
    wm.stubFor(post(urlPathEqualTo(UP_PATH)).atPriority(1)
        .willReturn(aResponse().withStatus(413).withBody("Request Entity Too Large")));

    Deployment d = deploy(new RecordingProgressListener());

    assertThat(d.status()).isEqualTo(DeploymentStatus.FAILED);
    assertThat(d.error().code()).isEqualTo(ErrorCode.UPLOAD_FAILED);
    assertThat(d.error().message()).containsPattern("archive of 2 files was \\d+ bytes");
    wm.verify(1, postRequestedFor(urlPathEqualTo(UP_PATH)));
  }

  @Test
  void deploy_whenRailwayRefusesTheTokenInsideHttp200_failsAuthFailedAskingToReconnect()
      throws Exception {
    wm.stubFor(gql("Projects").willReturn(errors("Not Authorized")));

    Deployment d = deploy(new RecordingProgressListener());

    assertThat(d.status()).isEqualTo(DeploymentStatus.FAILED);
    assertThat(d.error().code()).isEqualTo(ErrorCode.AUTH_FAILED);
    assertThat(d.error().message()).contains("Not Authorized");
    assertThat(orchestrator.recoveryPlan(d).action()).isEqualTo(RecoveryAction.RECONNECT);
    wm.verify(0, gqlRequested("ProjectCreate"));
  }

  @Test
  void deploy_whenTheUpResponseLacksTheStaticUrl_stillEndsAtTheDeploymentDomain()
      throws Exception {
    RailwayStubs.happyPath(wm, NAME, "SUCCESS");
    wm.stubFor(gql("Deployment").atPriority(1).willReturn(data("{\"deployment\":{\"id\":\""
        + DEPLOYMENT_ID + "\",\"status\":\"SUCCESS\",\"url\":null,\"staticUrl\":null}}")));
    wm.stubFor(post(urlPathEqualTo(UP_PATH)).atPriority(1).willReturn(okJson(
        "{\"deploymentId\":\"" + DEPLOYMENT_ID + "\",\"deploymentDomain\":\"" + DOMAIN + "\"}")));

    Deployment d = deploy(new RecordingProgressListener());

    assertThat(d.deploymentUrl()).isEqualTo("https://" + DOMAIN);
  }

  private static void assertNoSecretLeaks(Deployment d, RecordingProgressListener listener)
      throws IOException {
    assertThat(d.toString()).doesNotContain(CANARY).doesNotContain(DB_PASSWORD);
    if (d.error() != null) {
      assertThat(d.error().toString()).doesNotContain(CANARY).doesNotContain(DB_PASSWORD);
    }
    for (ProgressUpdate u : listener.updates()) {
      assertThat(u.toString()).doesNotContain(CANARY).doesNotContain(DB_PASSWORD);
    }
    // src/test/resources/simplelogger.properties sends every logger, at DEBUG, to this file.
    Path log = Path.of("target", "railway-tests.log");
    assertThat(log).exists();
    assertThat(Files.readString(log, StandardCharsets.UTF_8))
        .as("captured log lines").contains("Railway").doesNotContain(CANARY)
        .doesNotContain(DB_PASSWORD);
  }
}
