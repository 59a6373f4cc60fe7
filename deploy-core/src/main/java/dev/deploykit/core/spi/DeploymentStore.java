package dev.deploykit.core.spi;

import dev.deploykit.core.Deployment;
import java.util.List;
import java.util.Optional;

/**
 * Keeps deployment snapshots and, in a durable store, the journal a deployment continues from after
 * a restart: its latest {@link DeploymentCheckpoint} and its build-log lines. The default keeps them
 * in memory; {@code deploy-store-jdbc} keeps them in a database.
 *
 * <p>The orchestrator writes a step's checkpoint before it relies on the step's effect (the project
 * id before the variables are set, the platform deployment id before the build is polled), and
 * journals each build-log line as it arrives. Nothing written here holds a secret value: variables
 * are named, never valued, and tokens are never passed to a store.
 *
 * <p>Implementations must be thread-safe. {@link #save(Deployment)} replaces the snapshot with the
 * same id. A failing method should throw an unchecked exception; the orchestrator reports it as an
 * {@code UNKNOWN} failure of the deployment being saved. Every method besides the first three has a
 * default, so a store written before the journal existed keeps working (it cannot resume).
 */
public interface DeploymentStore {

  /** Saves a snapshot. */
  void save(Deployment deployment);

  /** Returns the latest snapshot of a deployment. */
  Optional<Deployment> find(String deploymentId);

  /** Returns the deployment made with an idempotency key, if any (the latest, if more than one). */
  Optional<Deployment> findByIdempotencyKey(String idempotencyKey);

  /**
   * Saves a deployment's checkpoint, replacing the previous one. Called after {@link #save} recorded
   * the deployment. The default keeps nothing.
   */
  default void saveCheckpoint(DeploymentCheckpoint checkpoint) {}

  /**
   * Saves a snapshot and the checkpoint that goes with it; a durable store does both in one
   * transaction, so that a crash never leaves one without the other. The default saves the
   * checkpoint, then the snapshot (a resume relies on the checkpoint).
   */
  default void save(Deployment deployment, DeploymentCheckpoint checkpoint) {
    saveCheckpoint(checkpoint);
    save(deployment);
  }

  /** Returns a deployment's latest checkpoint. The default finds none. */
  default Optional<DeploymentCheckpoint> findCheckpoint(String deploymentId) {
    return Optional.empty();
  }

  /**
   * Appends build-log lines (already redacted) to a deployment's journal, after the lines appended
   * before. The default keeps nothing.
   */
  default void appendLogLines(String deploymentId, List<String> lines) {}

  /** Returns every journaled build-log line of a deployment, oldest first. The default: none. */
  default List<String> logLines(String deploymentId) {
    return List.of();
  }

  /**
   * Returns the deployments whose latest snapshot is not terminal, oldest first: those a restart
   * interrupted (and those running now). The default finds none, so nothing is resumed.
   */
  default List<Deployment> findUnfinished() {
    return List.of();
  }
}
