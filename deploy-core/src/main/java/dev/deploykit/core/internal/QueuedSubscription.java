package dev.deploykit.core.internal;

import dev.deploykit.core.DeploymentStatus;
import dev.deploykit.core.ProgressListener;
import dev.deploykit.core.ProgressUpdate;
import dev.deploykit.core.Subscription;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One listener's subscription: a bounded serial queue drained by at most one task at a time on the
 * tracker's executor. Producers enqueue only while holding the deployment's lock, so the queue is in
 * sequence order; the listener is never called with a lock held.
 */
final class QueuedSubscription implements Subscription {

  private static final Logger log = LoggerFactory.getLogger(QueuedSubscription.class);
  /** Marks the end of a subscription without a terminal update (already seen, or forgotten). */
  private static final ProgressUpdate END =
      new ProgressUpdate("", 0, DeploymentStatus.PENDING, "", List.of(), null, null, null, Instant.EPOCH);
  /** Updates delivered per drain task before it yields the executor thread to others. */
  private static final int BATCH = 256;

  private final TrackerEngine engine;
  private final String deploymentId;
  private final ProgressListener listener;
  private final @Nullable Runnable onEnd;
  private final int capacity;
  private final ConcurrentLinkedQueue<ProgressUpdate> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Written by producers only, under the deployment's lock. */
  private boolean warnedAboutDrops;
  /** Written under the deployment's lock before the subscription is published. */
  private volatile @Nullable DeploymentState state;

  QueuedSubscription(
      TrackerEngine engine,
      String deploymentId,
      ProgressListener listener,
      @Nullable Runnable onEnd,
      int capacity) {
    this.engine = engine;
    this.deploymentId = deploymentId;
    this.listener = listener;
    this.onEnd = onEnd;
    this.capacity = capacity;
  }

  void attach(DeploymentState owner) {
    this.state = owner;
  }

  /** Queues an update. Caller holds the deployment's lock. */
  void enqueue(ProgressUpdate update) {
    if (closed.get()) {
      return;
    }
    if (size.get() >= capacity) {
      // Nothing is queued after a terminal update, so the head is never terminal.
      ProgressUpdate dropped = queue.poll();
      if (dropped != null) {
        size.decrementAndGet();
        if (!warnedAboutDrops) {
          warnedAboutDrops = true;
          log.warn(
              "Progress listener {} of deployment {} is too slow: more than {} updates queued, so"
                  + " the oldest are dropped for this listener (warned once). Make the listener"
                  + " return quickly, or raise ProgressTracker.Builder.listenerQueueCapacity.",
              listener,
              deploymentId,
              capacity);
        }
      }
    }
    queue.offer(update);
    size.incrementAndGet();
  }

  /** Queues the end of the subscription, without an update. Caller holds the deployment's lock. */
  void enqueueEnd() {
    if (!closed.get()) {
      queue.offer(END);
      size.incrementAndGet();
    }
  }

  /** Starts a drain task unless one is running or there is nothing to do. Never under a lock. */
  void signal() {
    if (closed.get() || queue.isEmpty() || !draining.compareAndSet(false, true)) {
      return;
    }
    try {
      engine.executor().execute(this::drain);
    } catch (RejectedExecutionException e) {
      draining.set(false);
      log.debug("Progress delivery for deployment {} was rejected by the executor", deploymentId, e);
    }
  }

  private void drain() {
    try {
      for (int i = 0; i < BATCH; i++) {
        if (closed.get()) {
          queue.clear();
          return;
        }
        ProgressUpdate update = queue.poll();
        if (update == null) {
          return;
        }
        size.decrementAndGet();
        if (update == END) {
          finish();
          return;
        }
        deliver(update);
        if (update.isTerminal()) {
          finish();
          return;
        }
      }
    } finally {
      draining.set(false);
      signal();
    }
  }

  private void deliver(ProgressUpdate update) {
    try {
      listener.onUpdate(update);
    } catch (Throwable t) {
      if (t instanceof VirtualMachineError) {
        throw (VirtualMachineError) t;
      }
      log.warn(
          "Progress listener {} threw on update {} of deployment {}; the subscription continues",
          listener,
          update.sequence(),
          deploymentId,
          t);
    }
  }

  private void finish() {
    if (!closeQuietly()) {
      return;
    }
    Runnable hook = onEnd;
    if (hook != null) {
      try {
        hook.run();
      } catch (RuntimeException e) {
        log.warn("Ending the progress subscription of deployment {} failed", deploymentId, e);
      }
    }
  }

  boolean isClosed() {
    return closed.get();
  }

  @Override
  public void close() {
    closeQuietly();
  }

  private boolean closeQuietly() {
    if (!closed.compareAndSet(false, true)) {
      return false;
    }
    DeploymentState owner = state;
    if (owner != null) {
      engine.unregister(owner, this);
    }
    queue.clear();
    return true;
  }

  @Override
  public String toString() {
    return "Subscription[deploymentId=" + deploymentId + ", closed=" + closed.get() + "]";
  }
}
