package dev.deploykit.platform.vercel;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.binaryEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.deploykit.platform.vercel.VercelFixtures.DEPLOYMENT_ID;
import static dev.deploykit.platform.vercel.VercelFixtures.PROJECT_ID;
import static dev.deploykit.platform.vercel.VercelFixtures.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.deploykit.core.Deployment;
import dev.deploykit.core.DeploymentConfig;
import dev.deploykit.core.DeploymentOrchestrator;
import dev.deploykit.core.DeploymentStatus;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.FallbackOption;
import dev.deploykit.core.GeneratedFile;
import dev.deploykit.core.ProgressUpdate;
import dev.deploykit.core.RecoveryAction;
import dev.deploykit.core.RecoveryPlan;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Whole deployments through the orchestrator against a WireMock Vercel. */
class VercelDeploymentTest {
  @RegisterExtension
  static WireMockExtension wm =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private DeploymentOrchestrator orchestrator;

  @AfterEach
  void tearDown() {
    if (orchestrator != null) {
      orchestrator.close();
    }
  }

  private Deployment deploy(String name) {
    if (orchestrator == null) {
      orchestrator = VercelFixtures.orchestrator(wm);
    }
    return orchestrator.deploy(VercelFixtures.config(name), "user-1");
  }

  @Test
  void deploy_whenEverythingWorks_createsProjectSetsVariablesUploadsOnlyMissingFilesAndReturnsAlias() {
    List<GeneratedFile> files = VercelFixtures.files();
    List<GeneratedFile> missing = List.of(files.get(1), files.get(3));
    VercelFixtures.stubHappyPath(wm, missing);

    Deployment d = deploy("happy-app");

    assertThat(d.status()).as("error: %s", d.error()).isEqualTo(DeploymentStatus.SUCCESS);
    assertThat(d.deploymentUrl()).isEqualTo("https://" + VercelFixtures.PRODUCTION_HOST);
    assertThat(d.platformProjectId()).isEqualTo(PROJECT_ID);
    assertThat(d.platformDeploymentId()).isEqualTo(DEPLOYMENT_ID);

    wm.verify(1, postRequestedFor(urlPathEqualTo("/v11/projects"))
        .withHeader("Authorization", equalTo("Bearer " + TOKEN))
        .withHeader("Content-Type", equalTo("application/json"))
        .withRequestBody(equalToJson("{\"name\":\"happy-app\",\"framework\":\"nextjs\"}")));
    wm.verify(1, postRequestedFor(urlPathEqualTo("/v10/projects/" + PROJECT_ID + "/env"))
        .withQueryParam("upsert", equalTo("true"))
        .withHeader("Authorization", equalTo("Bearer " + TOKEN))
        .withRequestBody(equalToJson("["
            + "{\"key\":\"DATABASE_URL\",\"value\":\"" + VercelFixtures.SECRET_VALUE
            + "\",\"type\":\"sensitive\",\"target\":[\"production\",\"preview\"]},"
            + "{\"key\":\"NEXT_PUBLIC_APP_NAME\",\"value\":\"Happy\",\"type\":\"plain\","
            + "\"target\":[\"production\",\"preview\"]},"
            + "{\"key\":\"LOG_LEVEL\",\"value\":\"info\",\"type\":\"encrypted\","
            + "\"target\":[\"production\",\"preview\"]}]")));

    StringBuilder manifest = new StringBuilder("[");
    for (GeneratedFile f : files) {
      manifest.append(manifest.length() > 1 ? "," : "").append("{\"file\":\"").append(f.path())
          .append("\",\"sha\":\"").append(f.sha1()).append("\",\"size\":").append(f.size())
          .append('}');
    }
    manifest.append(']');
    wm.verify(2, postRequestedFor(urlPathEqualTo("/v13/deployments"))
        .withQueryParam("skipAutoDetectionConfirmation", equalTo("1"))
        .withHeader("Authorization", equalTo("Bearer " + TOKEN))
        .withRequestBody(equalToJson("{\"name\":\"happy-app\",\"project\":\"" + PROJECT_ID
            + "\",\"target\":\"production\",\"projectSettings\":{\"framework\":\"nextjs\"},"
            + "\"files\":" + manifest + "}")));

    wm.verify(2, postRequestedFor(urlPathEqualTo("/v2/files")));
    for (GeneratedFile f : missing) {
      wm.verify(1, postRequestedFor(urlPathEqualTo("/v2/files"))
          .withHeader("Authorization", equalTo("Bearer " + TOKEN))
          .withHeader("x-vercel-digest", equalTo(f.sha1()))
          .withHeader("Content-Length", equalTo(Long.toString(f.size())))
          .withHeader("Content-Type", equalTo("application/octet-stream"))
          .withRequestBody(binaryEqualTo(f.bytes())));
    }
    for (GeneratedFile f : List.of(files.get(0), files.get(2))) {
      wm.verify(0, postRequestedFor(urlPathEqualTo("/v2/files"))
          .withHeader("x-vercel-digest", equalTo(f.sha1())));
    }
    wm.verify(getRequestedFor(urlPathEqualTo("/v13/deployments/" + DEPLOYMENT_ID))
        .withHeader("Authorization", equalTo("Bearer " + TOKEN)));
    wm.verify(getRequestedFor(urlPathEqualTo("/v3/deployments/" + DEPLOYMENT_ID + "/events"))
        .withQueryParam("follow", equalTo("1"))
        .withQueryParam("direction", equalTo("forward"))
        .withHeader("Authorization", equalTo("Bearer " + TOKEN)));

    List<String> logLines = orchestrator.progress().history(d.id()).stream()
        .flatMap(u -> u.logLines().stream()).toList();
    assertThat(logLines).containsExactlyElementsOf(VercelFixtures.EVENT_LINES);
    assertThat(d.logTail()).containsExactlyElementsOf(VercelFixtures.EVENT_LINES);
    assertThat(orchestrator.progress().history(d.id())).map(ProgressUpdate::message)
        .anySatisfy(m -> assertThat(m).contains("Uploaded 2 files"));
  }

