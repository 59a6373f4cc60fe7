package dev.deploykit.core.internal;

import dev.deploykit.core.Deployment;
import dev.deploykit.core.spi.DeploymentCheckpoint;
import dev.deploykit.core.spi.DeploymentStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The default store: snapshots and checkpoints in memory, for the life of the orchestrator. The
 * build-log journal is kept only while a deployment runs (its last {@value #MAX_LOG_LINES} lines),
 * so memory does not grow with every finished deployment's log: a memory journal cannot outlive
 * the process anyway.
 */
public final class InMemoryDeploymentStore implements DeploymentStore {
  static final int MAX_LOG_LINES = 10_000;

  private final Map<String, Deployment> byId = new ConcurrentHashMap<>();
  private final Map<String, String> idByKey = new ConcurrentHashMap<>();
  private final Map<String, DeploymentCheckpoint> checkpoints = new ConcurrentHashMap<>();
  private final Map<String, List<String>> logs = new ConcurrentHashMap<>();

  @Override
  public void save(Deployment deployment) {
    Objects.requireNonNull(deployment, "deployment");
    byId.put(deployment.id(), deployment);
    if (deployment.isTerminal()) {
      logs.remove(deployment.id());
    }
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

  @Override
  public void saveCheckpoint(DeploymentCheckpoint checkpoint) {
    checkpoints.put(checkpoint.deploymentId(), checkpoint);
  }

  @Override
  public Optional<DeploymentCheckpoint> findCheckpoint(String deploymentId) {
    return Optional.ofNullable(checkpoints.get(Objects.requireNonNull(deploymentId, "deploymentId")));
  }

  @Override
  public void appendLogLines(String deploymentId, List<String> lines) {
    List<String> journal = logs.computeIfAbsent(deploymentId, k -> new ArrayList<>());
    synchronized (journal) {
      journal.addAll(lines);
      if (journal.size() > MAX_LOG_LINES) {
        journal.subList(0, journal.size() - MAX_LOG_LINES).clear();
      }
    }
  }

  @Override
  public List<String> logLines(String deploymentId) {
    List<String> journal = logs.get(Objects.requireNonNull(deploymentId, "deploymentId"));
    if (journal == null) {
      return List.of();
    }
    synchronized (journal) {
      return List.copyOf(journal);
    }
  }

  @Override
  public List<Deployment> findUnfinished() {
    return byId.values().stream()
        .filter(d -> !d.isTerminal())
        .sorted(Comparator.comparing(Deployment::createdAt))
        .toList();
  }
}
