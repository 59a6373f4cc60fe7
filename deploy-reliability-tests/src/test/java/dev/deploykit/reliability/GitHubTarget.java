package dev.deploykit.reliability;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.notFound;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.deploykit.core.Deployment;
import dev.deploykit.core.DeploymentError;
import dev.deploykit.core.DeploymentErrorHandler;
import dev.deploykit.core.DeploymentOrchestrator;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.FallbackOption;
import dev.deploykit.core.FallbackResult;
import dev.deploykit.core.RecoveryPlan;
import dev.deploykit.github.GitHubFallbackPublisher;
import dev.deploykit.testing.InMemoryPlatform;
import dev.deploykit.testing.SecretCanary;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * GitHub, as the GITHUB_REPO fallback: a deployment to the in-memory platform fails its build, then
 * {@code orchestrator.fallback(deployment, GITHUB_REPO)} publishes its files to WireMock's GitHub.
 * The outcome is the publish's: SUCCESS, or FAILED with the publisher's error.
 */
final class GitHubTarget extends Target {
  @Override
  String id() {
    return "github";
  }

  @Override
  List<Op> ops() {
    return List.of(
        Op.http("who am I (GET /user)", Op.Kind.PUBLISH, () -> get(urlPathEqualTo("/user"))),
        Op.http("look up the repository (GET /repos/{o}/{r})", Op.Kind.PUBLISH,
            () -> get(urlPathEqualTo("/repos/octo/my-app"))),
        Op.http("create the repository (POST /user/repos)", Op.Kind.PUBLISH,
            () -> post(urlPathEqualTo("/user/repos"))),
        Op.http("blobs (POST /repos/{o}/{r}/git/blobs)", Op.Kind.PUBLISH,
            () -> post(urlPathEqualTo("/repos/octo/my-app/git/blobs"))),
        Op.http("commit (POST /repos/{o}/{r}/git/commits)", Op.Kind.PUBLISH,
            () -> post(urlPathEqualTo("/repos/octo/my-app/git/commits"))),
        Op.http("move the branch (PATCH /repos/{o}/{r}/git/refs/heads/main)", Op.Kind.PUBLISH,
            () -> patch(urlPathEqualTo("/repos/octo/my-app/git/refs/heads/main"))));
  }

  private static MappingBuilder withJson(MappingBuilder m, int status, String body) {
    return m.willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/json")
        .withBody(body.replace('\'', '"')));
  }

  @Override
  void stubHappyPath(WireMockExtension wm, String token) {
    wm.stubFor(get("/user").willReturn(okJson("{\"login\":\"octo\"}")));
    wm.stubFor(get("/repos/octo/my-app").willReturn(notFound()));
    wm.stubFor(withJson(post("/user/repos"), 201, "{'name':'my-app','owner':{'login':'octo'},"
        + "'html_url':'https://github.com/octo/my-app','default_branch':'main','private':true}"));
    wm.stubFor(get("/repos/octo/my-app/git/ref/heads/main").willReturn(okJson(
        "{\"ref\":\"refs/heads/main\",\"object\":{\"sha\":\"commit0\"}}")));
    wm.stubFor(get("/repos/octo/my-app/git/commits/commit0").willReturn(okJson(
        "{\"sha\":\"commit0\",\"tree\":{\"sha\":\"tree0\"}}")));
    wm.stubFor(withJson(post(urlPathEqualTo("/repos/octo/my-app/git/blobs")), 201,
        "{'sha':'blob1'}"));
    wm.stubFor(withJson(post("/repos/octo/my-app/git/trees"), 201, "{'sha':'tree1'}"));
    wm.stubFor(withJson(post(urlPathEqualTo("/repos/octo/my-app/git/commits")), 201,
        "{'sha':'commit1'}"));
    wm.stubFor(patch(urlPathEqualTo("/repos/octo/my-app/git/refs/heads/main"))
        .willReturn(okJson("{}")));
  }

  @Override
  DeploymentOrchestrator orchestrator(WireMockExtension wm, HttpClient client, String token) {
    InMemoryPlatform memory = InMemoryPlatform.builder().buildDuration(Duration.ofMillis(10))
        .build();
    memory.failAlways(InMemoryPlatform.Operation.BUILD, ErrorCode.BUILD_FAILED);
    return base(client)
        .platform(memory)
        .fallbackPublisher(new GitHubFallbackPublisher())
        .token(USER, "memory", token)
        .token(USER, "github", token)
        .setting("github.apiUrl", wm.baseUrl())
        .setting("github.requestTimeout", REQUEST_TIMEOUT_MILLIS)
        .build();
  }

  @Override
  dev.deploykit.core.DeploymentConfig config(SecretCanary canary) {
    return dev.deploykit.core.DeploymentConfig.builder(PROJECT, "memory").files(files())
        .environmentVariables(variables(canary)).verifyUrl(false).build();
  }

  @Override
  Outcome deploy(WireMockExtension wm, HttpClient client, SecretCanary canary) throws Exception {
    try (DeploymentOrchestrator o = orchestrator(wm, client, canary.token())) {
      Deployment failed = o.deployAsync(config(canary), USER, canary.listener())
          .get(DEPLOYMENT_TIMEOUT.toMillis() + 10_000, TimeUnit.MILLISECONDS);
      canary.scanDeployment(o, failed);
      long start = System.nanoTime();
      try {
        FallbackResult r = o.fallback(failed, FallbackOption.GITHUB_REPO)
            .get(DEPLOYMENT_TIMEOUT.toMillis() + 10_000, TimeUnit.MILLISECONDS);
        canary.scan("fallback result", r);
        return new Outcome("SUCCESS", null, null, (System.nanoTime() - start) / 1_000_000, null);
      } catch (ExecutionException e) {
        long millis = (System.nanoTime() - start) / 1_000_000;
        canary.scan("fallback failure", e);
        DeploymentError error = DeploymentErrorHandler.toError(e, "github");
        canary.scan("fallback error", error);
        RecoveryPlan plan = o.errorHandler().handleError(error, failed);
        canary.scan("fallback plan", plan);
        return new Outcome("FAILED", error.code(), plan.action(), millis, error.message());
      }
    }
  }
}
