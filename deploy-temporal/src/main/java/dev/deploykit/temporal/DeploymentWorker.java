package dev.deploykit.temporal;

import dev.deploykit.core.Deployment;
import dev.deploykit.core.DeploymentConfig;
import dev.deploykit.core.DeploymentOrchestrator;
import dev.deploykit.core.internal.EngineAccess;
import dev.deploykit.temporal.internal.DeploymentActivitiesImpl;
import dev.deploykit.temporal.internal.DeploymentWorkflowImpl;
import io.temporal.worker.Worker;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Hosts deploykit's deployment workflow and its activities on a Temporal {@link Worker}, with the
 * platforms, credentials, HTTP client and threads of a configured {@link DeploymentOrchestrator}.
 *
 * <p>Run one or more workers per task queue, on any machines: each needs the platform adapters
 * and the tokens (its orchestrator's {@code CredentialsProvider}), and a {@code configs} function
 * that returns a deployment's {@link DeploymentConfig} (its files and variable values, which never
 * go through Temporal's history). An activity regenerates or reads the files from that config and
 * fails with {@code INVALID_CONFIG} (not retried) if they differ from those the deployment was
 * started with. Status polling needs no config, so any worker can follow a running build.
 *
 * <pre>{@code
 * WorkerFactory factory = WorkerFactory.newInstance(client);
 * DeploymentWorker.register(factory.newWorker("deploykit"), orchestrator, myConfigs::find);
 * factory.start();
 * }</pre>
 *
 * <p><b>Restarts.</b> A worker may stop at any moment (its factory's {@code shutdownNow}, or its
 * JVM dying): a deployment it was running continues on another worker of the queue, from the
 * workflow's history, without creating the project or starting the build again (tested with a
 * worker replaced mid-build). Temporal first offers a workflow's next task to the worker that ran
 * the previous one (its sticky queue); a real Temporal server gives it to another worker when that
 * queue goes unpolled for {@code WorkerOptions.setStickyQueueScheduleToStartTimeout} (5 s by
 * default), so a dead worker delays its deployments by about that much. Temporal's in-process test
 * server has no such fallback: in tests that stop workers, create them with {@code
 * WorkerOptions.newBuilder().setStickyQueueScheduleToStartTimeout(Duration.ZERO)}, which turns
 * sticky queues off. Pass whatever {@code WorkerOptions} you need to {@code
 * factory.newWorker(queue, options)}; this class takes the worker as it is.
 *
 * <p>Immutable and thread-safe; it starts no thread of its own (the worker factory owns them).
 */
public final class DeploymentWorker {
  private final Worker worker;

  private DeploymentWorker(Worker worker) {
    this.worker = worker;
  }

  /**
   * Registers the deployment workflow and activities on {@code worker}; call it before the
   * worker's factory starts.
   *
   * @param worker the Temporal worker, on the task queue the {@link TemporalDeploymentOrchestrator}
   *     starts deployments on
   * @param orchestrator whose platforms, credentials, scaffold generator, HTTP client and threads
   *     the activities use; it is not closed by the worker
   * @param configs returns the config a deployment was started with, or empty; called on an
   *     activity thread, at most once per activity attempt
   * @return the registration
   * @throws NullPointerException if an argument is null
   * @throws IllegalStateException (Temporal's) if the worker's factory has already started
   */
  public static DeploymentWorker register(Worker worker, DeploymentOrchestrator orchestrator,
      Function<Deployment, Optional<DeploymentConfig>> configs) {
    Objects.requireNonNull(worker, "worker");
    Objects.requireNonNull(orchestrator, "orchestrator");
    Objects.requireNonNull(configs, "configs");
    worker.registerWorkflowImplementationTypes(DeploymentWorkflowImpl.class);
    worker.registerActivitiesImplementations(new DeploymentActivitiesImpl(
        EngineAccess.steps(orchestrator), EngineAccess.settings(orchestrator), configs));
    return new DeploymentWorker(worker);
  }

  /**
   * Registers on {@code worker} for deployments that {@code engine} starts in this same JVM: the
   * configs come from {@link TemporalDeploymentOrchestrator#config(Deployment)}, and the platforms
   * and credentials from its orchestrator. A deployment started by another JVM fails with {@code
   * INVALID_CONFIG} on such a worker unless its build had already started.
   *
   * @throws NullPointerException if an argument is null
   */
  public static DeploymentWorker register(Worker worker, TemporalDeploymentOrchestrator engine) {
    Objects.requireNonNull(engine, "engine");
    return register(worker, engine.orchestrator(), engine::config);
  }

  /** Returns the task queue the worker polls. */
  public String taskQueue() {
    return worker.getTaskQueue();
  }
}
