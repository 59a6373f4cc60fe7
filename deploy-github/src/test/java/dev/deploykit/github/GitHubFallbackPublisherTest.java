package dev.deploykit.github;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.notFound;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.deploykit.core.Deployment;
import dev.deploykit.core.DeploymentConfig;
import dev.deploykit.core.DeploymentException;
import dev.deploykit.core.DeploymentOrchestrator;
import dev.deploykit.core.DeploymentStatus;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.FallbackOption;
import dev.deploykit.core.FallbackResult;
import dev.deploykit.core.GeneratedFile;
import dev.deploykit.core.RetrySettings;
import dev.deploykit.core.spi.FallbackPublisher;
import dev.deploykit.testing.InMemoryPlatform;
import dev.deploykit.testing.InMemoryPlatform.Operation;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The GITHUB_REPO fallback, through the orchestrator. */
class GitHubFallbackPublisherTest {
  static final String CANARY = GitHubPublisherTest.CANARY;
  static final String TOKEN = GitHubPublisherTest.TOKEN;

  @RegisterExtension
  static WireMockExtension wm = WireMockExtension.newInstance()
      .options(wireMockConfig().dynamicPort()).build();

  private final InMemoryPlatform memory = InMemoryPlatform.builder()
      .buildDuration(Duration.ofMillis(20)).build();
  private DeploymentOrchestrator orchestrator;

  @AfterEach
  void tearDown() {
    if (orchestrator != null) {
      orchestrator.close();
    }
    memory.close();
    TestLogs.assertNoCanary(CANARY);
  }

  private DeploymentOrchestrator orchestrator(boolean discover, boolean withGitHubToken) {
    DeploymentOrchestrator.Builder b = DeploymentOrchestrator.builder()
        .discoverPlatforms(discover)
        .platform(memory)
        .credentials((user, platform) -> platform.equals("memory")
            ? java.util.Optional.of(dev.deploykit.core.spi.Credentials.of("memory", "m"))
            : withGitHubToken && platform.equals("github")
                ? java.util.Optional.of(dev.deploykit.core.spi.Credentials.of("github", TOKEN))
                : java.util.Optional.empty())
        .setting("github.apiUrl", wm.baseUrl())
        .pollInterval(Duration.ofMillis(20), Duration.ofMillis(100))
        .uploadRetry(new RetrySettings(0, Duration.ofMillis(10), Duration.ofMillis(40), 0.25,
            Duration.ofSeconds(5)));
    if (!discover) {
      b.fallbackPublisher(new GitHubFallbackPublisher());
    }
    orchestrator = b.build();
    return orchestrator;
  }

  private Deployment failedDeployment() {
    memory.failAlways(Operation.BUILD, ErrorCode.BUILD_FAILED);
    Deployment d = orchestrator.deploy(DeploymentConfig.builder("my-app", "memory")
        .files(List.of(GeneratedFile.text("index.html", "<h1>hi</h1>"),
            GeneratedFile.text("server.js", "console.log('hi')")))
        .verifyUrl(false).build(), "user-1");
    assertThat(d.status()).isEqualTo(DeploymentStatus.FAILED);
    return d;
  }

  private static void stubGitHub() {
    wm.stubFor(get("/user").willReturn(okJson("{\"login\":\"octo\"}")));
    wm.stubFor(get("/repos/octo/my-app").willReturn(notFound()));
    wm.stubFor(post("/user/repos").willReturn(aResponse().withStatus(201)
        .withHeader("Content-Type", "application/json")
        .withBody(GitHubPublisherTest.repoJson("octo", "my-app", true))));
    wm.stubFor(get("/repos/octo/my-app/git/ref/heads/main").willReturn(okJson(
        "{\"ref\":\"refs/heads/main\",\"object\":{\"sha\":\"commit0\"}}")));
    wm.stubFor(get("/repos/octo/my-app/git/commits/commit0").willReturn(okJson(
        "{\"sha\":\"commit0\",\"tree\":{\"sha\":\"tree0\"}}")));
    wm.stubFor(post("/repos/octo/my-app/git/blobs").willReturn(aResponse().withStatus(201)
        .withHeader("Content-Type", "application/json").withBody("{\"sha\":\"b1\"}")));
    wm.stubFor(post("/repos/octo/my-app/git/trees").willReturn(okJson("{\"sha\":\"tree1\"}")));
    wm.stubFor(post("/repos/octo/my-app/git/commits").willReturn(okJson("{\"sha\":\"c0ffee\"}")));
    wm.stubFor(patch(urlPathEqualTo("/repos/octo/my-app/git/refs/heads/main"))
        .willReturn(okJson("{}")));
  }

