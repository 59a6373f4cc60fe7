package dev.deploykit.platform.vercel;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.deploykit.platform.vercel.VercelFixtures.CANARY;
import static dev.deploykit.platform.vercel.VercelFixtures.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.deploykit.core.Deployment;
import dev.deploykit.core.DeploymentOrchestrator;
import dev.deploykit.core.DeploymentStatus;
import dev.deploykit.core.GeneratedFile;
import dev.deploykit.core.spi.PlatformService;
import dev.deploykit.testing.TestPlatformContexts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The token never shows: not in a log line (slf4j-simple writes DEBUG to a file, see
 * simplelogger.properties), an exception message, a snapshot, a progress update or a plan, even when
 * Vercel echoes it back.
 */
class VercelSecretLeakTest {
  @RegisterExtension
  static WireMockExtension wm =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private final List<String> seen = new ArrayList<>();

  private void record(DeploymentOrchestrator o, Deployment d) {
    seen.add(d.toString());
    if (d.error() != null) {
      seen.add(d.error().toString());
      seen.add(o.recoveryPlan(d).toString());
      seen.add(o.errorHandler().generateUserMessage(d.error(), d));
    }
    o.progress().history(d.id()).forEach(u -> seen.add(u.toString()));
  }

  private static String echo(int status) {
    return "{\"error\":{\"code\":\"forbidden\",\"message\":\"Bearer " + TOKEN + " rejected for "
        + TOKEN + "\"}}";
  }

  @Test
  void token_neverAppearsInLogsMessagesSnapshotsOrProgress() throws Exception {
    List<GeneratedFile> files = VercelFixtures.files();
    // 1. a full deployment
    VercelFixtures.stubHappyPath(wm, List.of(files.get(0), files.get(1)));
    try (DeploymentOrchestrator o = VercelFixtures.orchestrator(wm)) {
      Deployment d = o.deploy(VercelFixtures.config("happy-app"), "user-1");
      assertThat(d.status()).isEqualTo(DeploymentStatus.SUCCESS);
      record(o, d);
    }
    // 2. failures whose bodies echo the token: create (401, 403), upload (500 until exhausted)
    for (int status : List.of(401, 403, 429, 500)) {
      wm.resetAll();
      wm.stubFor(post(urlPathEqualTo("/v11/projects")).willReturn(aResponse().withStatus(status)
          .withHeader("Content-Type", "application/json").withBody(echo(status))));
      try (DeploymentOrchestrator o = VercelFixtures.orchestrator(wm)) {
        Deployment d = o.deploy(VercelFixtures.config("happy-app"), "user-1");
        assertThat(d.status()).isEqualTo(DeploymentStatus.FAILED);
        record(o, d);
      }
    }
    wm.resetAll();
    VercelFixtures.stubHappyPath(wm, List.of(files.get(1)));
    wm.stubFor(post(urlPathEqualTo("/v13/deployments")).willReturn(aResponse().withStatus(400)
        .withHeader("Content-Type", "application/json")
        .withBody(VercelFixtures.missingFiles(List.of(files.get(1))))));
    wm.stubFor(post(urlPathEqualTo("/v2/files")).willReturn(aResponse().withStatus(500)
        .withHeader("Content-Type", "application/json").withBody(echo(500))));
    try (DeploymentOrchestrator o = VercelFixtures.orchestrator(wm, VercelFixtures.fastRetry(1),
        Map.of("uploadRetries", "1"))) {
      Deployment d = o.deploy(VercelFixtures.config("happy-app"), "user-1");
      assertThat(d.status()).isEqualTo(DeploymentStatus.FAILED);
      record(o, d);
    }
    // 3. exceptions straight from the service, with their causes
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try {
      PlatformService s = VercelPlatform.create().create(TestPlatformContexts.create("vercel",
          TOKEN, scheduler, Map.of("apiUrl", wm.baseUrl())));
      seen.add(s.toString());
      try {
        s.createProject(new dev.deploykit.core.spi.CreateProjectRequest("happy-app", files,
            dev.deploykit.core.DeploymentTarget.PRODUCTION)).get(10, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException | CompletionException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
          seen.add(String.valueOf(t.getMessage()));
          seen.add(t.toString());
        }
      }
    } finally {
      scheduler.shutdownNow();
    }

    assertThat(seen).hasSizeGreaterThan(20);
    assertThat(seen).allSatisfy(s -> assertThat(s).doesNotContain(CANARY));
    Path log = Path.of("target/vercel-test-logs.txt");
    String logs = Files.readString(log, StandardCharsets.UTF_8);
    // The file really holds the adapter's DEBUG lines, so the check below can fail.
    assertThat(logs).contains("VercelApi - POST /v11/projects -> HTTP 401")
        .contains("VercelApi - POST /v2/files -> HTTP 500");
    assertThat(logs).doesNotContain(CANARY);
  }
}