  @Test
  void deploy_whenTeamIsSet_scopesEveryRequestToTheTeam() {
    VercelFixtures.stubHappyPath(wm, List.of(VercelFixtures.files().get(0)));
    orchestrator = VercelFixtures.orchestrator(wm, VercelFixtures.fastRetry(3),
        Map.of("teamId", "team_Q1w2"));

    Deployment d = deploy("happy-app");

    assertThat(d.status()).isEqualTo(DeploymentStatus.SUCCESS);
    List<ServeEvent> events = wm.getAllServeEvents();
    assertThat(events).hasSizeGreaterThanOrEqualTo(7);
    for (ServeEvent e : events) {
      assertThat(e.getRequest().queryParameter("teamId").values())
          .as("teamId of %s %s", e.getRequest().getMethod(), e.getRequest().getUrl())
          .containsExactly("team_Q1w2");
    }
  }

  @Test
  void deploy_whenRedeployingUnchangedFilesToOurExistingProject_uploadsNothing() {
    wm.stubFor(post(urlPathEqualTo("/v11/projects")).willReturn(aResponse().withStatus(409)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"error\":{\"code\":\"conflict\",\"message\":\"Project \\\"happy-app\\\" already exists.\"}}")));
    wm.stubFor(get(urlPathEqualTo("/v10/projects/happy-app"))
        .willReturn(okJson("{\"id\":\"" + PROJECT_ID + "\",\"name\":\"happy-app\"}")));
    wm.stubFor(post(urlPathEqualTo("/v10/projects/" + PROJECT_ID + "/env"))
        .willReturn(okJson("{\"created\":[],\"failed\":[]}")));
    wm.stubFor(post(urlPathEqualTo("/v13/deployments"))
        .willReturn(okJson(VercelFixtures.deploymentJson("QUEUED", "production"))));
    wm.stubFor(post(urlPathEqualTo("/v2/files")).willReturn(aResponse().withStatus(200)));
    VercelFixtures.stubStatusThenReady(wm);
    VercelFixtures.stubAnyEvents(wm);

