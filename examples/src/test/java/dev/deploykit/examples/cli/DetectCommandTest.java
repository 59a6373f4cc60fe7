package dev.deploykit.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deploykit.env.DotEnv;
import dev.deploykit.env.EnvironmentSchema;
import dev.deploykit.env.EnvironmentVariableDetector;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DetectCommandTest {
  @TempDir Path dir;

  @Test
  void detect_whenFeatureOptions_printsTableWithEveryColumn() {
    CliRun r = CliRun.run("detect", "--database", "prisma-postgres", "--auth", "nextauth",
        "--ai-template", "chatbot", "--ai-provider", "anthropic");

    assertThat(r.exitCode()).isZero();
    assertThat(r.err()).isEmpty();
    String[] lines = r.out().split("\n");
    assertThat(lines[0]).matches("KEY +REQUIRED +SENSITIVE +DESCRIPTION +EXAMPLE");
    assertThat(r.out()).containsPattern("(?m)^DATABASE_URL +yes +yes +PostgreSQL .* postgresql://")
        .containsPattern("(?m)^NEXTAUTH_SECRET +yes +yes ")
        .containsPattern("(?m)^NEXT_PUBLIC_APP_URL +no +no ")
        .contains("ANTHROPIC_API_KEY", "5 variables; 3 required, 3 sensitive.");
  }

  @Test
  void detect_whenFormatEnv_printsExactlyTheEnvExample() throws Exception {
    Path config = Fixtures.scaffold(dir);

    CliRun r = CliRun.run("detect", "--config", config.toString(), "--format", "env");

    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).isEqualTo(DotEnv.exportExample(EnvironmentVariableDetector.create()
        .detect(Inputs.readScaffold(config))));
    assertThat(r.out()).contains("DATABASE_URL=\n", "# required, sensitive");
  }

  @Test
  void detect_whenFormatJsonSchema_printsTheSchema() throws Exception {
    CliRun r = CliRun.run("detect", "--config", Fixtures.scaffold(dir).toString(),
        "--format", "json-schema");

    assertThat(r.exitCode()).isZero();
    JsonNode schema = new ObjectMapper().readTree(r.out());
    assertThat(schema.get("$schema").asText()).isEqualTo(EnvironmentSchema.DIALECT);
    assertThat(schema.get("properties").has("ANTHROPIC_API_KEY")).isTrue();
    assertThat(schema.get("required").toString()).contains("DATABASE_URL", "NEXTAUTH_SECRET");
  }

  @Test
  void detect_whenOptionOverridesConfig_usesTheOption() throws Exception {
    CliRun r = CliRun.run("detect", "--config", Fixtures.scaffold(dir).toString(),
        "--ai-provider", "openai", "--format", "env");

    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("OPENAI_API_KEY=").doesNotContain("ANTHROPIC_API_KEY");
  }

  @Test
  void detect_whenUnknownFormat_exits2NamingTheFormats() {
    CliRun r = CliRun.run("detect", "--format", "xml");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("--format", "'xml'", "table, env, json-schema",
        "deploykit detect --help");
  }

  @Test
  void detect_whenUnknownDatabase_exits2NamingTheAcceptedValues() {
    CliRun r = CliRun.run("detect", "--database", "mongo");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("Unknown database 'mongo'", "mongodb", "--database");
  }

  @Test
  void detect_whenConfigFileMissing_exits2NamingIt() {
    Path missing = dir.resolve("nope.json");

    CliRun r = CliRun.run("detect", "--config", missing.toString());

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains(missing.toString(), "does not exist");
  }

  @Test
  void detect_whenConfigIsNotJson_exits2NamingFileAndLine() throws Exception {
    Path config = Files.writeString(dir.resolve("scaffold.json"), "{\n  \"database\": \"prisma-postgres\",\n  oops\n}");

    CliRun r = CliRun.run("detect", "--config", config.toString());

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains(config.toString() + " line 3", "Expected a JSON object");
  }

  @Test
  void detect_whenConfigNamesUnknownOption_exits2NamingFileAndField() throws Exception {
    Path config = Files.writeString(dir.resolve("scaffold.json"), "{\"auth\":\"okta\"}");

    CliRun r = CliRun.run("detect", "--config", config.toString());

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains(config.toString(), "Unknown auth 'okta'", "nextauth");
  }

  @Test
  void wrap_keepsWordsWholeAndLinesWithinWidth() {
    assertThat(DetectCommand.wrap("aaa bbb ccc dddddddddd e", 7))
        .containsExactly("aaa bbb", "ccc", "dddddddddd", "e");
    assertThat(DetectCommand.wrap("", 10)).containsExactly("");
  }
}
