package dev.deploykit.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.deploykit.core.Deployment;
import dev.deploykit.core.DeploymentConfig;
import dev.deploykit.core.DeploymentOrchestrator;
import dev.deploykit.core.DeploymentStatus;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.GeneratedFile;
import dev.deploykit.core.ProgressUpdate;
import dev.deploykit.core.RetrySettings;
import dev.deploykit.env.EnvironmentVariable;
import dev.deploykit.temporal.internal.DeploymentWorkflowImpl;
import dev.deploykit.testing.InMemoryPlatform;
import dev.deploykit.testing.InMemoryPlatform.Operation;
import dev.deploykit.testing.RecordingProgressListener;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.WorkerFactoryOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TemporalDeploymentOrchestratorTest {
  private static final String QUEUE = "deploykit-test";
  private static final String TOKEN_CANARY = "tok-canary-7f3a91";
  private static final String SECRET_CANARY = "secret-canary-c0ffee";

  private TestWorkflowEnvironment env;
  private InMemoryPlatform platform;
  private DeploymentOrchestrator orchestrator;
  private TemporalDeploymentOrchestrator engine;

  private void start(Duration buildDuration, Duration timeout) {
    start(buildDuration, timeout, InMemoryPlatform.DEFAULT_BUILD_LOGS);
  }

  private void start(Duration buildDuration, Duration timeout, List<String> buildLogs) {
    platform = InMemoryPlatform.builder().buildDuration(buildDuration).buildLogs(buildLogs).build();
    orchestrator = DeploymentOrchestrator.builder()
        .discoverPlatforms(false)
        .platform(platform)
        .token("user-1", InMemoryPlatform.ID, "Bearer-" + TOKEN_CANARY)
        .deploymentTimeout(timeout)
        .pollInterval(Duration.ofSeconds(1), Duration.ofSeconds(5))
        .uploadRetry(new RetrySettings(3, Duration.ofMillis(10), Duration.ofMillis(40), 0.25,
            Duration.ofSeconds(5)))
        .build();
    env = TestWorkflowEnvironment.newInstance(environmentOptions());
    engine = TemporalDeploymentOrchestrator.create(orchestrator, env.getWorkflowClient(), QUEUE);
    DeploymentWorker worker = DeploymentWorker.register(env.newWorker(QUEUE), engine);
    assertThat(worker.taskQueue()).isEqualTo(QUEUE);
    env.start();
  }

  /** Every test ran with deploykit's debug logging on: none of it may hold the canaries. */
  @AfterAll
  static void logsHoldNoSecret() throws IOException {
    Path log = Path.of(System.getProperty("org.slf4j.simpleLogger.logFile", "target/test-logs.txt"));
    assertThat(log).exists();
    String text = Files.readString(log);
    assertThat(text).contains("started as a Temporal workflow")
        .doesNotContain(TOKEN_CANARY).doesNotContain(SECRET_CANARY);
  }

  @AfterEach
  void tearDown() {
    if (env != null) {
      env.close();
    }
    if (orchestrator != null) {
      orchestrator.close();
    }
    if (platform != null) {
      platform.close();
    }
  }

  private static TestEnvironmentOptions environmentOptions() {
    return TestEnvironmentOptions.newBuilder()
        .setWorkflowClientOptions(WorkflowClientOptions.newBuilder()
            .setDataConverter(TemporalDeploymentOrchestrator.dataConverter()).build())
        // No workflow cache: every workflow task replays the history from the start, as a
        // restarted worker would, so each test also proves the workflow deterministic.
        .setWorkerFactoryOptions(WorkerFactoryOptions.newBuilder().setWorkflowCacheSize(0).build())
        .build();
  }

  private static DeploymentConfig.Builder config(String name) {
    return DeploymentConfig.builder(name, InMemoryPlatform.ID)
        .files(List.of(GeneratedFile.text("index.html", "<h1>" + name + "</h1>"),
            GeneratedFile.text("package.json", "{\"name\":\"" + name + "\"}")))
        .environmentVariables(List.of(EnvironmentVariable.builder("API_KEY")
            .value(SECRET_CANARY).sensitive(true).build()))
        .verifyUrl(false);
  }

  @Test
  void deploy_whenEverythingWorks_endsSuccessAndHistoryHoldsNoSecret() {
    start(Duration.ofMillis(100), Duration.ofHours(1));

    Deployment d = engine.deploy(config("happy-app").build(), "user-1");

    assertThat(d.status()).isEqualTo(DeploymentStatus.SUCCESS);
    assertThat(d.deploymentUrl()).isNotBlank();
    assertThat(d.platformProjectId()).isNotBlank();
    assertThat(d.platformDeploymentId()).isNotBlank();
    assertThat(d.error()).isNull();
    assertThat(platform.projectNames()).containsExactly("happy-app");
    // The value reached the platform through an activity ...
    assertThat(platform.project("happy-app").orElseThrow().variables())
        .containsEntry("API_KEY", SECRET_CANARY);
    assertThat(platform.project("happy-app").orElseThrow().files()).hasSize(2);
    // ... but never went through the workflow's history, and neither did the token or the files.
    // Payloads are JSON bytes; the proto text form shows them as (escaped) text, so both what
    // must be there and what must not be are visible to the assertion.
    String history = env.getWorkflowClient().fetchHistory(d.id()).getEvents().stream()
        .map(Object::toString).collect(java.util.stream.Collectors.joining("\n"));
    assertThat(history).contains("API_KEY").contains(d.platformDeploymentId())
        .doesNotContain(SECRET_CANARY).doesNotContain(TOKEN_CANARY).doesNotContain("<h1>happy-app");
    assertThat(d.toString()).doesNotContain(SECRET_CANARY).doesNotContain(TOKEN_CANARY);
    assertThat(engine.find(d.id())).contains(d);
    assertThat(engine.config(d)).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(value = ErrorCode.class,
      names = {"AUTH_FAILED", "INSUFFICIENT_PERMISSIONS", "PROJECT_NAME_TAKEN", "INVALID_CONFIG"})
  void deploy_whenCreateProjectFailsNonRetryably_failsWithThatCodeAfterOneCall(ErrorCode code) {
    start(Duration.ofMillis(100), Duration.ofHours(1));
    platform.failAlways(Operation.CREATE_PROJECT, code);

    Deployment d = engine.deploy(config("bad-app").build(), "user-1");

    assertThat(d.status()).isEqualTo(DeploymentStatus.FAILED);
    assertThat(d.error()).isNotNull();
    assertThat(d.error().code()).isEqualTo(code);
    assertThat(d.error().message()).doesNotContain(TOKEN_CANARY).doesNotContain(SECRET_CANARY);
    assertThat(platform.calls(Operation.CREATE_PROJECT)).isEqualTo(1);
    assertThat(platform.calls(Operation.UPLOAD_FILES)).isZero();
  }

  @Test
  void deploy_whenTheBuildFails_failsBuildFailedWithoutRetrying() {
    start(Duration.ofMillis(100), Duration.ofHours(1));
    platform.failAlways(Operation.BUILD, ErrorCode.BUILD_FAILED);

    Deployment d = engine.deploy(config("broken-app").build(), "user-1");

    assertThat(d.status()).isEqualTo(DeploymentStatus.FAILED);
    assertThat(d.error().code()).isEqualTo(ErrorCode.BUILD_FAILED);
    assertThat(platform.calls(Operation.TRIGGER_DEPLOYMENT)).isEqualTo(1);
  }

  @Test
  void deploy_whenUploadFailsTwiceTemporarily_retriesAndSucceeds() {
    start(Duration.ofMillis(100), Duration.ofHours(1));
    platform.failTimes(Operation.UPLOAD_FILES, ErrorCode.PLATFORM_UNAVAILABLE, 2);

    Deployment d = engine.deploy(config("flaky-app").build(), "user-1");

    assertThat(d.status()).isEqualTo(DeploymentStatus.SUCCESS);
    assertThat(platform.calls(Operation.UPLOAD_FILES)).isEqualTo(3);
    assertThat(platform.calls(Operation.CREATE_PROJECT)).isEqualTo(1);
  }

  @Test
  void deploy_whenUploadStaysUnavailable_failsUploadFailedAfterEveryAttempt() {
    start(Duration.ofMillis(100), Duration.ofHours(1));
    platform.failAlways(Operation.UPLOAD_FILES, ErrorCode.PLATFORM_UNAVAILABLE);

    Deployment d = engine.deploy(config("down-app").build(), "user-1");

    assertThat(d.status()).isEqualTo(DeploymentStatus.FAILED);
    assertThat(d.error().code()).isEqualTo(ErrorCode.UPLOAD_FAILED);
    assertThat(d.error().message()).contains("4 attempts");
    assertThat(platform.calls(Operation.UPLOAD_FILES)).isEqualTo(4);
  }

  @Test
  void deploy_whenVariablesAreInvalid_failsInvalidConfigWithoutStartingAWorkflow() {
    start(Duration.ofMillis(100), Duration.ofHours(1));
    DeploymentConfig bad = config("bad-vars").environmentVariables(List.of(
        EnvironmentVariable.builder("DATABASE_URL").required(true).build())).build();

    Deployment d = engine.deploy(bad, "user-1");

    assertThat(d.status()).isEqualTo(DeploymentStatus.FAILED);
    assertThat(d.error().code()).isEqualTo(ErrorCode.INVALID_CONFIG);
    assertThat(engine.find(d.id())).isEmpty();
    assertThat(platform.calls(Operation.CREATE_PROJECT)).isZero();
  }

  @Test
  void cancel_duringTheBuild_endsCancelledAndCancelsTheBuildOnThePlatform() {
    start(Duration.ofMinutes(5), Duration.ofDays(30));
    CompletableFuture<Deployment> future = engine.deployAsync(config("slow-app").idempotencyKey("cancel-1").build(), "user-1");
    String id = awaitBuilding(TemporalDeploymentOrchestrator.idFor("cancel-1"));

    assertThat(engine.cancel(id)).isTrue();
    Deployment d = future.orTimeout(20, TimeUnit.SECONDS).join();

    assertThat(d.status()).isEqualTo(DeploymentStatus.CANCELLED);
    assertThat(platform.calls(Operation.CANCEL_DEPLOYMENT)).isEqualTo(1);
    assertThat(engine.cancel(id)).isFalse();
    assertThat(engine.cancel("dep_unknown")).isFalse();
  }

  @Test
  void deploy_whenTheBuildOutlastsTheTimeout_endsTimedOutOnTheDurableTimer() {
    start(Duration.ofMinutes(5), Duration.ofMinutes(10));

    CompletableFuture<Deployment> future =
        engine.deployAsync(config("slow-app").timeout(Duration.ofMinutes(10)).build(), "user-1");
    env.sleep(Duration.ofMinutes(11)); // skips the test server's clock past the durable timer

    Deployment d = future.orTimeout(20, TimeUnit.SECONDS).join();

    assertThat(d.status()).isEqualTo(DeploymentStatus.TIMED_OUT);
    assertThat(d.error().code()).isEqualTo(ErrorCode.TIMEOUT);
    assertThat(platform.calls(Operation.CANCEL_DEPLOYMENT)).isEqualTo(1);
  }

  @Test
  void replay_ofAHistoryTakenMidBuild_rebuildsTheWorkflowOnAFreshWorkerWithoutNonDeterminism()
      throws Exception {
    start(Duration.ofMinutes(5), Duration.ofDays(30));
    CompletableFuture<Deployment> future =
        engine.deployAsync(config("replay-app").idempotencyKey("replay-1").build(), "user-1");
    String id = awaitBuilding(TemporalDeploymentOrchestrator.idFor("replay-1"));

    // What a restarted worker does with a running deployment: rebuild its state from the history
    // alone. A non-deterministic workflow would make this throw.
    try (TestWorkflowEnvironment fresh = TestWorkflowEnvironment.newInstance(environmentOptions())) {
      WorkflowReplayer.replayWorkflowExecution(env.getWorkflowClient().fetchHistory(id), fresh,
          DeploymentWorkflowImpl.class);
    }

    assertThat(engine.cancel(id)).isTrue();
    assertThat(future.orTimeout(20, TimeUnit.SECONDS).join().status())
        .isEqualTo(DeploymentStatus.CANCELLED);
    assertThat(platform.calls(Operation.CREATE_PROJECT)).isEqualTo(1);
  }

  @Test
  void deployAsync_twiceWithOneIdempotencyKey_returnsTheRunningDeploymentThenItsSuccess() {
    start(Duration.ofSeconds(1), Duration.ofDays(30));
    DeploymentConfig cfg = config("once-app").idempotencyKey("order-42").build();

    CompletableFuture<Deployment> first = engine.deployAsync(cfg, "user-1");
    CompletableFuture<Deployment> second = engine.deployAsync(cfg, "user-1");
    Deployment a = first.orTimeout(30, TimeUnit.SECONDS).join();
    Deployment b = second.orTimeout(30, TimeUnit.SECONDS).join();
    Deployment c = engine.deploy(cfg, "user-1");

    assertThat(a.status()).isEqualTo(DeploymentStatus.SUCCESS);
    assertThat(a.id()).isEqualTo(TemporalDeploymentOrchestrator.idFor("order-42"));
    assertThat(b).isEqualTo(a);
    assertThat(c).isEqualTo(a);
    assertThat(platform.calls(Operation.CREATE_PROJECT)).isEqualTo(1);
    assertThat(platform.calls(Operation.TRIGGER_DEPLOYMENT)).isEqualTo(1);
    assertThat(platform.projectNames()).containsExactly("once-app");
  }

  @Test
  void deployAsync_withAListener_receivesEveryStepTheRedactedBuildLogAndTheEnd() {
    List<String> logs = List.of("Installing dependencies...", "API_KEY is " + SECRET_CANARY,
        "Authorization: Bearer-" + TOKEN_CANARY, "Build completed");
    start(Duration.ofMillis(200), Duration.ofHours(1), logs);
    RecordingProgressListener listener = new RecordingProgressListener();

    Deployment d = engine.deployAsync(config("watched-app").build(), "user-1", listener)
        .orTimeout(30, TimeUnit.SECONDS).join();
    ProgressUpdate end = listener.awaitTerminal(Duration.ofSeconds(10));

    assertThat(d.status()).isEqualTo(DeploymentStatus.SUCCESS);
    assertThat(listener.statuses()).containsExactly(DeploymentStatus.PENDING,
        DeploymentStatus.CREATING_PROJECT, DeploymentStatus.CONFIGURING,
        DeploymentStatus.UPLOADING, DeploymentStatus.BUILDING, DeploymentStatus.SUCCESS);
    assertThat(end.deploymentUrl()).isEqualTo(d.deploymentUrl());
    List<String> expected = List.of("Installing dependencies...", "API_KEY is ****",
        "Authorization: ****", "Build completed");
    // Every line once, in order, all before the end.
    assertThat(listener.logLines()).containsExactlyElementsOf(expected);
    assertThat(d.logTail()).containsExactlyElementsOf(expected);
    assertThat(engine.find(d.id())).contains(d);
    assertThat(listener.updates()).allSatisfy(u -> assertThat(u.toString())
        .doesNotContain(SECRET_CANARY).doesNotContain(TOKEN_CANARY));
    assertThat(d.toString()).doesNotContain(SECRET_CANARY).doesNotContain(TOKEN_CANARY);
  }

  @Test
  void deployAsync_withAListener_whenTheBuildFails_receivesTheFailure() {
    start(Duration.ofMillis(100), Duration.ofHours(1));
    platform.failAlways(Operation.BUILD, ErrorCode.BUILD_FAILED);
    RecordingProgressListener listener = new RecordingProgressListener();

    Deployment d = engine.deployAsync(config("broken-app").build(), "user-1", listener)
        .orTimeout(30, TimeUnit.SECONDS).join();
    ProgressUpdate end = listener.awaitTerminal(Duration.ofSeconds(10));

    assertThat(d.status()).isEqualTo(DeploymentStatus.FAILED);
    assertThat(end.status()).isEqualTo(DeploymentStatus.FAILED);
    assertThat(end.error().code()).isEqualTo(ErrorCode.BUILD_FAILED);
    assertThat(listener.sawStatus(DeploymentStatus.BUILDING)).isTrue();
    assertThat(listener.logLines()).isNotEmpty().last().asString().startsWith("Error:");
  }

  @Test
  void deployAsync_withAListener_whenTheConfigIsInvalid_receivesInvalidConfig() {
    start(Duration.ofMillis(100), Duration.ofHours(1));
    RecordingProgressListener listener = new RecordingProgressListener();
    DeploymentConfig bad = config("bad-vars").environmentVariables(List.of(
        EnvironmentVariable.builder("DATABASE_URL").required(true).build())).build();

    engine.deployAsync(bad, "user-1", listener).join();

    assertThat(listener.awaitTerminal(Duration.ofSeconds(10)).error().code())
        .isEqualTo(ErrorCode.INVALID_CONFIG);
    assertThat(listener.statuses()).containsExactly(DeploymentStatus.FAILED);
  }

  /** Waits until deployment {@code id} builds on the platform; returns its id. */
  private String awaitBuilding(String id) {
    await().atMost(Duration.ofSeconds(20)).until(() -> platform.calls(Operation.TRIGGER_DEPLOYMENT) >= 1
        && engine.find(id).map(d -> d.status() == DeploymentStatus.BUILDING
            && d.platformDeploymentId() != null).orElse(false));
    return id;
  }
}
