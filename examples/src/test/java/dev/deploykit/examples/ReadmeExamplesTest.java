package dev.deploykit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
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
}
