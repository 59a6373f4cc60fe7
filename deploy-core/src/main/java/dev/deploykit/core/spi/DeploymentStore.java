package dev.deploykit.core.spi;

import dev.deploykit.core.Deployment;
import java.util.Optional;

/**
 * Keeps deployment snapshots. The default keeps them in memory. Must be thread-safe; {@link
 * #save(Deployment)} replaces the snapshot with the same id.
 */
public interface DeploymentStore {

  /** Saves a snapshot. */
  void save(Deployment deployment);

  /** Returns the latest snapshot of a deployment. */
  Optional<Deployment> find(String deploymentId);

  /** Returns the deployment made with an idempotency key, if any. */
  Optional<Deployment> findByIdempotencyKey(String idempotencyKey);
}
