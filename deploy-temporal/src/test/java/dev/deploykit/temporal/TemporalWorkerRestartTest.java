package dev.deploykit.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.deploykit.core.Deployment;
import dev.deploykit.core.DeploymentConfig;
import dev.deploykit.core.DeploymentOrchestrator;
import dev.deploykit.core.DeploymentStatus;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.GeneratedFile;
import dev.deploykit.core.RetrySettings;
import dev.deploykit.core.spi.BuildState;
import dev.deploykit.env.EnvironmentVariable;
import dev.deploykit.testing.InMemoryPlatform;
import dev.deploykit.testing.InMemoryPlatform.Operation;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Workers that stop and start under a running deployment, and cancels that race a step. */
class TemporalWorkerRestartTest {
  private static final String QUEUE = "deploykit-restart-test";
  private static final String TOKEN_CANARY = "tok-canary-restart-5d2e";
  private static final String SECRET_CANARY = "secret-canary-restart-b0b";

  /**
   * Workers without a sticky queue. A worker that completes a workflow task normally asks the
   * server to send that workflow's next tasks to its own sticky queue; a real server moves them to
   * the shared queue when the sticky queue goes unpolled for its schedule-to-start timeout (5 s by
   * default), but Temporal's in-process test server (1.31.0) has no such fallback and no
   * ResetStickyTaskQueue: the workflow would wait for the dead worker for ever. A zero timeout
   * makes the SDK send no sticky attributes, so every workflow task goes to the shared queue,
   * where whichever worker is alive takes it.
   */
  private static final WorkerOptions NOT_STICKY = WorkerOptions.newBuilder()
      .setStickyQueueScheduleToStartTimeout(Duration.ZERO).build();

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private TestWorkflowEnvironment env;
  private InMemoryPlatform platform;

