package dev.deploykit.testing;

import dev.deploykit.core.DeploymentStatus;
import dev.deploykit.core.ProgressListener;
import dev.deploykit.core.ProgressUpdate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ProgressListener} that records every update it receives, for assertions in tests.
 *
 * <pre>{@code
 * RecordingProgressListener progress = new RecordingProgressListener();
 * orchestrator.subscribe(deploymentId, progress);
 * ProgressUpdate last = progress.awaitTerminal(Duration.ofSeconds(10));
 * assertThat(last.status()).isEqualTo(DeploymentStatus.SUCCESS);
 * assertThat(progress.statuses()).containsSubsequence(UPLOADING, BUILDING, SUCCESS);
 * }</pre>
 *
 * <p>Thread-safe: updates may arrive on any thread while a test reads; every accessor returns an
 * immutable copy.
 */
public final class RecordingProgressListener implements ProgressListener {
  private final List<ProgressUpdate> updates = new ArrayList<>(); // guarded by this
  private final CountDownLatch terminal = new CountDownLatch(1);

  /** Creates a listener that has recorded nothing. */
  public RecordingProgressListener() {}

  /**
   * Records {@code update}.
   *
   * @throws NullPointerException if {@code update} is null
   */
  @Override
  public void onUpdate(ProgressUpdate update) {
    Objects.requireNonNull(update, "update");
    synchronized (this) {
      updates.add(update);
    }
    if (update.isTerminal()) {
      terminal.countDown();
    }
  }

  /** Returns every update received, in arrival order. */
  public synchronized List<ProgressUpdate> updates() {
    return List.copyOf(updates);
  }

  /** Returns the statuses seen, with consecutive repeats collapsed, e.g. {@code [PENDING, ..., SUCCESS]}. */
  public synchronized List<DeploymentStatus> statuses() {
    List<DeploymentStatus> out = new ArrayList<>();
    for (ProgressUpdate u : updates) {
      if (out.isEmpty() || out.get(out.size() - 1) != u.status()) {
        out.add(u.status());
      }
    }
    return List.copyOf(out);
  }

  /** Returns every build-log line received, in order. */
  public synchronized List<String> logLines() {
    List<String> out = new ArrayList<>();
    for (ProgressUpdate u : updates) {
      out.addAll(u.logLines());
    }
    return List.copyOf(out);
  }

  /** Returns the last update received, if any. */
  public synchronized Optional<ProgressUpdate> last() {
    return updates.isEmpty() ? Optional.empty() : Optional.of(updates.get(updates.size() - 1));
  }

  /** Returns whether an update with {@code status} was received. */
  public synchronized boolean sawStatus(DeploymentStatus status) {
    Objects.requireNonNull(status, "status");
    return updates.stream().anyMatch(u -> u.status() == status);
  }

  /**
   * Waits, without sleeping, for the first terminal update (SUCCESS, FAILED, TIMED_OUT or CANCELLED)
   * and returns it.
   *
   * @throws AssertionError if none arrives within {@code timeout} (the message lists the statuses
   *     seen), or the waiting thread is interrupted
   * @throws NullPointerException if {@code timeout} is null
   */
  public ProgressUpdate awaitTerminal(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    try {
      if (!terminal.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        throw new AssertionError("No terminal progress update within " + timeout
            + "; statuses so far: " + statuses());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("Interrupted while waiting for a terminal progress update", e);
    }
    ProgressUpdate first = firstTerminal();
    if (first == null) {
      throw new AssertionError("A terminal update was counted but not recorded");
    }
    return first;
  }

  private synchronized @Nullable ProgressUpdate firstTerminal() {
    return updates.stream().filter(ProgressUpdate::isTerminal).findFirst().orElse(null);
  }

  @Override
  public synchronized String toString() {
    return "RecordingProgressListener[updates=" + updates.size() + ", statuses=" + statuses() + "]";
  }
}
