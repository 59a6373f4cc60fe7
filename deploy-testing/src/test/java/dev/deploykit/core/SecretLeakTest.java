package dev.deploykit.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deploykit.env.EnvironmentVariable;
import dev.deploykit.testing.InMemoryPlatform;
import dev.deploykit.testing.InMemoryPlatform.Operation;
import dev.deploykit.testing.RecordingProgressListener;
import dev.deploykit.testing.SecretCanary;
import dev.deploykit.testing.SecretCanaryExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Deploys with sensitive values holding a canary and proves the canary appears nowhere a user or
 * an operator can see: logs (slf4j-simple writes them to target/test-logs.txt in this module's
 * tests), progress updates, SSE frames, error messages, {@code toString()}, the generated files a
 * platform receives apart from the variables themselves.
 */
class SecretLeakTest {
  private static final String CANARY = "Canary7Qx9Zr4Leak";
  private static final String TOKEN = "tok-" + CANARY + "-token";

  /** Also fails the test if its canary reaches the DEBUG log or the console. */
  @RegisterExtension
  static SecretCanaryExtension leakCheck =
      SecretCanaryExtension.create().withLogFile(Path.of("target/test-logs.txt"));

  @Test
  void deploy_withSensitiveValues_leaksThemNowhere(SecretCanary secretCanary) throws Exception {
    final String CANARY = secretCanary.canary();
    final String TOKEN = secretCanary.token();
    List<String> seen = new ArrayList<>();
    String[] failureId = new String[1];
    try (InMemoryPlatform platform = InMemoryPlatform.builder()
            .buildDuration(Duration.ofMillis(50))
            .buildLogs(List.of("Installing", "DATABASE_URL is postgresql://app:" + CANARY
                + "@db.example.com:5432/app", "Done"))
            .build();
        DeploymentOrchestrator orchestrator = DeploymentOrchestrator.builder()
            .discoverPlatforms(false).platform(platform)
            .token("user-1", "memory", TOKEN)
            .pollInterval(Duration.ofMillis(20), Duration.ofMillis(50))
            .build()) {
      DeploymentConfig config = Fixtures.config("leak-check")
          .environmentVariables(Fixtures.validVariables(CANARY)).build();
      RecordingProgressListener ok = new RecordingProgressListener();
      Deployment success = orchestrator.deployAsync(config, "user-1", ok).join();

      platform.failAlways(Operation.BUILD, ErrorCode.BUILD_FAILED);
      RecordingProgressListener failing = new RecordingProgressListener();
      Deployment failure = orchestrator.deployAsync(config, "user-1", failing).join();
      failureId[0] = failure.id();

      ServerSentEvents sse = ServerSentEvents.create();
      for (RecordingProgressListener l : List.of(ok, failing)) {
        l.awaitTerminal(Duration.ofSeconds(10));
        for (ProgressUpdate u : l.updates()) {
          seen.add(u.toString());
          seen.add(sse.frame(u));
        }
      }
      for (Deployment d : List.of(success, failure)) {
        seen.add(d.toString());
        orchestrator.progress().history(d.id()).forEach(u -> seen.add(u.toString()));
      }
      seen.add(config.toString());
      seen.add(failure.error().toString());
      seen.add(orchestrator.recoveryPlan(failure).toString());
      seen.add(orchestrator.errorHandler().generateUserMessage(failure.error(), failure));
      config.environmentVariables().forEach(v -> seen.add(v.toString()));
      platform.project("leak-check").orElseThrow().files().values()
          .forEach(f -> seen.add(f.path() + "\n" + f.text()));

      assertThat(success.status()).isEqualTo(DeploymentStatus.SUCCESS);
      assertThat(failure.status()).isEqualTo(DeploymentStatus.FAILED);
      assertThat(ok.logLines()).anySatisfy(line -> assertThat(line).contains("****"));
      assertThat(platform.project("leak-check").orElseThrow().variables().get("DATABASE_URL"))
          .as("the platform itself does get the value").contains(CANARY);
    }
    for (String text : seen) {
      assertThat(text).doesNotContain(CANARY);
      secretCanary.scanText("seen", text);
    }
    Path log = Path.of("target/test-logs.txt");
    assertThat(log).as("slf4j-simple writes this module's test logs there").exists();
    String logs = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(logs).as("the log is at debug level and holds this test's deployments")
        .contains("DEBUG").contains(failureId[0]);
    assertThat(logs).doesNotContain(CANARY);
  }

  @Test
  void toString_ofEveryPublicValue_masksSecrets() {
    EnvironmentVariable v = Fixtures.validVariables(CANARY).get(0);
    assertThat(v.toString()).doesNotContain(CANARY);
    assertThat(new dev.deploykit.core.spi.Credentials("vercel", TOKEN, "default").toString())
        .doesNotContain(CANARY);
  }
}
