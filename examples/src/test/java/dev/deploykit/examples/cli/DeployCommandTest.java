package dev.deploykit.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deploykit.core.DeploymentTarget;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.testing.InMemoryPlatform;
import dev.deploykit.testing.InMemoryPlatform.Operation;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeployCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CANARY = "CANARY-tok-5f1e9a7c3b";

  @TempDir Path dir;

  private InMemoryPlatform memory;
  private CliEnvironment env;

  @BeforeEach
  void setUp() {
    memory = InMemoryPlatform.builder().buildDuration(Duration.ofMillis(60)).build();
    env = CliRun.withSetup(b -> b.platform(memory));
  }

  @AfterEach
  void tearDown() {
    memory.close();
  }

  private CliRun deploy(String... args) {
    List<String> all = new ArrayList<>(List.of("deploy"));
    all.addAll(List.of(args));
    return CliRun.run(env, all.toArray(String[]::new));
  }

  private String[] fromConfig(String... more) throws Exception {
    List<String> args = new ArrayList<>(List.of("--platform", "memory", "--name", "my-app",
        "--config", Fixtures.scaffold(dir).toString(),
        "--env-file", Fixtures.completeEnv(dir).toString(), "--no-verify"));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  // ---- success -----------------------------------------------------------------------------

  @Test
  void deploy_whenConfigAndEnvFile_deploysEveryVariableAndExits0() throws Exception {
    CliRun r = deploy(fromConfig());

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("Deploying my-app to memory (production) from", "with 5 variables")
        .containsPattern("(?m)^\\[ *\\d+\\.\\ds\\] CREATING_PROJECT +Creating project my-app")
        .containsPattern("(?m)^\\[ *\\d+\\.\\ds\\] UPLOADING +Uploaded \\d+ of \\d+ files"
            + " \\(\\d+/\\d+ files, .* of .*\\)")
        .contains("    | Build completed", "Live at http://my-app.memory.localhost/");
    assertThat(r.err()).isEmpty();
    InMemoryPlatform.ProjectState project = memory.project("my-app").orElseThrow();
    assertThat(project.variables()).containsEntry("DATABASE_URL", Fixtures.DATABASE_URL)
        .containsEntry("ANTHROPIC_API_KEY", Fixtures.ANTHROPIC_KEY)
        .containsEntry("NEXTAUTH_SECRET", Fixtures.NEXTAUTH_SECRET);
    assertThat(project.files()).containsKeys("package.json", "app/page.tsx");
    assertThat(r.all()).doesNotContain(Fixtures.DATABASE_URL, Fixtures.ANTHROPIC_KEY,
        Fixtures.NEXTAUTH_SECRET);
  }

  @Test
  void deploy_whenDir_deploysTheFolderAndEveryVariableOfTheEnvFile() throws Exception {
    Path site = Fixtures.site(dir);
    Path envFile = Files.writeString(dir.resolve("site.env"), "API_BASE=https://api.example.com\n"
        + "NEXT_PUBLIC_TITLE=Hello\n");

    CliRun r = deploy("--platform", "memory", "--name", "site", "--dir", site.toString(),
        "--env-file", envFile.toString(), "--no-verify", "--preview");

    assertThat(r.exitCode()).as(r.err()).isZero();
    InMemoryPlatform.ProjectState project = memory.project("site").orElseThrow();
    assertThat(project.files()).containsOnlyKeys("index.html", "about.html");
    assertThat(project.variables()).isEqualTo(Map.of("API_BASE", "https://api.example.com",
        "NEXT_PUBLIC_TITLE", "Hello"));
    String deploymentId = project.deploymentIds().get(0);
    assertThat(memory.deployment(deploymentId).orElseThrow().target())
        .isEqualTo(DeploymentTarget.PREVIEW);
    assertThat(r.out()).contains("(preview) from folder " + site, "Live at http://site-mem-");
    assertThat(r.out()).doesNotContain("https://api.example.com");
  }

  @Test
  void deploy_whenJson_printsOneObjectPerUpdateThenTheResult() throws Exception {
    CliRun r = deploy(fromConfig("--json"));

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : r.out().split("\n")) {
      lines.add(JSON.readTree(line));
    }
    JsonNode result = lines.get(lines.size() - 1);
    List<JsonNode> progress = lines.subList(0, lines.size() - 1);
    assertThat(progress).isNotEmpty()
        .allSatisfy(n -> assertThat(n.get("type").asText()).isEqualTo("progress"));
    long previous = 0;
    for (JsonNode n : progress) {
      assertThat(n.get("sequence").asLong()).isGreaterThan(previous);
      previous = n.get("sequence").asLong();
    }
    assertThat(progress).filteredOn(n -> n.has("upload")).isNotEmpty().allSatisfy(n -> {
      assertThat(n.get("status").asText()).isEqualTo("UPLOADING");
      assertThat(n.get("upload").get("filesTotal").asInt()).isPositive();
      assertThat(n.get("upload").get("bytesTotal").asLong()).isPositive();
    });
    assertThat(progress).anySatisfy(n ->
        assertThat(n.get("logLines").toString()).contains("Build completed"));
    assertThat(progress.get(progress.size() - 1).get("status").asText()).isEqualTo("SUCCESS");
    assertThat(result.get("type").asText()).isEqualTo("result");
    assertThat(result.get("exitCode").asInt()).isZero();
    assertThat(result.get("status").asText()).isEqualTo("SUCCESS");
    assertThat(result.get("deploymentUrl").asText()).isEqualTo("http://my-app.memory.localhost/");
    assertThat(result.get("deploymentId").asText())
        .isEqualTo(progress.get(0).get("deploymentId").asText());
    assertThat(result.has("error")).isFalse();
  }

  @Test
  void deploy_whenTerminal_drawsALiveBarAndPlainForcesLines() throws Exception {
    CliEnvironment terminal = new CliEnvironment(true, CliRun.FAST.andThen(b -> b.platform(memory)));

    CliRun bar = CliRun.run(terminal, prepend("deploy", fromConfig()));
    CliRun plain = CliRun.run(terminal, prepend("deploy", fromConfig("--plain")));

    assertThat(bar.exitCode()).isZero();
    assertThat(bar.out()).contains(TerminalProgress.CLEAR_LINE, "/6 UPLOADING",
        "6/6 BUILDING", "files, ", "    | Build completed", "Live at ");
    assertThat(plain.exitCode()).isZero();
    assertThat(plain.out()).doesNotContain("\u001b", "\r").contains("    | Build completed");
  }

  // ---- failures ----------------------------------------------------------------------------

  @Test
  void deploy_whenBuildFails_exits1AndPrintsTheRecoveryPlan() throws Exception {
    memory.failAlways(Operation.BUILD, ErrorCode.BUILD_FAILED);

    CliRun r = deploy(fromConfig());

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("Deployment FAILED: BUILD_FAILED: ", "What to do (")
        .containsPattern("(?m)^  - .+");
    assertThat(r.out()).doesNotContain("Live at");
  }

  @Test
  void deploy_whenBuildFailsWithJson_putsErrorAndPlanInTheResult() throws Exception {
    memory.failAlways(Operation.BUILD, ErrorCode.BUILD_FAILED);

    CliRun r = deploy(fromConfig("--json"));

    assertThat(r.exitCode()).isEqualTo(1);
    String[] lines = r.out().split("\n");
    JsonNode result = JSON.readTree(lines[lines.length - 1]);
    assertThat(result.get("exitCode").asInt()).isEqualTo(1);
    assertThat(result.get("status").asText()).isEqualTo("FAILED");
    assertThat(result.get("error").get("code").asText()).isEqualTo("BUILD_FAILED");
    assertThat(result.get("recoveryPlan").get("action").asText()).isNotBlank();
    assertThat(result.get("recoveryPlan").get("suggestions").size()).isPositive();
  }

  @Test
  void deploy_whenTimeoutPasses_exits3() throws Exception {
    memory.delay(Operation.BUILD, Duration.ofSeconds(30));

    CliRun r = deploy(fromConfig("--timeout", "400ms"));

    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.err()).contains("Deployment TIMED_OUT: TIMEOUT: ", "did not finish within");
  }

  @Test
  void deploy_whenFailedWithZipFallback_writesTheFilesToTheArchive() throws Exception {
    memory.failAlways(Operation.BUILD, ErrorCode.BUILD_FAILED);
    Path zip = dir.resolve("out/my-app.zip");

    CliRun r = deploy(fromConfig("--fallback", "zip=" + zip));

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(zipEntries(zip)).contains("package.json", "app/page.tsx", ".env.example");
    assertThat(r.err()).contains("Fallback ZIP: " + zip.toUri());
    String zipped = new String(Files.readAllBytes(zip), StandardCharsets.ISO_8859_1);
    assertThat(zipped).doesNotContain(Fixtures.ANTHROPIC_KEY);
  }

  @Test
  void deploy_whenTokenMissingBeforeFilesExist_zipFallbackPreparesThemItself() throws Exception {
    RecordingProvider rec = new RecordingProvider(memory);
    Path site = Fixtures.site(dir);
    Path zip = dir.resolve("site.zip");

    CliRun r = CliRun.run(CliRun.withSetup(b -> b.platform(rec)), "deploy", "--platform", "rec",
        "--name", "site", "--dir", site.toString(), "--fallback", "zip=" + zip, "--json");

    assertThat(r.exitCode()).isEqualTo(1);
    String[] lines = r.out().split("\n");
    JsonNode result = JSON.readTree(lines[lines.length - 1]);
    assertThat(result.get("error").get("code").asText()).isEqualTo("AUTH_FAILED");
    assertThat(result.get("error").get("message").asText()).contains("REC_TOKEN");
    assertThat(result.get("fallback").get("option").asText()).isEqualTo("ZIP");
    assertThat(zipEntries(zip)).containsExactlyInAnyOrder("index.html", "about.html");
  }

  @Test
  void deploy_whenGithubFallbackCannotRun_saysWhyAndStillExits1() throws Exception {
    memory.failAlways(Operation.BUILD, ErrorCode.BUILD_FAILED);

    CliRun r = deploy(fromConfig("--fallback", "github"));

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).containsPattern("Fallback failed: [A-Z_]+: .+");
  }

  // ---- bad input ---------------------------------------------------------------------------

  @Test
  void deploy_whenUnknownPlatform_exits2ListingTheInstalledIds() throws Exception {
    CliRun r = CliRun.run(prepend("deploy", "--platform", "nope", "--name", "my-app",
        "--config", Fixtures.scaffold(dir).toString()));

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("Unknown platform 'nope'. Installed platforms: ")
        .contains("memory", "dev.deploykit:deploy-platform-nope");
  }

  @Test
  void deploy_whenUnknownPlatformWithJson_printsABadInputResult() throws Exception {
    CliRun r = deploy("--platform", "nope", "--name", "my-app",
        "--config", Fixtures.scaffold(dir).toString(), "--json");

    assertThat(r.exitCode()).isEqualTo(2);
    JsonNode result = JSON.readTree(r.out());
    assertThat(result.get("type").asText()).isEqualTo("result");
    assertThat(result.get("exitCode").asInt()).isEqualTo(2);
    assertThat(result.get("error").get("message").asText()).contains("Unknown platform 'nope'");
  }

  @Test
  void deploy_whenVariablesInvalid_exits2ListingEveryProblemWithoutDeploying() throws Exception {
    Path envFile = Files.writeString(dir.resolve(".env"),
        "DATABASE_URL=mysql://u:" + CANARY + "@localhost/db\nANTHROPIC_API_KEY=sk-ant-" + CANARY + "\n");

    CliRun r = deploy("--platform", "memory", "--name", "my-app",
        "--config", Fixtures.scaffold(dir).toString(), "--env-file", envFile.toString());

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("3 environment variables are not ready, so nothing was deployed",
        "  DATABASE_URL: ", "  NEXTAUTH_SECRET: ", "  ANTHROPIC_API_KEY: ", "--generate-secrets");
    assertThat(r.all()).doesNotContain(CANARY);
    assertThat(memory.calls(Operation.CREATE_PROJECT)).isZero();
  }

  @Test
  void deploy_whenConfigWithoutEnvFile_exits2AskingForIt() throws Exception {
    CliRun r = deploy("--platform", "memory", "--name", "my-app",
        "--config", Fixtures.scaffold(dir).toString());

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("Give their values with --env-file .env");
  }

  @Test
  void deploy_whenEnvFileMissing_exits2NamingIt() throws Exception {
    Path missing = dir.resolve("missing.env");

    CliRun r = deploy("--platform", "memory", "--name", "my-app",
        "--config", Fixtures.scaffold(dir).toString(), "--env-file", missing.toString());

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("Env file " + missing + " does not exist");
  }

  @Test
  void deploy_whenEnvLineMalformed_exits2NamingFileAndLine() throws Exception {
    Path envFile = Files.writeString(dir.resolve(".env"), "# ok\n\nDATABASE_URL " + CANARY + "\n");

    CliRun r = deploy("--platform", "memory", "--name", "my-app",
        "--config", Fixtures.scaffold(dir).toString(), "--env-file", envFile.toString());

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains(envFile + " line 3");
    assertThat(r.all()).doesNotContain(CANARY);
  }

  @Test
  void deploy_whenDirMissing_exits2() {
    Path missing = dir.resolve("nope");

    CliRun r = deploy("--platform", "memory", "--name", "site", "--dir", missing.toString());

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("Folder " + missing + " does not exist");
  }

  @Test
  void deploy_whenSourceMissingOrDoubled_exits2() throws Exception {
    CliRun none = deploy("--platform", "memory", "--name", "x");
    CliRun both = deploy("--platform", "memory", "--name", "x",
        "--config", Fixtures.scaffold(dir).toString(), "--dir", dir.toString());

    assertThat(none.exitCode()).isEqualTo(2);
    assertThat(none.err()).contains("--config", "--dir", "deploykit deploy --help");
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err()).contains("mutually exclusive");
  }

  @Test
  void deploy_whenOptionValuesAreWrong_exits2NamingTheOption() throws Exception {
    String config = Fixtures.scaffold(dir).toString();
    String[] base = {"--platform", "memory", "--name", "x", "--config", config};

    assertThat(deploy(append(base, "--timeout", "soon")).err())
        .contains("--timeout", "'soon' is not a duration");
    assertThat(deploy(append(base, "--timeout", "0s")).exitCode()).isEqualTo(2);
    CliRun fallback = deploy(append(base, "--fallback", "ftp"));
    assertThat(fallback.exitCode()).isEqualTo(2);
    assertThat(fallback.err()).contains("--fallback", "zip=<file.zip>, zip", "github");
    CliRun set = deploy(append(base, "--set", "apiUrl=http://localhost"));
    assertThat(set.exitCode()).isEqualTo(2);
    assertThat(set.err()).contains("--set apiUrl", "<platform id>.<name>");
    assertThat(deploy(append(base, "--set", "memory.apiUrl")).exitCode()).isEqualTo(2);
    assertThat(deploy(append(base, "--prod", "--preview")).exitCode()).isEqualTo(2);
    assertThat(deploy(append(base, "--no-such-option")).exitCode()).isEqualTo(2);
  }

  // ---- tokens and settings -----------------------------------------------------------------

  @Test
  void deploy_whenTokenFileAndSettings_passesThemToThePlatformOnly() throws Exception {
    RecordingProvider rec = new RecordingProvider(memory);
    Path tokenFile = Files.writeString(dir.resolve("token"), "  " + CANARY + "\n");
    Path site = Fixtures.site(dir);

    CapturedLogs logs = CapturedLogs.start();
    CliRun r;
    try {
      r = CliRun.run(CliRun.withSetup(b -> b.platform(rec)), "deploy", "--platform", "rec",
          "--name", "site", "--dir", site.toString(), "--token-file", tokenFile.toString(),
          "--set", "rec.apiUrl=http://127.0.0.1:9/api", "--set", "rec.teamId=team_1",
          "--set", "other.key=ignored", "--no-verify", "--json");
    } finally {
      logs.stop();
    }

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(rec.contexts).hasSize(1);
    assertThat(rec.contexts.get(0).credentials().token()).isEqualTo(CANARY);
    assertThat(rec.contexts.get(0).settings())
        .isEqualTo(Map.of("apiUrl", "http://127.0.0.1:9/api", "teamId", "team_1"));
    assertThat(r.all()).doesNotContain(CANARY);
    assertThat(logs.text()).doesNotContain(CANARY);
  }

  @Test
  void deploy_whenPlatformRefusesTheToken_neverPrintsIt() throws Exception {
    RecordingProvider rec = new RecordingProvider(memory);
    memory.failAlways(Operation.CREATE_PROJECT, ErrorCode.AUTH_FAILED);
    Path tokenFile = Files.writeString(dir.resolve("token"), CANARY);

    CapturedLogs logs = CapturedLogs.start();
    CliRun plain;
    CliRun json;
    try {
      String[] args = {"deploy", "--platform", "rec", "--name", "site", "--dir",
          Fixtures.site(dir).toString(), "--token-file", tokenFile.toString()};
      plain = CliRun.run(CliRun.withSetup(b -> b.platform(rec)), args);
      json = CliRun.run(CliRun.withSetup(b -> b.platform(rec)), append(args, "--json"));
    } finally {
      logs.stop();
    }

    assertThat(plain.exitCode()).isEqualTo(1);
    assertThat(plain.err()).contains("AUTH_FAILED", "What to do (");
    assertThat(json.exitCode()).isEqualTo(1);
    assertThat(plain.all() + json.all() + logs.text()).doesNotContain(CANARY);
  }

  @Test
  void deploy_whenTokenGivenOnTheCommandLine_refusesWithoutEchoingIt() {
    CliRun spaced = deploy("--platform", "memory", "--name", "x", "--token", CANARY);
    CliRun joined = deploy("--platform", "memory", "--name", "x", "--token=" + CANARY);

    for (CliRun r : List.of(spaced, joined)) {
      assertThat(r.exitCode()).isEqualTo(2);
      assertThat(r.err()).contains("tokens are not accepted on the command line", "--token-file",
          "VERCEL_TOKEN");
      assertThat(r.all()).doesNotContain(CANARY);
    }
  }

  @Test
  void deploy_whenTokenFileHoldsMoreThanAToken_exits2WithoutQuotingIt() throws Exception {
    Path twoLines = Files.writeString(dir.resolve("token"), CANARY + "\nsecond line\n");
    Path empty = Files.writeString(dir.resolve("empty"), "\n");
    Path missing = dir.resolve("missing");

    CliRun r = deploy("--platform", "memory", "--name", "site", "--dir", dir.toString(),
        "--token-file", twoLines.toString());

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("Token file " + twoLines + " holds more than the token");
    assertThat(r.all()).doesNotContain(CANARY);
    assertThat(deploy("--platform", "memory", "--name", "site", "--dir", dir.toString(),
        "--token-file", empty.toString()).err()).contains("is empty");
    assertThat(deploy("--platform", "memory", "--name", "site", "--dir", dir.toString(),
        "--token-file", missing.toString()).err()).contains("does not exist");
  }

  // ---- helpers -----------------------------------------------------------------------------

  private static List<String> zipEntries(Path zip) throws Exception {
    List<String> names = new ArrayList<>();
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        names.add(e.getName());
      }
    }
    return names;
  }

  private static String[] prepend(String first, String... rest) {
    List<String> all = new ArrayList<>(List.of(first));
    all.addAll(List.of(rest));
    return all.toArray(String[]::new);
  }

  private static String[] append(String[] base, String... more) {
    List<String> all = new ArrayList<>(List.of(base));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  /** Captures what SLF4J simple (and anything else) writes to System.err. */
  static final class CapturedLogs {
    private final PrintStream original;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    private CapturedLogs() {
      original = System.err;
      System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    }

    static CapturedLogs start() {
      return new CapturedLogs();
    }

    void stop() {
      System.setErr(original);
    }

    String text() {
      return bytes.toString(StandardCharsets.UTF_8);
    }
  }
}
