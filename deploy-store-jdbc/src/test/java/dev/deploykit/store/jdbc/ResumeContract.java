package dev.deploykit.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.deploykit.core.Deployment;
import dev.deploykit.core.DeploymentConfig;
import dev.deploykit.core.DeploymentOrchestrator;
import dev.deploykit.core.DeploymentStatus;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.GeneratedFile;
import dev.deploykit.core.ProgressUpdate;
import dev.deploykit.core.spi.DeploymentCheckpoint;
import dev.deploykit.core.spi.DeploymentStore;
import dev.deploykit.env.EnvironmentVariable;
import dev.deploykit.testing.InMemoryPlatform;
import dev.deploykit.testing.InMemoryPlatform.Operation;
import dev.deploykit.testing.RecordingProgressListener;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Restarts simulated in one JVM: orchestrator A writes to the database until a condition holds,
 * then its writes stop (as if its JVM died) and it is closed; orchestrator B, on the same database
 * and the same in-memory platform, resumes. The crash test does the same with a real SIGKILL.
 */
abstract class ResumeContract {
  static final String CANARY = "Cnry5RsmQ";
  static final String TOKEN = "mem_tok_" + CANARY + "_secret";
  static final String SECRET = "postgres://app:" + CANARY + "Pw@db.example/app";
  static final List<String> LOGS = List.of("step 1", "step 2", "step 3", "step 4", "step 5");

  ScheduledExecutorService scheduler;
  InMemoryPlatform platform;
  JdbcDeploymentStore store;
  final List<DeploymentOrchestrator> orchestrators = new ArrayList<>();

  abstract JdbcDeploymentStore newStore();

  @BeforeEach
  void setUp() {
    // Shared, so that the platform's simulated builds outlive orchestrator A.
    scheduler = Executors.newScheduledThreadPool(2);
    platform = InMemoryPlatform.builder().buildDuration(Duration.ofMillis(600)).buildLogs(LOGS).build();
    // A's close() must not cancel the build B is to follow.
    platform.failAlways(Operation.CANCEL_DEPLOYMENT, ErrorCode.PLATFORM_UNAVAILABLE);
    store = newStore();
  }

  @AfterEach
  void tearDown() {
    orchestrators.forEach(DeploymentOrchestrator::close);
    if (store != null) {
      store.close();
    }
    platform.close();
    scheduler.shutdownNow();
  }

  DeploymentOrchestrator orchestrator(DeploymentStore s) {
    DeploymentOrchestrator o = DeploymentOrchestrator.builder()
        .discoverPlatforms(false)
        .platform(platform)
        .token("user-1", InMemoryPlatform.ID, TOKEN)
        .store(s)
        .scheduler(scheduler)
        .pollInterval(Duration.ofMillis(20), Duration.ofMillis(50))
        .deploymentTimeout(Duration.ofSeconds(20))
        .build();
    orchestrators.add(o);
    return o;
  }

  static List<GeneratedFile> files() {
    return List.of(GeneratedFile.text("index.html", "<h1>hello</h1>\n"),
        GeneratedFile.text("app.js", "console.log('hi')\n"));
  }

  static DeploymentConfig config(String key) {
    return DeploymentConfig.builder("resumed-app", InMemoryPlatform.ID).files(files())
        .environmentVariables(List.of(
            EnvironmentVariable.builder("DATABASE_URL").value(SECRET).sensitive(true).build(),
            EnvironmentVariable.builder("LOG_LEVEL").value("info").build()))
        .idempotencyKey(key).verifyUrl(false).build();
  }

  /** Runs a deployment on A until {@code crashAfter} holds for the database, then "kills" A. */
  Deployment crashAfter(Predicate<DeploymentStore> crashAfter, String key) {
    FreezingStore freezing = new FreezingStore(store, crashAfter);
    DeploymentOrchestrator a = orchestrator(freezing);
    CompletableFuture<Deployment> f = a.deployAsync(config(key), "user-1");
    await().atMost(Duration.ofSeconds(10)).until(freezing::frozen);
    a.close();
    f.join();
    Deployment stored = store.findByIdempotencyKey(key).orElseThrow();
    assertThat(stored.isTerminal()).as("A's end is not recorded").isFalse();
    return stored;
  }

  static Predicate<DeploymentStore> building(int logLines) {
    return s -> s.findUnfinished().stream().anyMatch(d -> d.status() == DeploymentStatus.BUILDING
        && d.platformDeploymentId() != null && s.logLines(d.id()).size() >= logLines);
  }

  @Test
  void resume_whenTheBuildHadStarted_followsItToSuccessOnce_withoutLosingOrRepeatingLogLines() {
    Deployment stored = crashAfter(building(2), "key-building");
    int createsBefore = platform.calls(Operation.CREATE_PROJECT);
    int triggersBefore = platform.calls(Operation.TRIGGER_DEPLOYMENT);

    DeploymentOrchestrator b = orchestrator(store);
    RecordingProgressListener listener = new RecordingProgressListener();
    List<CompletableFuture<Deployment>> resumed = b.resume();
    b.subscribe(stored.id(), listener);

    assertThat(resumed).hasSize(1);
    Deployment d = resumed.get(0).join();
    assertThat(d.status()).as("error: %s", d.error()).isEqualTo(DeploymentStatus.SUCCESS);
    assertThat(d.id()).isEqualTo(stored.id());
    assertThat(d.platformDeploymentId()).isEqualTo(stored.platformDeploymentId());
    assertThat(d.deploymentUrl()).isNotBlank();
    assertThat(platform.calls(Operation.CREATE_PROJECT)).isEqualTo(createsBefore).isEqualTo(1);
    assertThat(platform.calls(Operation.TRIGGER_DEPLOYMENT)).isEqualTo(triggersBefore).isEqualTo(1);
    assertThat(platform.projectNames()).containsExactly("resumed-app");
    assertThat(store.logLines(d.id())).containsExactlyElementsOf(LOGS);
    assertThat(d.logTail()).containsExactlyElementsOf(LOGS);
    assertThat(store.find(d.id()).orElseThrow()).satisfies(saved -> {
      assertThat(saved.status()).isEqualTo(DeploymentStatus.SUCCESS);
      assertThat(saved.deploymentUrl()).isEqualTo(d.deploymentUrl());
      assertThat(saved.logTail()).isEqualTo(d.logTail());
    });
    assertThat(store.findUnfinished()).isEmpty();
    assertThat(store.findCheckpoint(d.id())).map(DeploymentCheckpoint::step)
        .contains(DeploymentStatus.SUCCESS);
  }