  @Test
  void fallback_githubRepo_publishesTheFailedDeploymentsFilesAndReturnsRepositoryAndCommit()
      throws Exception {
    orchestrator(false, true);
    stubGitHub();
    Deployment failed = failedDeployment();

    FallbackResult result = orchestrator.fallback(failed, FallbackOption.GITHUB_REPO)
        .get(10, TimeUnit.SECONDS);

    assertThat(result.option()).isEqualTo(FallbackOption.GITHUB_REPO);
    assertThat(result.location()).hasToString("https://github.com/octo/my-app");
    assertThat(result.details()).containsEntry("commitSha", "c0ffee")
        .containsEntry("branch", "main").containsEntry("repository", "octo/my-app");
    wm.verify(postRequestedFor(urlPathEqualTo("/repos/octo/my-app/git/blobs"))
        .withHeader("Authorization", equalTo("Bearer " + TOKEN))
        .withRequestBody(equalToJson("{\"content\":\"" + Base64.getEncoder().encodeToString(
            "console.log('hi')".getBytes()) + "\",\"encoding\":\"base64\"}", false, false)));
    wm.verify(postRequestedFor(urlPathEqualTo("/repos/octo/my-app/git/trees"))
        .withRequestBody(matchingJsonPath("$.tree[?(@.path == 'index.html')]"))
        .withRequestBody(matchingJsonPath("$.tree[?(@.path == 'server.js')]")));
    assertThat(result.toString()).doesNotContain(CANARY);
  }

  @Test
  void fallback_githubRepo_isFoundWithServiceLoader() throws Exception {
    assertThat(ServiceLoader.load(FallbackPublisher.class).stream()
        .map(ServiceLoader.Provider::type)).contains(GitHubFallbackPublisher.class);
    orchestrator(true, true);
    stubGitHub();

    FallbackResult result = orchestrator.fallback(failedDeployment(), FallbackOption.GITHUB_REPO)
        .get(10, TimeUnit.SECONDS);

    assertThat(result.details()).containsEntry("commitSha", "c0ffee");
  }

  @Test
  void fallback_githubRepo_whenGitHubRefusesToken_failsAuthFailedWithoutTheToken() {
    orchestrator(false, true);
    wm.stubFor(get("/user").willReturn(aResponse().withStatus(401)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"message\":\"Bad credentials\"}")));
    Deployment failed = failedDeployment();

    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> orchestrator.fallback(failed, FallbackOption.GITHUB_REPO).get(10, TimeUnit.SECONDS));

    DeploymentException d = GitHubPublisher.deploymentException(e);
    assertThat(d).isNotNull();
    assertThat(d.code()).isEqualTo(ErrorCode.AUTH_FAILED);
    assertThat(d.getMessage()).doesNotContain(CANARY);
    assertThat(orchestrator.recoveryPlan(failed).toString()).doesNotContain(CANARY);
  }

  @Test
  void fallback_githubRepo_withoutAGitHubToken_failsAuthFailedSayingWhatToSet() {
    orchestrator(false, false);
    Deployment failed = failedDeployment();

    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> orchestrator.fallback(failed, FallbackOption.GITHUB_REPO).get(10, TimeUnit.SECONDS));

    DeploymentException d = GitHubPublisher.deploymentException(e);
    assertThat(d.code()).isEqualTo(ErrorCode.AUTH_FAILED);
    assertThat(d.getMessage()).contains("GITHUB_TOKEN");
    assertThat(wm.getAllServeEvents()).isEmpty();
  }
}
