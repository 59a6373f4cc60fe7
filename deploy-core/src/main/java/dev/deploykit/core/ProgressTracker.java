package dev.deploykit.core;

import dev.deploykit.core.internal.TrackerEngine;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * Records each deployment's progress and delivers it to subscribers.
 *
 * <p>Every update gets the next sequence number of its deployment (1, 2, 3, …) and a timestamp
 * from the tracker's clock. A terminal update ({@link DeploymentStatus#isTerminal()}) ends the
 * deployment: later updates for it are ignored, and the methods that make updates return the
 * terminal one instead. The tracker keeps, per deployment, the latest update, a bounded history
 * (for replay, e.g. to a reconnecting Server-Sent-Events client) and a bounded buffer of build-log
 * lines; it removes them {@linkplain Builder#retention(Duration) some time} after the terminal
 * update, or at once on {@link #forget(String)}; an update made after that starts the deployment
 * afresh, at sequence 1.
 *
 * <p>Delivery is asynchronous: each subscription has its own bounded serial queue, drained on the
 * tracker's {@linkplain Builder#executor(Executor) executor}, so a slow or throwing listener delays
 * neither the caller of {@code update} nor other listeners. A listener receives its updates one at
 * a time, in sequence order, never twice; an exception it throws is logged and its subscription
 * continues. No lock is held while a listener runs. After delivering the terminal update a
 * subscription closes itself.
 *
 * <p>Thread-safe: any thread may make updates and subscribe, concurrently.
 *
 * <p>Without an {@linkplain Builder#executor(Executor) executor} of its own the tracker creates, on
 * first delivery, a pool of at most two daemon threads named {@code deploykit-progress-N} (idle
 * threads end after 30 seconds); {@link #close()} shuts that pool down. A tracker given an executor
 * never shuts it down.
 */
public final class ProgressTracker implements AutoCloseable {

  private static final String LOG_MESSAGE = "Build log";

  private final TrackerEngine engine;

  private ProgressTracker(Builder builder) {
    this.engine =
        new TrackerEngine(
            builder.executor,
            builder.clock,
            builder.scheduler,
            builder.logBufferLines,
            builder.historySize,
            builder.retention,
            builder.listenerQueueCapacity);
  }

  /** Returns a tracker with the defaults described on {@link Builder}. */
  public static ProgressTracker create() {
    return builder().build();
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Records a status change.
   *
   * @return the update made, or the terminal update if the deployment has already ended
   * @throws NullPointerException if an argument is null
   */
  public ProgressUpdate update(String deploymentId, DeploymentStatus status, String message) {
    return update(deploymentId, status, message, null);
  }

  /**
   * Records a status change with upload progress. A terminal {@code status} ends the deployment.
   *
   * @param upload how far the upload has got, or {@code null}
   * @return the update made, or the terminal update if the deployment has already ended
   * @throws NullPointerException if {@code deploymentId}, {@code status} or {@code message} is null
   */
  public ProgressUpdate update(
      String deploymentId,
      DeploymentStatus status,
      String message,
      @Nullable UploadProgress upload) {
    Objects.requireNonNull(deploymentId, "deploymentId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(message, "message");
    return engine.append(deploymentId, status, message, List.of(), null, null, upload);
  }

  /**
   * Records new build-log lines: an update with the deployment's current status (PENDING if it has
   * none yet) and the message {@code "Build log"}; the lines are also appended to the deployment's
   * bounded {@linkplain #logs(String) log buffer}, whose oldest lines are dropped.
   *
   * @return the update made, or the terminal update if the deployment has already ended
   * @throws NullPointerException if an argument or a line is null
   */
  public ProgressUpdate updateLogs(String deploymentId, List<String> lines) {
    Objects.requireNonNull(deploymentId, "deploymentId");
    List<String> copy = List.copyOf(Objects.requireNonNull(lines, "lines"));
    return engine.append(deploymentId, null, LOG_MESSAGE, copy, null, null, null);
  }

  /**
   * Ends the deployment with {@link DeploymentStatus#SUCCESS}.
   *
   * @param url where the app is live
   * @return the update made, or the terminal update if the deployment had already ended
   * @throws NullPointerException if an argument is null
   */
  public ProgressUpdate complete(String deploymentId, String url) {
    Objects.requireNonNull(deploymentId, "deploymentId");
    Objects.requireNonNull(url, "url");
    return engine.append(
        deploymentId, DeploymentStatus.SUCCESS, "Deployed to " + url, List.of(), url, null, null);
  }

  /**
   * Ends the deployment with {@link DeploymentStatus#FAILED}; the update's message is the error's.
   *
   * @return the update made, or the terminal update if the deployment had already ended
   * @throws NullPointerException if an argument is null
   */
  public ProgressUpdate fail(String deploymentId, DeploymentError error) {
    Objects.requireNonNull(deploymentId, "deploymentId");
    Objects.requireNonNull(error, "error");
    return engine.append(
        deploymentId, DeploymentStatus.FAILED, error.message(), List.of(), null, error, null);
  }

  /**
   * Ends the deployment with a terminal status, typically {@link DeploymentStatus#TIMED_OUT} or
   * {@link DeploymentStatus#CANCELLED}.
   *
   * @param error the reason, or {@code null}
   * @return the update made, or the terminal update if the deployment had already ended
   * @throws IllegalArgumentException if {@code terminalStatus} is not terminal
   * @throws NullPointerException if {@code deploymentId}, {@code terminalStatus} or {@code message}
   *     is null
   */
  public ProgressUpdate end(
      String deploymentId,
      DeploymentStatus terminalStatus,
      String message,
      @Nullable DeploymentError error) {
    Objects.requireNonNull(deploymentId, "deploymentId");
    Objects.requireNonNull(terminalStatus, "terminalStatus");
    Objects.requireNonNull(message, "message");
    if (!terminalStatus.isTerminal()) {
      throw new IllegalArgumentException(
          "terminalStatus must be terminal (SUCCESS, FAILED, TIMED_OUT or CANCELLED), got "
              + terminalStatus
              + "; use update(...) for a status in progress");
    }
    return engine.append(deploymentId, terminalStatus, message, List.of(), null, error, null);
  }

  /**
   * Subscribes to a deployment: the listener first receives the current state (the latest update,
   * if there is one), then every later update, in sequence order, never twice. The deployment need
   * not exist yet. After the terminal update the subscription closes itself.
   *
   * @throws NullPointerException if an argument is null
   */
  public Subscription subscribe(String deploymentId, ProgressListener listener) {
    Objects.requireNonNull(deploymentId, "deploymentId");
    Objects.requireNonNull(listener, "listener");
    return engine.subscribe(deploymentId, false, 0, listener, null);
  }

  /**
   * Subscribes with replay: the listener first receives every retained update with a sequence
   * number greater than {@code afterSequence} (or, if the history no longer holds all of them, the
   * current state), then every later update; no gap, no duplicate. {@code afterSequence} 0 (or
   * less) replays the whole retained history. If the deployment ended at or before {@code
   * afterSequence}, nothing is delivered and the subscription closes.
   *
   * @throws NullPointerException if an argument is null
   */
  public Subscription subscribe(String deploymentId, long afterSequence, ProgressListener listener) {
    return subscribe(deploymentId, afterSequence, listener, null);
  }

  /** As {@link #subscribe(String, long, ProgressListener)}, running {@code onEnd} when it ends. */
  Subscription subscribe(
      String deploymentId,
      long afterSequence,
      ProgressListener listener,
      @Nullable Runnable onEnd) {
    Objects.requireNonNull(deploymentId, "deploymentId");
    Objects.requireNonNull(listener, "listener");
    return engine.subscribe(deploymentId, true, Math.max(0, afterSequence), listener, onEnd);
  }

  /** Returns the deployment's latest update, if the tracker holds one. */
  public Optional<ProgressUpdate> current(String deploymentId) {
    return engine.current(Objects.requireNonNull(deploymentId, "deploymentId"));
  }

  /**
   * Returns the deployment's retained updates, oldest first: at most {@link
   * Builder#historySize(int)}, empty if unknown. An immutable snapshot.
   */
  public List<ProgressUpdate> history(String deploymentId) {
    return engine.history(Objects.requireNonNull(deploymentId, "deploymentId"));
  }

  /**
   * Returns the deployment's retained build-log lines, oldest first: at most {@link
   * Builder#logBufferLines(int)}, empty if unknown. An immutable snapshot.
   */
  public List<String> logs(String deploymentId) {
    return engine.logs(Objects.requireNonNull(deploymentId, "deploymentId"));
  }

  /**
   * Returns a {@link Flow.Publisher} of the deployment's progress. Each {@link Flow.Subscriber}
   * receives {@code onSubscribe} first, then the current state and every later update, never more
   * than it has requested, then {@code onComplete} after the terminal update (or when the
   * deployment is {@linkplain #forget(String) forgotten}). Updates not yet requested are buffered,
   * up to {@link Builder#listenerQueueCapacity(int)}, dropping the oldest. {@code request(n)} with
   * {@code n <= 0} signals {@code onError(IllegalArgumentException)}; {@code cancel()} unsubscribes.
   * Signals run on the tracker's executor.
   *
   * @throws NullPointerException if {@code deploymentId} is null
   */
  public Flow.Publisher<ProgressUpdate> publisher(String deploymentId) {
    return engine.publisher(Objects.requireNonNull(deploymentId, "deploymentId"));
  }

  /**
   * Removes the deployment's state now. Its open subscriptions receive what was already queued for
   * them and then end (Flow subscribers get {@code onComplete}). A later update starts the
   * deployment afresh, at sequence 1.
   */
  public void forget(String deploymentId) {
    engine.forget(Objects.requireNonNull(deploymentId, "deploymentId"));
  }

  /**
   * Shuts down the delivery pool the tracker created, if it created one; updates already queued may
   * still be delivered, later ones are recorded but no longer delivered. An executor given to the
   * builder is left alone. Idempotent.
   */
  @Override
  public void close() {
    engine.close();
  }

  @Override
  public String toString() {
    return "ProgressTracker";
  }

  /**
   * Configures a {@link ProgressTracker}. Not thread-safe; {@link #build()} copies the settings, so a
   * built tracker never changes.
   */
  public static final class Builder {

    private @Nullable Executor executor;
    private Clock clock = Clock.systemUTC();
    private @Nullable ScheduledExecutorService scheduler;
    private int logBufferLines = 1000;
    private int historySize = 1000;
    private Duration retention = Duration.ofMinutes(10);
    private int listenerQueueCapacity = 10_000;

    private Builder() {}

    /**
     * Sets where listener callbacks and Flow signals run. Default: a pool of at most two daemon
     * threads named {@code deploykit-progress-N}, created on first use and shut down by {@link
     * ProgressTracker#close()}. The tracker never shuts down an executor given here.
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** Sets the clock for update timestamps and retention. Default: {@link Clock#systemUTC()}. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets the scheduler that removes a terminal deployment's state once its retention has passed.
     * Optional: without one, expired state is removed lazily, by the clock, on later calls to the
     * tracker. The tracker never shuts it down.
     */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Sets how many build-log lines are kept per deployment; older ones are dropped. Default 1000.
     *
     * @throws IllegalArgumentException if {@code lines < 1}
     */
    public Builder logBufferLines(int lines) {
      this.logBufferLines = positive(lines, "logBufferLines");
      return this;
    }

    /**
     * Sets how many updates are kept per deployment for replay; older ones are dropped. Default
     * 1000.
     *
     * @throws IllegalArgumentException if {@code size < 1}
     */
    public Builder historySize(int size) {
      this.historySize = positive(size, "historySize");
      return this;
    }

    /**
     * Sets how long a terminal deployment's state is kept after its terminal update. Default 10
     * minutes.
     *
     * @throws IllegalArgumentException if {@code retention} is negative
     */
    public Builder retention(Duration retention) {
      Objects.requireNonNull(retention, "retention");
      if (retention.isNegative()) {
        throw new IllegalArgumentException("retention must not be negative, got " + retention);
      }
      this.retention = retention;
      return this;
    }

    /**
     * Sets how many updates may wait for one slow listener (or Flow subscriber). Beyond it the
     * oldest non-terminal updates queued for that listener alone are dropped, with one warning
     * logged; a terminal update is never dropped. Default 10 000.
     *
     * @throws IllegalArgumentException if {@code capacity < 1}
     */
    public Builder listenerQueueCapacity(int capacity) {
      this.listenerQueueCapacity = positive(capacity, "listenerQueueCapacity");
      return this;
    }

    /** Returns a tracker with these settings. */
    public ProgressTracker build() {
      return new ProgressTracker(this);
    }

    private static int positive(int value, String name) {
      if (value < 1) {
        throw new IllegalArgumentException(name + " must be at least 1, got " + value);
      }
      return value;
    }
  }
}
