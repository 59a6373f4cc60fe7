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
        EngineAccess.steps(orchestrator), EngineAccess.settings(orchestrator).clock(), configs));
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