  @AfterEach
  void tearDown() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  private void startEnvironment(Duration buildDuration) {
    platform = InMemoryPlatform.builder().buildDuration(buildDuration).build();
    closeables.add(platform);
    env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
        .setWorkflowClientOptions(WorkflowClientOptions.newBuilder()
            .setDataConverter(TemporalDeploymentOrchestrator.dataConverter()).build())
        .build());
    closeables.add(env);
  }

  /** An orchestrator (one per simulated machine) whose platform is {@code gated}. */
  private DeploymentOrchestrator orchestrator(GatedPlatform gated) {
    DeploymentOrchestrator o = DeploymentOrchestrator.builder()
        .discoverPlatforms(false)
        .platform(gated)
        .token("user-1", InMemoryPlatform.ID, "Bearer-" + TOKEN_CANARY)
        .deploymentTimeout(Duration.ofDays(1))
        .pollInterval(Duration.ofMillis(100), Duration.ofMillis(200))
        .uploadRetry(new RetrySettings(3, Duration.ofMillis(10), Duration.ofMillis(40), 0.25,
            Duration.ofSeconds(5)))
        .build();
    closeables.add(o);
    return o;
  }

  private static DeploymentConfig config(String name, String key) {
    return DeploymentConfig.builder(name, InMemoryPlatform.ID)
        .files(List.of(GeneratedFile.text("index.html", "<h1>" + name + "</h1>")))
        .environmentVariables(List.of(EnvironmentVariable.builder("API_KEY")
            .value(SECRET_CANARY).sensitive(true).build()))
        .idempotencyKey(key)
        .verifyUrl(false)
        .build();
  }

  @Test
  void workerRestart_midBuild_newWorkerFollowsTheBuildToSuccessWithoutRedoingAStep()
      throws Exception {
    startEnvironment(Duration.ofMillis(50));
    GatedPlatform first = new GatedPlatform(platform).holdBuild();
    GatedPlatform second = new GatedPlatform(platform);
    // The second machine's build gate is the first's: the build "ends" when the test says.
    second.buildGate = first.buildGate;
    DeploymentOrchestrator machine1 = orchestrator(first);
    DeploymentOrchestrator machine2 = orchestrator(second);
    TemporalDeploymentOrchestrator engine =
        TemporalDeploymentOrchestrator.create(machine1, env.getWorkflowClient(), QUEUE);

    WorkerFactory factory1 = WorkerFactory.newInstance(env.getWorkflowClient());
    DeploymentWorker.register(factory1.newWorker(QUEUE, NOT_STICKY), engine);
    factory1.start();

    String id = TemporalDeploymentOrchestrator.idFor("restart-1");
    CompletableFuture<Deployment> future =
        engine.deployAsync(config("restart-app", "restart-1"), "user-1");
    await().atMost(Duration.ofSeconds(20)).until(() -> first.polls.get() >= 2
        && engine.find(id).map(d -> d.status() == DeploymentStatus.BUILDING
            && d.platformDeploymentId() != null).orElse(false));
    String platformDeploymentId = engine.find(id).orElseThrow().platformDeploymentId();

    // The first machine dies: its worker stops polling and finishes nothing more.
    factory1.shutdownNow();
    factory1.awaitTermination(10, TimeUnit.SECONDS);
    assertThat(factory1.isTerminated()).isTrue();
    int pollsBeforeRestart = first.polls.get();

    // A new worker, on another "machine" that has no config for the deployment: following a
    // started build needs none.
    WorkerFactory factory2 = WorkerFactory.newInstance(env.getWorkflowClient());
    closeables.add(() -> {
      factory2.shutdownNow();
      factory2.awaitTermination(10, TimeUnit.SECONDS);
    });
    DeploymentWorker.register(factory2.newWorker(QUEUE, NOT_STICKY), machine2,
        d -> Optional.empty());
    factory2.start();

    await().atMost(Duration.ofSeconds(20)).until(() -> second.polls.get() >= 2);
    first.buildGate.complete(null);
    Deployment d = future.orTimeout(30, TimeUnit.SECONDS).join();

    assertThat(d.status()).isEqualTo(DeploymentStatus.SUCCESS);
    assertThat(d.platformDeploymentId()).isEqualTo(platformDeploymentId);
    assertThat(d.deploymentUrl()).isNotBlank();
    assertThat(first.polls.get()).isEqualTo(pollsBeforeRestart);
    assertThat(second.polls.get()).isGreaterThanOrEqualTo(2);
    assertThat(second.creates.get()).isZero();
    assertThat(second.triggers.get()).isZero();
    assertThat(platform.calls(Operation.CREATE_PROJECT)).isEqualTo(1);
    assertThat(platform.calls(Operation.TRIGGER_DEPLOYMENT)).isEqualTo(1);
    assertThat(platform.projectNames()).containsExactly("restart-app");
    assertThat(platform.project("restart-app").orElseThrow().deploymentIds())
        .containsExactly(platformDeploymentId);
    assertThat(first.buildIs(platformDeploymentId, BuildState.SUCCESS)).isTrue();
    assertThat(d.toString()).doesNotContain(TOKEN_CANARY).doesNotContain(SECRET_CANARY);
  }

  @Test
  void cancel_whileTheTriggerIsInFlight_recordsTheBuildItStartedAndCancelsIt() throws Exception {
    startEnvironment(Duration.ofMinutes(5));
    GatedPlatform gated = new GatedPlatform(platform).holdTrigger();

    Deployment d = cancelWhileTriggerHeld(gated, "cancel-trigger-1");

    assertThat(d.status()).isEqualTo(DeploymentStatus.CANCELLED);
    assertThat(d.platformDeploymentId()).isNotNull();
    assertThat(platform.calls(Operation.TRIGGER_DEPLOYMENT)).isEqualTo(1);
    assertThat(platform.calls(Operation.CANCEL_DEPLOYMENT)).isEqualTo(1);
    assertThat(gated.buildIs(d.platformDeploymentId(), BuildState.CANCELLED)).isTrue();
    assertThat(gated.polls.get()).isZero();
  }

  @Test
  void cancel_whileTheTriggerIsInFlightAndItFails_endsCancelledWithoutCancellingABuild()
      throws Exception {
    startEnvironment(Duration.ofMinutes(5));
    GatedPlatform gated = new GatedPlatform(platform).holdTrigger();
    platform.failAlways(Operation.TRIGGER_DEPLOYMENT, ErrorCode.INVALID_CONFIG);

    Deployment d = cancelWhileTriggerHeld(gated, "cancel-trigger-2");

    assertThat(d.status()).isEqualTo(DeploymentStatus.CANCELLED);
    assertThat(d.platformDeploymentId()).isNull();
    assertThat(d.error()).isNull();
    assertThat(platform.calls(Operation.CANCEL_DEPLOYMENT)).isZero();
  }

  /**
   * Deploys through {@code gated} (its trigger held), cancels once the trigger is in flight, and
   * lets the trigger answer only after the workflow has handled the cancel; returns the end.
   */
  private Deployment cancelWhileTriggerHeld(GatedPlatform gated, String key) throws Exception {
    TemporalDeploymentOrchestrator engine = TemporalDeploymentOrchestrator.create(
        orchestrator(gated), env.getWorkflowClient(), QUEUE);
    startWorker(engine);

    String id = TemporalDeploymentOrchestrator.idFor(key);
    CompletableFuture<Deployment> future =
        engine.deployAsync(config("racing-app", key), "user-1");
    await().atMost(Duration.ofSeconds(20)).until(() -> gated.triggers.get() == 1);

    assertThat(engine.cancel(id)).isTrue();
    awaitSignalHandled(id);
    gated.triggerGate.complete(null);
    return future.orTimeout(30, TimeUnit.SECONDS).join();
  }

  private void startWorker(TemporalDeploymentOrchestrator engine) {
    WorkerFactory factory = WorkerFactory.newInstance(env.getWorkflowClient());
    closeables.add(() -> {
      factory.shutdownNow();
      factory.awaitTermination(10, TimeUnit.SECONDS);
    });
    DeploymentWorker.register(factory.newWorker(QUEUE, NOT_STICKY), engine);
    factory.start();
  }

  /**
   * Waits until a workflow task completed after the cancel signal: the workflow has run its
   * signal handler, so whatever the activity in flight answers comes after the cancel.
   */
  private void awaitSignalHandled(String id) {
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      List<HistoryEvent> events = env.getWorkflowClient().fetchHistory(id).getEvents();
      boolean signalled = false;
      for (HistoryEvent e : events) {
        if (e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED) {
          signalled = true;
        } else if (signalled && e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) {
          return true;
        }
      }
      return false;
    });
  }
}