    Deployment d = deploy("happy-app");

    assertThat(d.status()).as("error: %s", d.error()).isEqualTo(DeploymentStatus.SUCCESS);
    assertThat(d.platformProjectId()).isEqualTo(PROJECT_ID);
    wm.verify(1, getRequestedFor(urlPathEqualTo("/v10/projects/happy-app"))
        .withHeader("Authorization", equalTo("Bearer " + TOKEN)));
    wm.verify(0, postRequestedFor(urlPathEqualTo("/v2/files")));
    wm.verify(1, postRequestedFor(urlPathEqualTo("/v13/deployments")));
    assertThat(orchestrator.progress().history(d.id())).map(ProgressUpdate::message)
        .anySatisfy(m -> assertThat(m).contains("Uploaded 0 files (0 bytes), 4 already on the platform"));
  }

  @Test
  void deploy_whenRedeployedUnchangedWithoutVariables_sendsNoFileBytesAndThreeRequests() {
    List<GeneratedFile> files = VercelFixtures.files();
    VercelFixtures.stubHappyPath(wm, files);
    // The events arrive after the status read has seen READY, as they do on Vercel (the stream is
    // long-lived): the end-of-build check then needs no request of its own.
    wm.stubFor(get(urlPathEqualTo("/v3/deployments/" + DEPLOYMENT_ID + "/events"))
        .willReturn(aResponse().withStatus(200).withFixedDelay(500)
            .withHeader("Content-Type", "application/stream+json")
            .withBody(VercelFixtures.EVENTS)));
    orchestrator = VercelFixtures.orchestrator(wm);
    Deployment first = orchestrator.deploy(DeploymentConfig.builder("happy-app", "vercel")
        .files(files).verifyUrl(false).build(), "user-1");
    assertThat(first.status()).as("error: %s", first.error()).isEqualTo(DeploymentStatus.SUCCESS);
    wm.verify(files.size(), postRequestedFor(urlPathEqualTo("/v2/files")));
    wm.resetRequests();

    Deployment again = orchestrator.deploy(DeploymentConfig.builder("happy-app", "vercel")
        .files(VercelFixtures.files()).verifyUrl(false).build(), "user-1");

    assertThat(again.status()).as("error: %s", again.error()).isEqualTo(DeploymentStatus.SUCCESS);
    assertThat(again.platformProjectId()).isEqualTo(PROJECT_ID);
    assertThat(again.logTail()).containsAll(VercelFixtures.EVENT_LINES);
    StringBuilder manifest = new StringBuilder("[");
    for (GeneratedFile f : files) {
      manifest.append(manifest.length() > 1 ? "," : "").append("{\"file\":\"").append(f.path())
          .append("\",\"sha\":\"").append(f.sha1()).append("\",\"size\":").append(f.size())
          .append('}');
    }
    manifest.append(']');
    wm.verify(1, postRequestedFor(urlPathEqualTo("/v13/deployments"))
        .withHeader("Authorization", equalTo("Bearer " + TOKEN))
        .withRequestBody(equalToJson("{\"name\":\"happy-app\",\"project\":\"" + PROJECT_ID
            + "\",\"target\":\"production\",\"projectSettings\":{\"framework\":\"nextjs\"},"
            + "\"files\":" + manifest + "}")));
    wm.verify(1, getRequestedFor(urlPathEqualTo("/v13/deployments/" + DEPLOYMENT_ID))
        .withHeader("Authorization", equalTo("Bearer " + TOKEN)));
    wm.verify(1, getRequestedFor(urlPathEqualTo("/v3/deployments/" + DEPLOYMENT_ID + "/events"))
        .withQueryParam("follow", equalTo("1")));
    wm.verify(0, postRequestedFor(urlPathEqualTo("/v11/projects")));
    wm.verify(0, postRequestedFor(urlPathEqualTo("/v2/files")));
    assertThat(wm.getAllServeEvents()).hasSize(3);
  }

  @Test
  void deploy_whenTheCachedProjectWasDeleted_failsOnceThenCreatesItAgain() {
    VercelFixtures.stubHappyPath(wm, VercelFixtures.files());
    orchestrator = VercelFixtures.orchestrator(wm);
    DeploymentConfig config = DeploymentConfig.builder("happy-app", "vercel")
        .files(VercelFixtures.files()).verifyUrl(false).build();
    assertThat(orchestrator.deploy(config, "user-1").status()).isEqualTo(DeploymentStatus.SUCCESS);
    wm.verify(1, postRequestedFor(urlPathEqualTo("/v11/projects")));
    // Deleted in the dashboard: Vercel no longer knows the project id.
    wm.stubFor(post(urlPathEqualTo("/v13/deployments")).atPriority(1).willReturn(aResponse()
        .withStatus(404).withHeader("Content-Type", "application/json")
        .withBody("{\"error\":{\"code\":\"not_found\",\"message\":\"Project not found\"}}")));

    Deployment failed = orchestrator.deploy(config, "user-1");
    assertThat(failed.status()).isEqualTo(DeploymentStatus.FAILED);
    wm.verify(1, postRequestedFor(urlPathEqualTo("/v11/projects")));

    wm.removeStub(wm.getStubMappings().stream().filter(m -> m.getPriority() != null
        && m.getPriority() == 1).findFirst().orElseThrow());
    Deployment again = orchestrator.deploy(config, "user-1");

    assertThat(again.status()).as("error: %s", again.error()).isEqualTo(DeploymentStatus.SUCCESS);
    wm.verify(2, postRequestedFor(urlPathEqualTo("/v11/projects"))
        .withRequestBody(equalToJson("{\"name\":\"happy-app\",\"framework\":\"nextjs\"}")));
  }

  @Test
  void deploy_whenAnotherTokenDeploysTheSameName_doesNotReuseTheCachedProject() {
    VercelFixtures.stubHappyPath(wm, VercelFixtures.files());
    VercelPlatform vercel = VercelPlatform.create();
    DeploymentConfig config = DeploymentConfig.builder("happy-app", "vercel")
        .files(VercelFixtures.files()).verifyUrl(false).build();
    orchestrator = DeploymentOrchestrator.builder().discoverPlatforms(false).platform(vercel)
        .token("user-1", "vercel", TOKEN).token("user-2", "vercel", "another-token-5678")
        .setting("vercel.apiUrl", wm.baseUrl())
        .pollInterval(Duration.ofMillis(20), Duration.ofMillis(100)).build();

    assertThat(orchestrator.deploy(config, "user-1").status()).isEqualTo(DeploymentStatus.SUCCESS);
    assertThat(orchestrator.deploy(config, "user-2").status()).isEqualTo(DeploymentStatus.SUCCESS);
    assertThat(orchestrator.deploy(config, "user-1").status()).isEqualTo(DeploymentStatus.SUCCESS);

    wm.verify(1, postRequestedFor(urlPathEqualTo("/v11/projects"))
        .withHeader("Authorization", equalTo("Bearer " + TOKEN)));
    wm.verify(1, postRequestedFor(urlPathEqualTo("/v11/projects"))
        .withHeader("Authorization", equalTo("Bearer another-token-5678")));
  }

  @ParameterizedTest(name = "lookup answers {0}")
  @ValueSource(ints = {404, 403})
  void deploy_whenNameBelongsToAnotherAccount_failsProjectNameTakenWithoutDeploying(int lookup) {
    wm.stubFor(post(urlPathEqualTo("/v11/projects")).willReturn(aResponse().withStatus(409)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"error\":{\"code\":\"conflict\",\"message\":\"Project \\\"taken-app\\\" already exists.\"}}")));
    wm.stubFor(get(urlPathEqualTo("/v10/projects/taken-app")).willReturn(aResponse()
        .withStatus(lookup).withHeader("Content-Type", "application/json")
        .withBody("{\"error\":{\"code\":\"not_found\",\"message\":\"Project not found\"}}")));

    Deployment d = deploy("taken-app");

    assertThat(d.status()).isEqualTo(DeploymentStatus.FAILED);
    assertThat(d.error().code()).isEqualTo(ErrorCode.PROJECT_NAME_TAKEN);
    assertThat(d.error().message()).contains("taken-app").contains("Choose another name");
    assertThat(d.error().httpStatus()).isEqualTo(409);
    wm.verify(0, postRequestedFor(urlPathEqualTo("/v13/deployments")));
    wm.verify(0, postRequestedFor(urlPathMatching("/v10/projects/.*/env")));
    assertThat(orchestrator.recoveryPlan(d).action()).isEqualTo(RecoveryAction.MANUAL);
  }

  @Test
  void deploy_whenNameIsInvalid_failsInvalidConfigProposingAValidNameBeforeAnyCall() {
    Deployment d = deploy("My App!");

    assertThat(d.status()).isEqualTo(DeploymentStatus.FAILED);
    assertThat(d.error().code()).isEqualTo(ErrorCode.INVALID_CONFIG);
    assertThat(d.error().message()).contains("'my-app'");
    assertThat(wm.getAllServeEvents()).isEmpty();
  }

  @Test
  void deploy_whenTokenIsRefused401_failsAuthFailedSayingWhereToCreateAToken() {
    wm.stubFor(post(urlPathEqualTo("/v11/projects")).willReturn(aResponse().withStatus(401)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"error\":{\"code\":\"forbidden\",\"message\":\"Not authorized\"}}")));

    Deployment d = deploy("happy-app");

    assertThat(d.error().code()).isEqualTo(ErrorCode.AUTH_FAILED);
    assertThat(d.error().httpStatus()).isEqualTo(401);
    assertThat(d.error().message()).contains("https://vercel.com/account/tokens");
    assertThat(orchestrator.recoveryPlan(d).action()).isEqualTo(RecoveryAction.RECONNECT);
  }

  @Test
  void deploy_whenVercelSays403InvalidToken_failsAuthFailed() {
    wm.stubFor(post(urlPathEqualTo("/v11/projects")).willReturn(aResponse().withStatus(403)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"error\":{\"code\":\"forbidden\",\"message\":\"Not authorized\","
            + "\"invalidToken\":true}}")));

    Deployment d = deploy("happy-app");

    assertThat(d.error().code()).isEqualTo(ErrorCode.AUTH_FAILED);
    assertThat(d.error().message()).contains("https://vercel.com/account/tokens");
  }

  @Test
  void deploy_whenTokenLacksTeamAccess403_failsInsufficientPermissionsNamingTheScope() {
    wm.stubFor(post(urlPathEqualTo("/v11/projects")).willReturn(aResponse().withStatus(403)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"error\":{\"code\":\"forbidden\",\"message\":\"You don't have permission"
            + " to create the project.\"}}")));

    Deployment d = deploy("happy-app");

    assertThat(d.error().code()).isEqualTo(ErrorCode.INSUFFICIENT_PERMISSIONS);
    assertThat(d.error().message()).contains("permission to create the project")
        .contains("scope").contains("vercel.teamId");
  }

  @Test
  void deploy_whenRateLimitedWithoutRetryAfter_failsRateLimitedWithTheResetFromTheBody() {
    long reset = Instant.now().plusSeconds(120).getEpochSecond();
    wm.stubFor(post(urlPathEqualTo("/v11/projects")).willReturn(aResponse().withStatus(429)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"error\":{\"code\":\"rate_limited\",\"message\":\"Rate limit exceeded\","
            + "\"limit\":{\"remaining\":0,\"reset\":" + reset + ",\"total\":100}}}")));

    Deployment d = deploy("happy-app");

    assertThat(d.error().code()).isEqualTo(ErrorCode.RATE_LIMIT_EXCEEDED);
    assertThat(d.error().retryAfter()).isBetween(Duration.ofSeconds(100), Duration.ofSeconds(121));
    assertThat(d.error().message()).contains("Retry in");
  }

  @Test
  void deploy_whenAnUploadIs429WithRetryAfter_waitsThatLongAndSucceeds() {
    List<GeneratedFile> files = VercelFixtures.files();
    VercelFixtures.stubHappyPath(wm, List.of(files.get(1)));
    wm.stubFor(post(urlPathEqualTo("/v2/files")).inScenario("limited")
        .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("open")
        .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")
            .withHeader("Content-Type", "application/json")
            .withBody("{\"error\":{\"code\":\"rate_limited\",\"message\":\"Slow down\"}}")));
    wm.stubFor(post(urlPathEqualTo("/v2/files")).inScenario("limited")
        .whenScenarioStateIs("open").willReturn(aResponse().withStatus(200)));

    Deployment d = deploy("happy-app");

    assertThat(d.status()).as("error: %s", d.error()).isEqualTo(DeploymentStatus.SUCCESS);
    List<LoggedRequest> uploads = wm.findAll(postRequestedFor(urlPathEqualTo("/v2/files"))
        .withHeader("x-vercel-digest", equalTo(files.get(1).sha1())));
    assertThat(uploads).hasSize(2);
    uploads = uploads.stream().sorted(Comparator.comparing(LoggedRequest::getLoggedDate)).toList();
    long waited = uploads.get(1).getLoggedDate().getTime() - uploads.get(0).getLoggedDate().getTime();
    assertThat(waited).as("ms between the 429 and the retry").isGreaterThanOrEqualTo(900);
  }

  @Test
  void deploy_whenAnUploadFails500Once_retriesThatFileAndSucceeds() {
    List<GeneratedFile> files = VercelFixtures.files();
    VercelFixtures.stubHappyPath(wm, List.of(files.get(1), files.get(2)));
    wm.stubFor(post(urlPathEqualTo("/v2/files"))
        .withHeader("x-vercel-digest", equalTo(files.get(2).sha1())).inScenario("flaky")
        .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("ok")
        .willReturn(aResponse().withStatus(500)));
    wm.stubFor(post(urlPathEqualTo("/v2/files"))
        .withHeader("x-vercel-digest", equalTo(files.get(2).sha1())).inScenario("flaky")
        .whenScenarioStateIs("ok").willReturn(aResponse().withStatus(200)));

    Deployment d = deploy("happy-app");

    assertThat(d.status()).as("error: %s", d.error()).isEqualTo(DeploymentStatus.SUCCESS);
    wm.verify(2, postRequestedFor(urlPathEqualTo("/v2/files"))
        .withHeader("x-vercel-digest", equalTo(files.get(2).sha1())));
    wm.verify(1, postRequestedFor(urlPathEqualTo("/v2/files"))
        .withHeader("x-vercel-digest", equalTo(files.get(1).sha1())));
    wm.verify(2, postRequestedFor(urlPathEqualTo("/v13/deployments")));
  }

  @Test
  void deploy_whenUploadsKeepFailing_failsUploadFailedAfterEveryRetryWithARetryPlan() {
    List<GeneratedFile> files = VercelFixtures.files();
    VercelFixtures.stubHappyPath(wm, List.of(files.get(1)));
    // Every create-deployment asks for the file again, as Vercel does while it is missing.
    wm.stubFor(post(urlPathEqualTo("/v13/deployments")).willReturn(aResponse().withStatus(400)
        .withHeader("Content-Type", "application/json")
        .withBody(VercelFixtures.missingFiles(List.of(files.get(1))))));
    wm.stubFor(post(urlPathEqualTo("/v2/files")).willReturn(aResponse().withStatus(503)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"error\":{\"code\":\"internal_server_error\",\"message\":\"Try later\"}}")));
    orchestrator = VercelFixtures.orchestrator(wm, VercelFixtures.fastRetry(1),
        Map.of("uploadRetries", "2"));

    Deployment d = deploy("happy-app");

    assertThat(d.status()).isEqualTo(DeploymentStatus.FAILED);
    assertThat(d.error().code()).isEqualTo(ErrorCode.UPLOAD_FAILED);
    assertThat(d.error().httpStatus()).isEqualTo(503);
    assertThat(d.error().message()).startsWith("Upload failed after 2 attempts");
    // (1 + 2 adapter retries) per orchestrator attempt, 2 orchestrator attempts.
    wm.verify(6, postRequestedFor(urlPathEqualTo("/v2/files")));
    RecoveryPlan plan = orchestrator.recoveryPlan(d);
    assertThat(plan.action()).isEqualTo(RecoveryAction.RETRY);
    assertThat(plan.fallbackOptions()).contains(FallbackOption.GITHUB_REPO, FallbackOption.ZIP);
  }

  @Test
  void deploy_whenAnUploadIsRefused400_doesNotRetryIt() {
    List<GeneratedFile> files = VercelFixtures.files();
    VercelFixtures.stubHappyPath(wm, List.of(files.get(1)));
    wm.stubFor(post(urlPathEqualTo("/v2/files")).willReturn(aResponse().withStatus(400)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"error\":{\"code\":\"bad_request\",\"message\":\"Invalid digest\"}}")));

    Deployment d = deploy("happy-app");

    assertThat(d.error().code()).isEqualTo(ErrorCode.INVALID_CONFIG);
    assertThat(d.error().message()).contains("Invalid digest");
    wm.verify(1, postRequestedFor(urlPathEqualTo("/v2/files")));
  }

  @Test
  void deploy_whenTheBuildFails_failsBuildFailedWithVercelsMessageAndTheLogTail() {
    VercelFixtures.stubHappyPath(wm, List.of(VercelFixtures.files().get(0)));
    wm.stubFor(get(urlPathEqualTo("/v13/deployments/" + DEPLOYMENT_ID)).inScenario("status")
        .whenScenarioStateIs("ready").willReturn(okJson("{\"id\":\"" + DEPLOYMENT_ID
            + "\",\"url\":\"x.vercel.app\",\"readyState\":\"ERROR\",\"errorCode\":\"BUILD_FAILED\","
            + "\"errorMessage\":\"Command \\\"npm run build\\\" exited with 1\","
            + "\"inspectorUrl\":\"https://vercel.com/acme/happy-app/dpl\"}")));
    wm.stubFor(get(urlPathEqualTo("/v3/deployments/" + DEPLOYMENT_ID + "/events"))
        .withQueryParam("direction", equalTo("backward"))
        .willReturn(okJson("[{\"type\":\"stderr\",\"created\":1003,\"id\":\"ev4\","
            + "\"text\":\"Type error: x is not defined\"},"
            + "{\"type\":\"command\",\"created\":1000,\"id\":\"ev1\",\"text\":\"npm run build\"}]")));

    Deployment d = deploy("happy-app");

    assertThat(d.status()).isEqualTo(DeploymentStatus.FAILED);
    assertThat(d.error().code()).isEqualTo(ErrorCode.BUILD_FAILED);
    assertThat(d.error().message()).contains("exited with 1")
        .contains("https://vercel.com/acme/happy-app/dpl");
    assertThat(d.error().details()).containsExactly("platform code: BUILD_FAILED",
        "npm run build", "Type error: x is not defined");
    RecoveryPlan plan = orchestrator.recoveryPlan(d);
    assertThat(plan.action()).isEqualTo(RecoveryAction.CHECK);
  }

  @Test
  void deploy_whenVercelAnswersMalformedJson_failsPlatformUnavailableWithoutParserDetails() {
    wm.stubFor(post(urlPathEqualTo("/v11/projects"))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
            .withBody("{\"id\": \"prj_1\", ")));

    Deployment d = deploy("happy-app");

    assertThat(d.error().code()).isEqualTo(ErrorCode.PLATFORM_UNAVAILABLE);
    assertThat(d.error().message()).contains("malformed JSON").contains("POST /v11/projects")
        .doesNotContain("Jackson").doesNotContain("JsonParse").doesNotContain("Unexpected end");
  }

  @Test
  void deploy_whenAnErrorHasAnEmptyBody_failsPlatformUnavailableNamingTheStatus() {
    wm.stubFor(post(urlPathEqualTo("/v11/projects")).willReturn(aResponse().withStatus(502)));

    Deployment d = deploy("happy-app");

    assertThat(d.error().code()).isEqualTo(ErrorCode.PLATFORM_UNAVAILABLE);
    assertThat(d.error().httpStatus()).isEqualTo(502);
    assertThat(d.error().message()).contains("HTTP 502").contains("try again");
  }

  @Test
  void deploy_whenAnErrorBodyIsHtml_failsPlatformUnavailableWithoutQuotingIt() {
    wm.stubFor(post(urlPathEqualTo("/v11/projects")).willReturn(aResponse().withStatus(503)
        .withHeader("Content-Type", "text/html").withBody("<html><body>Bad gateway</body></html>")));

    Deployment d = deploy("happy-app");

    assertThat(d.error().code()).isEqualTo(ErrorCode.PLATFORM_UNAVAILABLE);
    assertThat(d.error().message()).doesNotContain("<html>");
  }

  @Test
  void deploy_whenSomeVariablesFail_failsNamingTheKeysThatFailedWithoutTheirValues() {
    VercelFixtures.stubHappyPath(wm, VercelFixtures.files());
    wm.stubFor(post(urlPathEqualTo("/v10/projects/" + PROJECT_ID + "/env")).willReturn(okJson(
        "{\"created\":[{\"key\":\"LOG_LEVEL\"}],\"failed\":["
            + "{\"error\":{\"code\":\"ENV_CONFLICT\",\"key\":\"DATABASE_URL\",\"message\":"
            + "\"A variable with the value " + VercelFixtures.SECRET_VALUE + " exists\"}},"
            + "{\"error\":{\"code\":\"invalid_value\",\"envVarKey\":\"NEXT_PUBLIC_APP_NAME\"}}]}")));

    Deployment d = deploy("happy-app");

    assertThat(d.error().code()).isEqualTo(ErrorCode.INVALID_CONFIG);
    assertThat(d.error().message()).contains("2 of 3").contains("DATABASE_URL")
        .contains("NEXT_PUBLIC_APP_NAME").doesNotContain("LOG_LEVEL");
    assertThat(d.error().toString()).doesNotContain(VercelFixtures.SECRET_VALUE);
    assertThat(d.error().details()).anySatisfy(l -> assertThat(l).startsWith("DATABASE_URL: ENV_CONFLICT"));
    wm.verify(0, postRequestedFor(urlPathEqualTo("/v13/deployments")));
  }

  @Test
  void deploy_whenTheTokenIsInTheResponse_itNeverReachesTheUser() {
    wm.stubFor(post(urlPathEqualTo("/v11/projects")).willReturn(aResponse().withStatus(401)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"error\":{\"code\":\"forbidden\",\"message\":\"Token " + TOKEN
            + " is not valid\"}}")));

    Deployment d = deploy("happy-app");

    assertThat(d.error().code()).isEqualTo(ErrorCode.AUTH_FAILED);
    assertThat(d.toString()).doesNotContain(VercelFixtures.CANARY);
    assertThat(d.error().message()).doesNotContain(VercelFixtures.CANARY);
    assertThat(orchestrator.recoveryPlan(d).toString()).doesNotContain(VercelFixtures.CANARY);
    wm.verify(anyRequestedFor(anyUrl()).withHeader("Authorization", equalTo("Bearer " + TOKEN)));
  }
}
