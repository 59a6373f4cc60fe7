package dev.deploykit.core.internal;

import dev.deploykit.core.Deployment;
import dev.deploykit.core.spi.DeploymentStore;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The default store: snapshots in memory, for the life of the orchestrator. */
public final class InMemoryDeploymentStore implements DeploymentStore {
  private final Map<String, Deployment> byId = new ConcurrentHashMap<>();
  private final Map<String, String> idByKey = new ConcurrentHashMap<>();

  @Override
  public void save(Deployment deployment) {
    Objects.requireNonNull(deployment, "deployment");
    byId.put(deployment.id(), deployment);
    if (deployment.idempotencyKey() != null) {
      idByKey.put(deployment.idempotencyKey(), deployment.id());
    }
  }

  @Override
  public Optional<Deployment> find(String deploymentId) {
    return Optional.ofNullable(byId.get(Objects.requireNonNull(deploymentId, "deploymentId")));
  }

  @Override
  public Optional<Deployment> findByIdempotencyKey(String idempotencyKey) {
    String id = idByKey.get(Objects.requireNonNull(idempotencyKey, "idempotencyKey"));
    return id == null ? Optional.empty() : find(id);
  }
}
