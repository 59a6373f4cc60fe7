package dev.deploykit.platform.render;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.deploykit.core.Deployment;
import dev.deploykit.core.DeploymentConfig;
import dev.deploykit.core.DeploymentOrchestrator;
import dev.deploykit.core.DeploymentStatus;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.ProgressUpdate;
import dev.deploykit.core.RetrySettings;
import dev.deploykit.core.spi.Credentials;
import dev.deploykit.env.EnvironmentVariable;
import dev.deploykit.testing.RecordingProgressListener;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Full Render deployments through the orchestrator: GitHub first, then Render. */
class RenderDeploymentTest {
  @RegisterExtension
  static WireMockExtension render = WireMockExtension.newInstance()
      .options(wireMockConfig().dynamicPort()).build();

  @RegisterExtension
  static WireMockExtension github = WireMockExtension.newInstance()
      .options(wireMockConfig().dynamicPort()).build();

  static final String SECRET = "postgresql://app:" + Stubs.CANARY + "pw@db.example.com:5432/app";

  private DeploymentOrchestrator orchestrator;

  @AfterEach
  void tearDown() {
    if (orchestrator != null) {
      orchestrator.close();
    }
    assertThat(Stubs.logFile()).contains("dev.deploykit").doesNotContain(Stubs.CANARY);
  }

  private DeploymentOrchestrator orchestrator() {
    orchestrator = DeploymentOrchestrator.builder()
        .discoverPlatforms(false)
        .platform(RenderPlatform.builder()
            .githubCredentials(c -> Optional.of(Credentials.of("github", Stubs.GITHUB_TOKEN)))
            .build())
        .token("user-1", "render", Stubs.RENDER_TOKEN)
        .setting("render.apiUrl", render.baseUrl() + "/v1")
        .setting("render.githubApiUrl", github.baseUrl())
        .setting("render.logPollInterval", "20")
        .pollInterval(Duration.ofMillis(20), Duration.ofMillis(100))
        .uploadRetry(new RetrySettings(3, Duration.ofMillis(10), Duration.ofMillis(40), 0.25,
            Duration.ofSeconds(5)))
        .build();
    return orchestrator;
  }

  private static List<EnvironmentVariable> variables() {
    return List.of(
        EnvironmentVariable.builder("DATABASE_URL").value(SECRET).sensitive(true).build(),
        EnvironmentVariable.builder("APP_NAME").value("my-app").build());
  }

  private Deployment deploy(RecordingProgressListener listener) {
    return orchestrator().deployAsync(DeploymentConfig.builder("my-app", "render")
        .files(Stubs.files()).environmentVariables(variables()).verifyUrl(false).build(),
        "user-1", listener).join();
  }

  @Test
  void deploy_firstTime_publishesToGitHubThenCreatesTheWebServiceAndEndsLive() {
    Stubs.firstDeployment(render, github);
    RecordingProgressListener listener = new RecordingProgressListener();

    Deployment d = deploy(listener);

    assertThat(d.status()).as("error: %s", d.error()).isEqualTo(DeploymentStatus.SUCCESS);
    assertThat(d.deploymentUrl()).isEqualTo(Stubs.SERVICE_URL);
    assertThat(d.platformDeploymentId()).isEqualTo("dep-1");
    // GitHub: one commit on main.
    github.verify(postRequestedFor(urlPathEqualTo("/repos/octo/my-app/git/commits"))
        .withHeader("Authorization", equalTo("Bearer " + Stubs.GITHUB_TOKEN))
        .withRequestBody(equalToJson("{\"tree\":\"tree1\",\"parents\":[\"commit0\"]}", false, true)));
    // Render: the service, from that repository, with the variables inline and package.json's commands.
    render.verify(postRequestedFor(urlPathEqualTo("/v1/services"))
        .withHeader("Authorization", equalTo("Bearer " + Stubs.RENDER_TOKEN))
        .withHeader("Content-Type", equalTo("application/json"))
        .withRequestBody(equalToJson("{\"type\":\"web_service\",\"name\":\"my-app\","
            + "\"ownerId\":\"tea-1\",\"repo\":\"https://github.com/octo/my-app\",\"branch\":\"main\","
            + "\"autoDeploy\":\"no\",\"envVars\":[{\"key\":\"DATABASE_URL\",\"value\":\"" + SECRET
            + "\"},{\"key\":\"APP_NAME\",\"value\":\"my-app\"}],"
            + "\"serviceDetails\":{\"runtime\":\"node\",\"plan\":\"free\",\"envSpecificDetails\":{"
            + "\"buildCommand\":\"npm install && npm run build\",\"startCommand\":\"npm run start\"}}}",
            false, false)));
    // Before the service existed the variables were kept, not PUT.
    render.verify(0, putRequestedFor(urlPathEqualTo("/v1/services/srv-1/env-vars")));
    render.verify(0, postRequestedFor(urlPathEqualTo("/v1/services/srv-1/deploys")));
    render.verify(getRequestedFor(urlPathEqualTo("/v1/logs"))
        .withQueryParam("ownerId", equalTo("tea-1")).withQueryParam("resource", equalTo("srv-1"))
        .withQueryParam("type", equalTo("build")));
    // The build log reached the deployment.
    listener.awaitTerminal(Duration.ofSeconds(10));
    assertThat(d.logTail()).contains("==> Build successful");
    assertThat(d.logTail()).containsOnlyOnce("==> Cloning from https://github.com/octo/my-app");
    assertTokensKeptApart();
    assertNoCanary(d, listener);
  }

