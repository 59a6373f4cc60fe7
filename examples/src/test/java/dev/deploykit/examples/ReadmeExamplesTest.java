package dev.deploykit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import dev.deploykit.core.DeploymentOrchestrator;
import dev.deploykit.env.EnvironmentVariable;
import dev.deploykit.env.EnvironmentVariableDetector;
import dev.deploykit.env.ScaffoldConfig;
import dev.deploykit.env.SecretGenerator;
import dev.deploykit.testing.InMemoryPlatform;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadmeExamplesTest {

  @Test
  void validateFromDotEnv_whenEnvFileComplete_reportsNothing(@TempDir Path dir) throws Exception {
    Path env = dir.resolve(".env");
    Files.writeString(env, String.join("\n",
        "# the app's database",
        "DATABASE_URL=postgresql://app:Xk29fLq8@db.internal.example.com:5432/app?sslmode=require",
        "export ANTHROPIC_API_KEY=\"sk-ant-api03-" + "Q".repeat(80) + "\"",
        ""));

    assertThat(ReadmeExamples.validateFromDotEnv(env)).isEmpty();
  }

  @Test
  void validateFromDotEnv_whenKeyMissing_namesIt(@TempDir Path dir) throws Exception {
    Path env = dir.resolve(".env");
    Files.writeString(env,
        "DATABASE_URL=postgresql://app:Xk29fLq8@db.internal.example.com:5432/app\n");

    assertThat(ReadmeExamples.validateFromDotEnv(env)).containsOnlyKeys("ANTHROPIC_API_KEY");
  }

  @Test
  void deploy_toTheInMemoryPlatform_printsTheUrl() {
    List<EnvironmentVariable> variables = EnvironmentVariableDetector.create()
        .detect(ScaffoldConfig.builder().database("prisma-postgres").auth("nextauth")
            .aiTemplate("chatbot").aiProvider("anthropic").build())
        .stream()
        .map(v -> switch (v.key()) {
          case "DATABASE_URL" -> v.withValue("postgresql://app:Xk29fLq8@db.example.com:5432/app");
          case "ANTHROPIC_API_KEY" -> v.withValue("sk-ant-api03-" + "Rt7Vx9Bc2Df4".repeat(7));
          default -> v;
        })
        .toList();
    variables = SecretGenerator.create().fillGeneratable(variables);
    try (InMemoryPlatform memory = InMemoryPlatform.builder().buildDuration(Duration.ofMillis(50))
            .serveDeployments(true).build();
        DeploymentOrchestrator orchestrator = DeploymentOrchestrator.builder()
            .discoverPlatforms(false).platform(memory)
            .pollInterval(Duration.ofMillis(20), Duration.ofMillis(100)).build()) {

      assertThat(ReadmeExamples.deploy(orchestrator, "memory", variables))
          .hasValueSatisfying(url -> assertThat(url).startsWith("http://127.0.0.1:"));
    }
  }
}
