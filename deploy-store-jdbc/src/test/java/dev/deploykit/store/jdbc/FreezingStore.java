package dev.deploykit.store.jdbc;

import dev.deploykit.core.Deployment;
import dev.deploykit.core.spi.DeploymentCheckpoint;
import dev.deploykit.core.spi.DeploymentStore;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A store that stops writing when a condition is met, as a JVM that dies does: what was written
 * before stays, nothing after reaches the database. The orchestrator that used it can then be
 * closed without its cancellation being recorded.
 */
final class FreezingStore implements DeploymentStore {
  private final DeploymentStore delegate;
  private final Predicate<DeploymentStore> freezeAfter;
  private volatile boolean frozen;

  /** Freezes after the first write after which {@code freezeAfter} holds for the database. */
  FreezingStore(DeploymentStore delegate, Predicate<DeploymentStore> freezeAfter) {
    this.delegate = delegate;
    this.freezeAfter = freezeAfter;
  }

  boolean frozen() {
    return frozen;
  }

  private synchronized void write(Runnable r) {
    if (frozen) {
      return;
    }
    r.run();
    if (freezeAfter.test(delegate)) {
      frozen = true;
    }
  }

  @Override
  public void save(Deployment d) {
    write(() -> delegate.save(d));
  }

  @Override
  public void save(Deployment d, DeploymentCheckpoint c) {
    write(() -> delegate.save(d, c));
  }

  @Override
  public void saveCheckpoint(DeploymentCheckpoint c) {
    write(() -> delegate.saveCheckpoint(c));
  }

  @Override
  public void appendLogLines(String id, List<String> lines) {
    write(() -> delegate.appendLogLines(id, lines));
  }

  @Override
  public Optional<Deployment> find(String id) {
    return delegate.find(id);
  }

  @Override
  public Optional<Deployment> findByIdempotencyKey(String key) {
    return delegate.findByIdempotencyKey(key);
  }

  @Override
  public Optional<DeploymentCheckpoint> findCheckpoint(String id) {
    return delegate.findCheckpoint(id);
  }

  @Override
  public List<String> logLines(String id) {
    return delegate.logLines(id);
  }

  @Override
  public List<Deployment> findUnfinished() {
    return delegate.findUnfinished();
  }
}
