package dev.deploykit.testing;

import static dev.deploykit.core.DeploymentStatus.BUILDING;
import static dev.deploykit.core.DeploymentStatus.CREATING_PROJECT;
import static dev.deploykit.core.DeploymentStatus.FAILED;
import static dev.deploykit.core.DeploymentStatus.PENDING;
import static dev.deploykit.core.DeploymentStatus.SUCCESS;
import static dev.deploykit.core.DeploymentStatus.UPLOADING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deploykit.core.DeploymentStatus;
import dev.deploykit.core.ProgressUpdate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RecordingProgressListenerTest {
  private final AtomicLong sequence = new AtomicLong();

  private ProgressUpdate update(DeploymentStatus status, String... lines) {
    return new ProgressUpdate("dep-1", sequence.incrementAndGet(), status, status.name(),
        List.of(lines), status == SUCCESS ? "http://app.memory.localhost/" : null, null, null,
        Instant.EPOCH);
  }

  @Test
  void accessors_whenNothingRecorded_areEmpty() {
    RecordingProgressListener listener = new RecordingProgressListener();

    assertThat(listener.updates()).isEmpty();
    assertThat(listener.statuses()).isEmpty();
    assertThat(listener.logLines()).isEmpty();
    assertThat(listener.last()).isEmpty();
    assertThat(listener.sawStatus(PENDING)).isFalse();
  }

  @Test
  void onUpdate_recordsUpdatesStatusesAndLogLinesInOrder() {
    RecordingProgressListener listener = new RecordingProgressListener();

    listener.onUpdate(update(PENDING));
    listener.onUpdate(update(CREATING_PROJECT));
    listener.onUpdate(update(UPLOADING));
    listener.onUpdate(update(UPLOADING));
    listener.onUpdate(update(BUILDING, "npm install"));
    listener.onUpdate(update(BUILDING, "next build", "Compiled successfully"));
    listener.onUpdate(update(SUCCESS));

    assertThat(listener.updates()).hasSize(7).extracting(ProgressUpdate::sequence)
        .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
    assertThat(listener.statuses())
        .containsExactly(PENDING, CREATING_PROJECT, UPLOADING, BUILDING, SUCCESS);
    assertThat(listener.logLines())
        .containsExactly("npm install", "next build", "Compiled successfully");
    assertThat(listener.last()).hasValueSatisfying(u -> assertThat(u.status()).isEqualTo(SUCCESS));
    assertThat(listener.sawStatus(UPLOADING)).isTrue();
    assertThat(listener.sawStatus(FAILED)).isFalse();
  }

  @Test
  void awaitTerminal_whenTerminalUpdateArrivesLater_returnsIt() {
    RecordingProgressListener listener = new RecordingProgressListener();
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try {
      listener.onUpdate(update(BUILDING));
      ProgressUpdate done = update(SUCCESS);
      scheduler.schedule(() -> listener.onUpdate(done), 50, TimeUnit.MILLISECONDS);

      assertThat(listener.awaitTerminal(Duration.ofSeconds(5))).isEqualTo(done);
    } finally {
      scheduler.shutdownNow();
    }
  }

  @Test
  void awaitTerminal_whenNoTerminalUpdate_throwsAssertionErrorListingStatuses() {
    RecordingProgressListener listener = new RecordingProgressListener();
    listener.onUpdate(update(UPLOADING));

    assertThatThrownBy(() -> listener.awaitTerminal(Duration.ofMillis(50)))
        .isInstanceOf(AssertionError.class).hasMessageContaining("UPLOADING");
  }

  @Test
  void onUpdate_fromManyThreads_recordsEveryUpdate() {
    RecordingProgressListener listener = new RecordingProgressListener();

    CompletableFuture.allOf(IntStream.range(0, 8).mapToObj(t -> CompletableFuture.runAsync(() -> {
      for (int i = 0; i < 500; i++) {
        listener.onUpdate(update(BUILDING, "line"));
      }
    })).toArray(CompletableFuture[]::new)).join();

    assertThat(listener.updates()).hasSize(4000);
    assertThat(listener.logLines()).hasSize(4000);
    assertThat(listener.statuses()).containsExactly(BUILDING);
  }

  @Test
  void onUpdate_whenNull_throwsNullPointerException() {
    assertThatThrownBy(() -> new RecordingProgressListener().onUpdate(null))
        .isInstanceOf(NullPointerException.class).hasMessage("update");
  }
}