  @Test
  void deploy_again_replacesTheVariablesAndDeploysTheNewCommitOnTheExistingService() {
    Stubs.github(github);
    Stubs.owners(render);
    Stubs.existingService(render, "https://github.com/octo/my-app.git");
    Stubs.envVars(render);
    render.stubFor(Stubs.withJson(post("/v1/services/srv-1/deploys"), 201,
        "{'id':'dep-2','status':'created'}"));
    Stubs.deployBuildsThenLive(render, "dep-2");
    Stubs.logs(render);
    github.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get("/repos/octo/my-app")
        .atPriority(1).willReturn(com.github.tomakehurst.wiremock.client.WireMock.okJson(
            Stubs.json("{'name':'my-app','owner':{'login':'octo'},'permissions':{'push':true},"
                + "'html_url':'https://github.com/octo/my-app','default_branch':'main'}"))));
    RecordingProgressListener listener = new RecordingProgressListener();

    Deployment d = deploy(listener);

    assertThat(d.status()).as("error: %s", d.error()).isEqualTo(DeploymentStatus.SUCCESS);
    assertThat(d.platformProjectId()).isEqualTo("srv-1");
    assertThat(d.platformDeploymentId()).isEqualTo("dep-2");
    // The complete list, because PUT replaces every variable.
    render.verify(putRequestedFor(urlPathEqualTo("/v1/services/srv-1/env-vars"))
        .withHeader("Content-Type", equalTo("application/json"))
        .withRequestBody(equalToJson("[{\"key\":\"DATABASE_URL\",\"value\":\"" + SECRET + "\"},"
            + "{\"key\":\"APP_NAME\",\"value\":\"my-app\"}]", false, false)));
    render.verify(postRequestedFor(urlPathEqualTo("/v1/services/srv-1/deploys"))
        .withRequestBody(equalToJson("{\"commitId\":\"commit1\"}", false, false)));
    render.verify(0, postRequestedFor(urlPathEqualTo("/v1/services")));
    github.verify(0, postRequestedFor(urlPathEqualTo("/user/repos")));
    assertTokensKeptApart();
    assertNoCanary(d, listener);
  }

  @Test
  void deploy_whenTheNameBelongsToAServiceOfAnotherRepository_failsProjectNameTakenBeforePushing() {
    Stubs.github(github);
    Stubs.owners(render);
    Stubs.existingService(render, "https://github.com/someone-else/my-app");
    Stubs.envVars(render);

    Deployment d = deploy(new RecordingProgressListener());

    assertThat(d.status()).isEqualTo(DeploymentStatus.FAILED);
    assertThat(d.error().code()).isEqualTo(ErrorCode.PROJECT_NAME_TAKEN);
    assertThat(d.error().message()).contains("someone-else/my-app");
    github.verify(0, postRequestedFor(urlPathEqualTo("/repos/octo/my-app/git/blobs")));
  }

  @Test
  void deploy_whenRenderAsksForPayment_failsInvalidConfigAboutThePlan() {
    Stubs.github(github);
    Stubs.owners(render);
    Stubs.noService(render);
    render.stubFor(Stubs.withJson(post("/v1/services"), 402,
        "{'id':'e-1','code':'payment_required','message':'Payment information is required'}"));

    Deployment d = deploy(new RecordingProgressListener());

    assertThat(d.status()).isEqualTo(DeploymentStatus.FAILED);
    assertThat(d.error().code()).isEqualTo(ErrorCode.INVALID_CONFIG);
    assertThat(d.error().httpStatus()).isEqualTo(402);
    assertThat(d.error().message()).contains("Payment information is required")
        .contains("render.plan").contains("billing");
    assertThat(d.error().details()).contains("platform code: payment_required");
  }

  @Test
  void deploy_whenTheBuildFails_endsFailedBuildFailed() {
    Stubs.github(github);
    Stubs.owners(render);
    Stubs.noService(render);
    Stubs.createService(render);
    Stubs.logs(render);
    render.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get("/v1/services/srv-1/deploys/dep-1")
        .willReturn(com.github.tomakehurst.wiremock.client.WireMock.okJson(
            "{\"id\":\"dep-1\",\"status\":\"build_failed\"}")));

    Deployment d = deploy(new RecordingProgressListener());

    assertThat(d.status()).isEqualTo(DeploymentStatus.FAILED);
    assertThat(d.error().code()).isEqualTo(ErrorCode.BUILD_FAILED);
    assertThat(d.error().message()).contains("build failed").contains("srv-1");
  }

  private static void assertTokensKeptApart() {
    for (ServeEvent e : render.getAllServeEvents()) {
      assertThat(e.getRequest().getHeader("Authorization"))
          .as("Authorization of %s", e.getRequest().getUrl())
          .isEqualTo("Bearer " + Stubs.RENDER_TOKEN);
    }
    for (ServeEvent e : github.getAllServeEvents()) {
      assertThat(e.getRequest().getHeader("Authorization"))
          .as("Authorization of %s", e.getRequest().getUrl())
          .isEqualTo("Bearer " + Stubs.GITHUB_TOKEN);
    }
  }

  private static void assertNoCanary(Deployment d, RecordingProgressListener listener) {
    assertThat(d.toString()).doesNotContain(Stubs.CANARY);
    for (ProgressUpdate u : listener.updates()) {
      assertThat(u.toString()).doesNotContain(Stubs.CANARY);
    }
  }
}
