package dev.deploykit.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deploykit.env.DotEnv;
import dev.deploykit.env.DotEnvFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {
  private static final String CANARY_KEY = "sk-ant-api03-CANARYvalidate";

  @TempDir Path dir;

  @Test
  void validate_whenEveryValueIsValid_exits0() throws Exception {
    CliRun r = CliRun.run("validate", "--config", Fixtures.scaffold(dir).toString(),
        "--env-file", Fixtures.completeEnv(dir).toString());

    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("All 5 variables are valid.")
        .containsPattern("(?m)^DATABASE_URL +yes +yes +ok$");
    assertThat(r.all()).doesNotContain(Fixtures.DATABASE_URL, Fixtures.ANTHROPIC_KEY,
        Fixtures.NEXTAUTH_SECRET);
  }

  @Test
  void validate_whenSeveralProblems_reportsEveryOneAndNoValue() throws Exception {
    Path env = Files.writeString(dir.resolve(".env"), String.join("\n",
        "DATABASE_URL=mysql://root@localhost/app",
        "ANTHROPIC_API_KEY=" + CANARY_KEY,
        "NEXTAUTH_URL=https://a.example.com",
        "NEXT_PUBLIC_APP_URL=https://b.example.com",
        ""));

    CliRun r = CliRun.run("validate", "--config", Fixtures.scaffold(dir).toString(),
        "--env-file", env.toString());

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.out())
        .containsPattern("(?m)^DATABASE_URL +yes +yes +INVALID: ")
        .containsPattern("(?m)^NEXTAUTH_SECRET +yes +yes +MISSING: ")
        .containsPattern("(?m)^ANTHROPIC_API_KEY +yes +yes +INVALID: ")
        .containsPattern("(?m)^NEXTAUTH_URL +no +no +INVALID: ")
        .contains("4 of 5 variables have problems", "--generate-secrets");
    assertThat(r.all()).doesNotContain("CANARY", "root@localhost");
  }

  @Test
  void validate_whenGenerateSecrets_writesThemBackKeepingEveryOtherLine() throws Exception {
    String original = String.join("\n",
        "# the app's database",
        "DATABASE_URL=" + Fixtures.DATABASE_URL,
        "",
        "export ANTHROPIC_API_KEY=\"" + Fixtures.ANTHROPIC_KEY + "\"  # from the console",
        "EXTRA_FLAG='on' # not needed by the app",
        "");
    Path env = Files.writeString(dir.resolve(".env"), original);

    CliRun r = CliRun.run("validate", "--config", Fixtures.scaffold(dir).toString(),
        "--env-file", env.toString(), "--generate-secrets");

    assertThat(r.exitCode()).isZero();
    String written = Files.readString(env);
    assertThat(written).startsWith(original);
    DotEnvFile parsed = DotEnv.parse(written);
    String secret = parsed.get("NEXTAUTH_SECRET").orElseThrow();
    assertThat(secret).hasSizeGreaterThanOrEqualTo(32);
    assertThat(written.substring(original.length())).isEqualTo("NEXTAUTH_SECRET=" + secret + "\n");
    assertThat(r.out()).contains("Generated NEXTAUTH_SECRET and wrote it to " + env,
        "All 5 variables are valid.", "not needed by this app: EXTRA_FLAG");
    assertThat(r.all()).doesNotContain(secret);

    CliRun again = CliRun.run("validate", "--config", Fixtures.scaffold(dir).toString(),
        "--env-file", env.toString(), "--generate-secrets");
    assertThat(again.exitCode()).isZero();
    assertThat(again.out()).contains("No secret to generate");
    assertThat(Files.readString(env)).isEqualTo(written);
  }

  @Test
  void validate_whenEnvFileMissing_exits2NamingIt() throws Exception {
    Path missing = dir.resolve("prod.env");

    CliRun r = CliRun.run("validate", "--config", Fixtures.scaffold(dir).toString(),
        "--env-file", missing.toString());

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("Env file " + missing + " does not exist",
        "deploykit detect --format env");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void validate_whenLineMalformed_exits2NamingFileAndLineButNotTheValue() throws Exception {
    Path env = Files.writeString(dir.resolve(".env"), String.join("\n",
        "# comment",
        "DATABASE_URL=" + Fixtures.DATABASE_URL,
        "ANTHROPIC_API_KEY=\"" + CANARY_KEY + "\" trailing",
        ""));

    CliRun r = CliRun.run("validate", "--config", Fixtures.scaffold(dir).toString(),
        "--env-file", env.toString());

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains(env + " line 3");
    assertThat(r.all()).doesNotContain("CANARY", Fixtures.DATABASE_URL);
  }

  @Test
  void validate_whenGenerateSecretsButFileMalformed_leavesTheFileAlone() throws Exception {
    String text = "DATABASE_URL=" + Fixtures.DATABASE_URL + "\nnot a line\n";
    Path env = Files.writeString(dir.resolve(".env"), text);

    CliRun r = CliRun.run("validate", "--config", Fixtures.scaffold(dir).toString(),
        "--env-file", env.toString(), "--generate-secrets");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains(env + " line 2");
    assertThat(Files.readString(env)).isEqualTo(text);
  }
}