  @Test
  void resume_whenInterruptedDuringTheUpload_withItsConfig_reusesTheProjectAndRedoesTheUpload() {
    Deployment stored = crashAfter(s -> s.findUnfinished().stream()
        .anyMatch(d -> d.status() == DeploymentStatus.UPLOADING), "key-upload");
    assertThat(stored.platformProjectId()).isNotNull();
    assertThat(stored.platformDeploymentId()).isNull();
    // Whatever A's upload did goes on in memory; B must not rely on it.
    int uploadsBefore = platform.calls(Operation.UPLOAD_FILES);

    DeploymentOrchestrator b = orchestrator(store);
    List<CompletableFuture<Deployment>> resumed = b.resume(d -> d.idempotencyKey() != null
        && d.idempotencyKey().equals("key-upload") ? Optional.of(config("key-upload")) : Optional.empty());

    Deployment d = resumed.get(0).join();
    assertThat(d.status()).as("error: %s", d.error()).isEqualTo(DeploymentStatus.SUCCESS);
    assertThat(d.id()).isEqualTo(stored.id());
    assertThat(d.platformProjectId()).isEqualTo(stored.platformProjectId());
    assertThat(platform.calls(Operation.CREATE_PROJECT)).isEqualTo(1);
    assertThat(platform.calls(Operation.UPLOAD_FILES)).isEqualTo(uploadsBefore + 1);
    assertThat(platform.projectNames()).containsExactly("resumed-app");
    assertThat(platform.project("resumed-app").orElseThrow().variables())
        .containsEntry("DATABASE_URL", SECRET);
    assertThat(b.progress().history(d.id())).map(ProgressUpdate::message)
        .anySatisfy(m -> assertThat(m).startsWith("Reusing project resumed-app"));
  }

  @Test
  void resume_whenInterruptedBeforeTheBuild_withoutAConfig_endsFailedSayingHowToDeployAgain() {
    Deployment stored = crashAfter(s -> s.findUnfinished().stream()
        .anyMatch(d -> d.status() == DeploymentStatus.CONFIGURING), "key-config");

    DeploymentOrchestrator b = orchestrator(store);
    Deployment d = b.resume().get(0).join();

    assertThat(d.status()).isEqualTo(DeploymentStatus.FAILED);
    assertThat(d.error().code()).isEqualTo(ErrorCode.INVALID_CONFIG);
    assertThat(d.error().message()).contains(stored.id()).contains("resume(configs)")
        .contains("idempotency key key-config").contains("is reused, not created again");
    assertThat(store.find(d.id()).orElseThrow().status()).isEqualTo(DeploymentStatus.FAILED);
    assertThat(store.findUnfinished()).isEmpty();
  }

  @Test
  void deploy_withTheIdempotencyKeyOfADeploymentARestartInterrupted_continuesIt_andLaterReturnsIt() {
    Deployment stored = crashAfter(building(0), "key-again");
    DeploymentOrchestrator b = orchestrator(store);

    Deployment d = b.deploy(config("key-again"), "user-1");
    int triggers = platform.calls(Operation.TRIGGER_DEPLOYMENT);
    Deployment again = b.deploy(config("key-again"), "user-1");

    assertThat(d.status()).as("error: %s", d.error()).isEqualTo(DeploymentStatus.SUCCESS);
    assertThat(d.id()).isEqualTo(stored.id());
    assertThat(platform.calls(Operation.CREATE_PROJECT)).isEqualTo(1);
    assertThat(triggers).isEqualTo(1);
    assertThat(again.id()).isEqualTo(d.id());
    assertThat(platform.calls(Operation.TRIGGER_DEPLOYMENT)).isEqualTo(1);
  }

  @Test
  void store_neverHoldsATokenOrASensitiveValue() throws SQLException {
    crashAfter(building(1), "key-secret");
    DeploymentOrchestrator b = orchestrator(store);
    b.resume().forEach(CompletableFuture::join);
    b.deploy(config("key-secret-2"), "user-1");

    List<String> everything = dump();
    assertThat(everything).isNotEmpty();
    assertThat(everything).noneMatch(v -> v.contains(CANARY));
    assertThat(String.join("\n", everything)).contains("DATABASE_URL");
  }

  /** Every text value in deploykit's tables. */
  abstract List<String> dump() throws SQLException;

  static List<String> dump(Connection c) throws SQLException {
    List<String> out = new ArrayList<>();
    for (String table : List.of("deploykit_deployment", "deploykit_checkpoint", "deploykit_log_line")) {
      try (ResultSet rs = c.createStatement().executeQuery("SELECT * FROM " + table)) {
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          for (int i = 1; i <= n; i++) {
            Object v = rs.getObject(i);
            if (v != null) {
              out.add(v.toString());
            }
          }
        }
      }
    }
    return out;
  }
}
