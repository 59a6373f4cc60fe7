package dev.deploykit.core.internal;

import dev.deploykit.core.DeploymentError;
import dev.deploykit.core.DeploymentStatus;
import dev.deploykit.core.ProgressListener;
import dev.deploykit.core.ProgressUpdate;
import dev.deploykit.core.Subscription;
import dev.deploykit.core.UploadProgress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The progress tracker's implementation behind {@code dev.deploykit.core.ProgressTracker}. Not API.
 */
public final class TrackerEngine implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TrackerEngine.class);
  private static final AtomicInteger THREAD_NUMBER = new AtomicInteger();
  private static final int POOL_THREADS = 2;

  private final @Nullable Executor configuredExecutor;
  private final Clock clock;
  private final @Nullable ScheduledExecutorService scheduler;
  private final int logBufferLines;
  private final int historySize;
  private final Duration retention;
  private final int queueCapacity;

  private final ConcurrentHashMap<String, DeploymentState> states = new ConcurrentHashMap<>();
  /** Terminal deployments in completion order, for lazy cleanup when there is no scheduler. */
  private final ConcurrentLinkedQueue<Expiry> expiries = new ConcurrentLinkedQueue<>();
  private final ReentrantLock sweepLock = new ReentrantLock();
  private final Object poolLock = new Object();
  private volatile @Nullable ThreadPoolExecutor ownPool;
  private volatile boolean closed;

  /** Creates an engine; the caller has checked every argument. */
  public TrackerEngine(
      @Nullable Executor executor,
      Clock clock,
      @Nullable ScheduledExecutorService scheduler,
      int logBufferLines,
      int historySize,
      Duration retention,
      int queueCapacity) {
    this.configuredExecutor = executor;
    this.clock = clock;
    this.scheduler = scheduler;
    this.logBufferLines = logBufferLines;
    this.historySize = historySize;
    this.retention = retention;
    this.queueCapacity = queueCapacity;
  }

  /**
   * Records an update and queues it for every subscriber. {@code status == null} keeps the current
   * status (PENDING if none). Returns the terminal update instead once the deployment has ended.
   */
  public ProgressUpdate append(
      String deploymentId,
      @Nullable DeploymentStatus status,
      String message,
      List<String> logLines,
      @Nullable String deploymentUrl,
      @Nullable DeploymentError error,
      @Nullable UploadProgress upload) {
    sweep();
    while (true) {
      DeploymentState state = stateFor(deploymentId);
      List<QueuedSubscription> toSignal;
      ProgressUpdate made;
      state.lock.lock();
      try {
        if (state.removed) {
          continue;
        }
        ProgressUpdate last = state.latest;
        if (last != null && last.isTerminal()) {
          return last;
        }
        DeploymentStatus effective =
            status != null ? status : last == null ? DeploymentStatus.PENDING : last.status();
        made =
            new ProgressUpdate(
                deploymentId,
                state.sequence + 1,
                effective,
                message,
                logLines,
                deploymentUrl,
                error,
                upload,
                clock.instant());
        state.sequence++;
        state.record(made);
        toSignal = new ArrayList<>(state.subscribers);
        for (QueuedSubscription subscription : toSignal) {
          subscription.enqueue(made);
        }
        if (made.isTerminal()) {
          state.subscribers.clear();
        }
      } finally {
        state.lock.unlock();
      }
      for (QueuedSubscription subscription : toSignal) {
        subscription.signal();
      }
      if (made.isTerminal()) {
        scheduleExpiry(deploymentId, state, made.timestamp());
      }
      return made;
    }
  }

  /**
   * Subscribes a listener. With {@code replay}, first every retained update after {@code
   * afterSequence} (the current state alone if history lost some); without, the current state. Then
   * every later update. {@code onEnd} runs after the terminal update was delivered, or when there is
   * nothing more to deliver (the deployment ended before {@code afterSequence}, or was forgotten);
   * not when the subscription is closed by its owner.
   */
  public Subscription subscribe(
      String deploymentId,
      boolean replay,
      long afterSequence,
      ProgressListener listener,
      @Nullable Runnable onEnd) {
    sweep();
    QueuedSubscription subscription =
        new QueuedSubscription(this, deploymentId, listener, onEnd, queueCapacity);
    while (true) {
      DeploymentState state = stateFor(deploymentId);
      state.lock.lock();
      try {
        if (state.removed) {
          continue;
        }
        subscription.attach(state);
        ProgressUpdate last = state.latest;
        if (last == null) {
          state.subscribers.add(subscription);
        } else if (!replay) {
          subscription.enqueue(last);
          if (!last.isTerminal()) {
            state.subscribers.add(subscription);
          }
        } else if (afterSequence >= last.sequence()) {
          if (last.isTerminal()) {
            subscription.enqueueEnd();
          } else {
            state.subscribers.add(subscription);
          }
        } else {
          ProgressUpdate oldest = state.history.peekFirst();
          if (oldest != null && oldest.sequence() <= afterSequence + 1) {
            for (ProgressUpdate update : state.history) {
              if (update.sequence() > afterSequence) {
                subscription.enqueue(update);
              }
            }
          } else {
            subscription.enqueue(last);
          }
          if (!last.isTerminal()) {
            state.subscribers.add(subscription);
          }
        }
      } finally {
        state.lock.unlock();
      }
      subscription.signal();
      return subscription;
    }
  }

  /** Returns a Flow view of a deployment's progress: the current state, then every later update. */
  public Flow.Publisher<ProgressUpdate> publisher(String deploymentId) {
    return new ProgressPublisher(this, deploymentId, queueCapacity);
  }

  /** Returns the latest update. */
  public Optional<ProgressUpdate> current(String deploymentId) {
    return read(deploymentId, Optional.empty(), state -> Optional.ofNullable(state.latest));
  }

  /** Returns the retained updates, oldest first. */
  public List<ProgressUpdate> history(String deploymentId) {
    return read(deploymentId, List.of(), state -> List.copyOf(state.history));
  }

  /** Returns the retained build-log lines, oldest first. */
  public List<String> logs(String deploymentId) {
    return read(deploymentId, List.of(), state -> List.copyOf(state.logs));
  }

  /** Reads a deployment's state under its lock; {@code absent} when there is none. */
  private <T> T read(String deploymentId, T absent, Function<DeploymentState, T> reader) {
    sweep();
    DeploymentState state = states.get(deploymentId);
    if (state == null) {
      return absent;
    }
    state.lock.lock();
    try {
      return state.removed ? absent : reader.apply(state);
    } finally {
      state.lock.unlock();
    }
  }

  /** Removes a deployment's state now; its open subscriptions end after what they already queued. */
  public void forget(String deploymentId) {
    sweep();
    DeploymentState state = states.remove(deploymentId);
    if (state != null) {
      remove(state);
    }
  }

  /** Returns the executor deliveries run on, creating the default pool on first use. */
  Executor executor() {
    Executor configured = configuredExecutor;
    if (configured != null) {
      return configured;
    }
    ThreadPoolExecutor pool = ownPool;
    if (pool != null) {
      return pool;
    }
    synchronized (poolLock) {
      if (ownPool == null) {
        if (closed) {
          throw new RejectedExecutionException("The progress tracker is closed");
        }
        ThreadPoolExecutor created =
            new ThreadPoolExecutor(
                POOL_THREADS,
                POOL_THREADS,
                30,
                TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(),
                runnable -> {
                  Thread thread =
                      new Thread(runnable, "deploykit-progress-" + THREAD_NUMBER.incrementAndGet());
                  thread.setDaemon(true);
                  return thread;
                });
        created.allowCoreThreadTimeOut(true);
        ownPool = created;
      }
      return ownPool;
    }
  }

  /** Removes a closed subscription; drops the state of a deployment nobody updated or watches. */
  void unregister(DeploymentState state, QueuedSubscription subscription) {
    state.lock.lock();
    try {
      state.subscribers.remove(subscription);
      if (!state.removed && state.latest == null && state.subscribers.isEmpty()) {
        states.remove(state.deploymentId, state);
        state.removed = true;
      }
    } finally {
      state.lock.unlock();
    }
  }

  /** Shuts down the default pool, if this engine created it. Idempotent. */
  @Override
  public void close() {
    synchronized (poolLock) {
      closed = true;
      ThreadPoolExecutor pool = ownPool;
      if (pool != null) {
        pool.shutdown();
      }
    }
  }

  private DeploymentState stateFor(String deploymentId) {
    return states.computeIfAbsent(
        deploymentId, id -> new DeploymentState(id, historySize, logBufferLines));
  }

  private void remove(DeploymentState state) {
    List<QueuedSubscription> toSignal;
    state.lock.lock();
    try {
      state.removed = true;
      toSignal = new ArrayList<>(state.subscribers);
      state.subscribers.clear();
      for (QueuedSubscription subscription : toSignal) {
        subscription.enqueueEnd();
      }
    } finally {
      state.lock.unlock();
    }
    for (QueuedSubscription subscription : toSignal) {
      subscription.signal();
    }
  }

  private void scheduleExpiry(String deploymentId, DeploymentState state, Instant completedAt) {
    ScheduledExecutorService cleaner = scheduler;
    if (cleaner == null) {
      expiries.add(new Expiry(deploymentId, state, completedAt.plus(retention)));
      return;
    }
    try {
      cleaner.schedule(
          () -> {
            if (states.remove(deploymentId, state)) {
              remove(state);
            }
          },
          retention.toMillis(),
          TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      log.debug("Cleanup scheduler rejected deployment {}; cleaning up lazily", deploymentId, e);
      expiries.add(new Expiry(deploymentId, state, completedAt.plus(retention)));
    }
  }

  /** Removes terminal deployments whose retention has passed, by the clock. */
  private void sweep() {
    if (expiries.isEmpty() || !sweepLock.tryLock()) {
      return;
    }
    try {
      Instant now = clock.instant();
      Expiry next;
      while ((next = expiries.peek()) != null && !next.at().isAfter(now)) {
        expiries.poll();
        if (states.remove(next.deploymentId(), next.state())) {
          remove(next.state());
        }
      }
    } finally {
      sweepLock.unlock();
    }
  }

  private record Expiry(String deploymentId, DeploymentState state, Instant at) {}
}
