package dev.deploykit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

class ProgressTrackerTest {

  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final String ID = "dep-1";

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final ExecutorService producers = Executors.newFixedThreadPool(4);

  @AfterEach
  void tearDown() throws Exception {
    producers.shutdownNow();
    for (AutoCloseable closeable : toClose) {
      closeable.close();
    }
  }

  private ProgressTracker tracker(ProgressTracker.Builder builder) {
    ProgressTracker tracker = builder.build();
    toClose.add(tracker);
    return tracker;
  }

  private ProgressTracker asyncTracker() {
    return tracker(ProgressTracker.builder());
  }

  /** Runs deliveries on the thread that makes the update: deterministic. */
  private ProgressTracker directTracker() {
    return tracker(ProgressTracker.builder().executor(Runnable::run));
  }

  @Test
  void update_whenCalled_assignsSequenceAndClockTimestamp() {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-02T03:04:05Z"));
    ProgressTracker tracker = tracker(ProgressTracker.builder().clock(clock));

    ProgressUpdate first = tracker.update(ID, DeploymentStatus.GENERATING, "Generating");
    clock.advance(Duration.ofSeconds(1));
    ProgressUpdate second =
        tracker.update(ID, DeploymentStatus.UPLOADING, "Uploading", new UploadProgress(1, 2, 3, 4));
    ProgressUpdate other = tracker.update("dep-2", DeploymentStatus.PENDING, "Queued");

    assertThat(first.sequence()).isEqualTo(1);
    assertThat(first.timestamp()).isEqualTo(Instant.parse("2026-01-02T03:04:05Z"));
    assertThat(second.sequence()).isEqualTo(2);
    assertThat(second.upload()).isEqualTo(new UploadProgress(1, 2, 3, 4));
    assertThat(second.timestamp()).isEqualTo(Instant.parse("2026-01-02T03:04:06Z"));
    assertThat(other.sequence()).isEqualTo(1);
    assertThat(tracker.current(ID)).contains(second);
    assertThat(tracker.history(ID)).containsExactly(first, second);
  }

  @Test
  void update_whenFourThreadsUpdateConcurrently_eachListenerSeesConsecutiveSequences()
      throws Exception {
    ProgressTracker tracker = asyncTracker();
    List<Recorder> early = List.of(new Recorder(), new Recorder(), new Recorder());
    early.forEach(recorder -> tracker.subscribe(ID, recorder));
    Recorder late = new Recorder();
    CountDownLatch halfway = new CountDownLatch(1);

    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int thread = t;
      futures.add(
          producers.submit(
              () -> {
                for (int i = 0; i < 1000; i++) {
                  tracker.update(ID, DeploymentStatus.BUILDING, "t" + thread + " #" + i);
                  if (thread == 0 && i == 500) {
                    halfway.countDown();
                  }
                }
              }));
    }
    assertThat(halfway.await(5, TimeUnit.SECONDS)).isTrue();
    tracker.subscribe(ID, late);
    for (Future<?> future : futures) {
      future.get(5, TimeUnit.SECONDS);
    }
    ProgressUpdate terminal = tracker.complete(ID, "https://app.example");

    assertThat(terminal.sequence()).isEqualTo(4001);
    for (Recorder recorder : early) {
      await().atMost(WAIT).until(recorder::sawTerminal);
      assertThat(recorder.sequences()).hasSize(4001).first().isEqualTo(1L);
      assertConsecutive(recorder.sequences());
    }
    await().atMost(WAIT).until(late::sawTerminal);
    assertConsecutive(late.sequences());
    assertThat(late.sequences().get(late.sequences().size() - 1)).isEqualTo(4001L);
  }

  @Test
  void subscribe_whenDeploymentHasUpdates_lateSubscriberGetsCurrentStateFirst() {
    ProgressTracker tracker = directTracker();
    tracker.update(ID, DeploymentStatus.GENERATING, "Generating");
    ProgressUpdate latest = tracker.update(ID, DeploymentStatus.CONFIGURING, "Configuring");
    Recorder recorder = new Recorder();

    tracker.subscribe(ID, recorder);
    ProgressUpdate next = tracker.update(ID, DeploymentStatus.UPLOADING, "Uploading");

    assertThat(recorder.updates).containsExactly(latest, next);
  }

  @Test
  void subscribe_whenDeploymentUnknown_receivesFirstUpdate() {
    ProgressTracker tracker = directTracker();
    Recorder recorder = new Recorder();

    tracker.subscribe(ID, recorder);
    ProgressUpdate first = tracker.update(ID, DeploymentStatus.PENDING, "Queued");

    assertThat(recorder.updates).containsExactly(first);
  }

  @Test
  void subscribe_whenOneListenerBlocks_othersStillReceiveTerminal() throws Exception {
    ProgressTracker tracker = asyncTracker();
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch slowEntered = new CountDownLatch(1);
    List<ProgressUpdate> slowSeen = new CopyOnWriteArrayList<>();
    try {
      tracker.subscribe(
          ID,
          update -> {
            slowSeen.add(update);
            slowEntered.countDown();
            try {
              release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
      Recorder fast = new Recorder();
      tracker.subscribe(ID, fast);

      tracker.update(ID, DeploymentStatus.BUILDING, "Building");
      assertThat(slowEntered.await(5, TimeUnit.SECONDS)).isTrue();
      for (int i = 0; i < 50; i++) {
        tracker.update(ID, DeploymentStatus.BUILDING, "line " + i);
      }
      tracker.complete(ID, "https://app.example");

      await().atMost(WAIT).until(fast::sawTerminal);
      assertThat(fast.updates).hasSize(52);
      assertThat(slowSeen).hasSize(1);
    } finally {
      release.countDown();
    }
    await().atMost(WAIT).until(() -> slowSeen.size() == 52);
  }

  @Test
  void subscribe_whenListenerThrows_othersAndItsLaterDeliveriesContinue() {
    ProgressTracker tracker = asyncTracker();
    List<ProgressUpdate> thrower = new CopyOnWriteArrayList<>();
    tracker.subscribe(
        ID,
        update -> {
          thrower.add(update);
          throw new IllegalStateException("listener bug");
        });
    Recorder other = new Recorder();
    tracker.subscribe(ID, other);

    tracker.update(ID, DeploymentStatus.BUILDING, "one");
    tracker.update(ID, DeploymentStatus.BUILDING, "two");
    tracker.fail(ID, DeploymentError.of(ErrorCode.BUILD_FAILED, "Build failed"));

    await().atMost(WAIT).until(other::sawTerminal);
    await().atMost(WAIT).until(() -> thrower.size() == 3);
    assertThat(thrower.get(2).status()).isEqualTo(DeploymentStatus.FAILED);
    assertThat(other.sequences()).containsExactly(1L, 2L, 3L);
  }

  @Test
  void close_whenSubscriptionClosed_stopsDeliveryAndIsIdempotent() {
    ProgressTracker tracker = directTracker();
    Recorder recorder = new Recorder();
    Subscription subscription = tracker.subscribe(ID, recorder);
    ProgressUpdate first = tracker.update(ID, DeploymentStatus.BUILDING, "one");

    subscription.close();
    subscription.close();
    tracker.update(ID, DeploymentStatus.BUILDING, "two");
    tracker.complete(ID, "https://app.example");

    assertThat(recorder.updates).containsExactly(first);
  }

  @Test
  void updateLogs_whenMoreLinesThanBuffer_keepsNewestAndCurrentStatus() {
    ProgressTracker tracker = tracker(ProgressTracker.builder().logBufferLines(3));

    ProgressUpdate unknown = tracker.updateLogs(ID, List.of("a", "b"));
    tracker.update(ID, DeploymentStatus.BUILDING, "Building");
    ProgressUpdate logs = tracker.updateLogs(ID, List.of("c", "d", "e"));

    assertThat(unknown.status()).isEqualTo(DeploymentStatus.PENDING);
    assertThat(unknown.message()).isEqualTo("Build log");
    assertThat(logs.status()).isEqualTo(DeploymentStatus.BUILDING);
    assertThat(logs.logLines()).containsExactly("c", "d", "e");
    assertThat(tracker.logs(ID)).containsExactly("c", "d", "e");
    assertThat(tracker.logs("unknown")).isEmpty();
  }

  @Test
  void history_whenMoreUpdatesThanHistorySize_keepsNewest() {
    ProgressTracker tracker = tracker(ProgressTracker.builder().historySize(3));
    for (int i = 0; i < 10; i++) {
      tracker.update(ID, DeploymentStatus.BUILDING, "#" + i);
    }

    assertThat(tracker.history(ID)).extracting(ProgressUpdate::sequence).containsExactly(8L, 9L, 10L);
  }

  @Test
  void subscribeAfterSequence_whenUpdatesConcurrent_replaysWithoutGapOrDuplicate()
      throws Exception {
    // History large enough to hold every update, so the replay never falls back to the current state.
    ProgressTracker tracker = tracker(ProgressTracker.builder().historySize(4000));
    CountDownLatch started = new CountDownLatch(1);
    Future<?> producer =
        producers.submit(
            () -> {
              for (int i = 0; i < 3000; i++) {
                tracker.update(ID, DeploymentStatus.BUILDING, "#" + i);
                if (i == 100) {
                  started.countDown();
                }
              }
              tracker.complete(ID, "https://app.example");
            });
    assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
    Recorder recorder = new Recorder();

    tracker.subscribe(ID, 10, recorder);
    producer.get(5, TimeUnit.SECONDS);

    await().atMost(WAIT).until(recorder::sawTerminal);
    assertThat(recorder.sequences()).first().isEqualTo(11L);
    assertThat(recorder.sequences()).hasSize(3001 - 10);
    assertConsecutive(recorder.sequences());
  }

  @Test
  void subscribeAfterSequence_whenHistoryLostSome_startsWithCurrentState() {
    ProgressTracker tracker = tracker(ProgressTracker.builder().executor(Runnable::run).historySize(5));
    for (int i = 0; i < 20; i++) {
      tracker.update(ID, DeploymentStatus.BUILDING, "#" + i);
    }
    Recorder recorder = new Recorder();

    tracker.subscribe(ID, 2, recorder);
    tracker.update(ID, DeploymentStatus.BUILDING, "live");

    assertThat(recorder.sequences()).containsExactly(20L, 21L);
  }

  @Test
  void subscribeAfterSequence_whenDeploymentEndedAtThatSequence_deliversNothing() {
    ProgressTracker tracker = directTracker();
    tracker.update(ID, DeploymentStatus.BUILDING, "Building");
    tracker.complete(ID, "https://app.example");
    Recorder recorder = new Recorder();

    tracker.subscribe(ID, 2, recorder);

    assertThat(recorder.updates).isEmpty();
  }

  @Test
  void complete_whenDeploymentEnded_ignoresLaterUpdatesAndReturnsTerminal() {
    ProgressTracker tracker = directTracker();
    Recorder recorder = new Recorder();
    tracker.subscribe(ID, recorder);
    ProgressUpdate terminal = tracker.complete(ID, "https://app.example");

    ProgressUpdate after = tracker.update(ID, DeploymentStatus.BUILDING, "late");
    ProgressUpdate failed = tracker.fail(ID, DeploymentError.of(ErrorCode.UNKNOWN, "late"));
    Recorder lateSubscriber = new Recorder();
    tracker.subscribe(ID, lateSubscriber);

    assertThat(terminal.status()).isEqualTo(DeploymentStatus.SUCCESS);
    assertThat(terminal.deploymentUrl()).isEqualTo("https://app.example");
    assertThat(after).isSameAs(terminal);
    assertThat(failed).isSameAs(terminal);
    assertThat(recorder.updates).containsExactly(terminal);
    assertThat(lateSubscriber.updates).containsExactly(terminal);
    assertThat(tracker.history(ID)).containsExactly(terminal);
  }

  @Test
  void end_whenStatusNotTerminal_throwsIllegalArgument() {
    ProgressTracker tracker = directTracker();

    assertThatThrownBy(() -> tracker.end(ID, DeploymentStatus.BUILDING, "no", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("BUILDING");
    ProgressUpdate cancelled = tracker.end(ID, DeploymentStatus.CANCELLED, "Cancelled by user", null);
    assertThat(cancelled.isTerminal()).isTrue();
  }

  @Test
  void retention_whenNoSchedulerAndClockPassesRetention_removesStateLazily() {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    ProgressTracker tracker =
        tracker(ProgressTracker.builder().clock(clock).retention(Duration.ofMinutes(10)));
    tracker.updateLogs(ID, List.of("line"));
    tracker.complete(ID, "https://app.example");

    clock.advance(Duration.ofMinutes(9));
    assertThat(tracker.current(ID)).isPresent();
    clock.advance(Duration.ofMinutes(1));

    assertThat(tracker.current(ID)).isEmpty();
    assertThat(tracker.history(ID)).isEmpty();
    assertThat(tracker.logs(ID)).isEmpty();
    assertThat(tracker.update(ID, DeploymentStatus.PENDING, "again").sequence()).isEqualTo(1);
  }

  @Test
  void retention_whenSchedulerGiven_schedulesRemovalAfterRetention() {
    ScheduledExecutorService scheduler = mock(ScheduledExecutorService.class);
    ProgressTracker tracker =
        tracker(ProgressTracker.builder().scheduler(scheduler).retention(Duration.ofSeconds(90)));
    tracker.update(ID, DeploymentStatus.BUILDING, "Building");
    tracker.fail(ID, DeploymentError.of(ErrorCode.BUILD_FAILED, "Build failed"));
    ArgumentCaptor<Runnable> task = ArgumentCaptor.forClass(Runnable.class);
    verify(scheduler).schedule(task.capture(), eq(90_000L), eq(TimeUnit.MILLISECONDS));
    assertThat(tracker.current(ID)).isPresent();

    task.getValue().run();

    assertThat(tracker.current(ID)).isEmpty();
  }

  @Test
  void forget_whenSubscribed_removesStateAndEndsSubscription() {
    ProgressTracker tracker = directTracker();
    Recorder recorder = new Recorder();
    tracker.subscribe(ID, recorder);
    tracker.update(ID, DeploymentStatus.BUILDING, "Building");

    tracker.forget(ID);
    ProgressUpdate fresh = tracker.update(ID, DeploymentStatus.PENDING, "again");

    assertThat(tracker.current(ID)).contains(fresh);
    assertThat(fresh.sequence()).isEqualTo(1);
    assertThat(recorder.sequences()).containsExactly(1L);
  }

  @Test
  void listenerQueueCapacity_whenListenerSlow_dropsOldestButKeepsTerminal() {
    List<Runnable> tasks = new ArrayList<>();
    ProgressTracker tracker =
        tracker(ProgressTracker.builder().executor(tasks::add).listenerQueueCapacity(3));
    Recorder recorder = new Recorder();
    tracker.subscribe(ID, recorder);
    for (int i = 0; i < 10; i++) {
      tracker.update(ID, DeploymentStatus.BUILDING, "#" + i);
    }
    tracker.complete(ID, "https://app.example");

    while (!tasks.isEmpty()) {
      tasks.remove(0).run();
    }

    assertThat(recorder.sequences()).containsExactly(9L, 10L, 11L);
    assertThat(recorder.sawTerminal()).isTrue();
  }

  @Test
  void close_whenTrackerCreatedPool_shutsItDownButLeavesGivenExecutor() {
    ExecutorService given = Executors.newSingleThreadExecutor();
    try {
      ProgressTracker withGiven = ProgressTracker.builder().executor(given).build();
      withGiven.close();
      assertThat(given.isShutdown()).isFalse();

      ProgressTracker own = ProgressTracker.create();
      Recorder recorder = new Recorder();
      own.subscribe(ID, recorder);
      own.update(ID, DeploymentStatus.BUILDING, "Building");
      await().atMost(WAIT).until(() -> recorder.updates.size() == 1);
      AtomicReference<String> threadName = new AtomicReference<>();
      own.subscribe(ID, update -> threadName.set(Thread.currentThread().getName()));
      await().atMost(WAIT).until(() -> threadName.get() != null);
      assertThat(threadName.get()).startsWith("deploykit-progress-");
      own.close();
      own.close();
    } finally {
      given.shutdownNow();
    }
  }

  @Test
  void publisher_whenRequestOne_deliversExactlyOne() {
    ProgressTracker tracker = directTracker();
    FlowRecorder subscriber = new FlowRecorder(1);
    tracker.publisher(ID).subscribe(subscriber);

    tracker.update(ID, DeploymentStatus.GENERATING, "one");
    tracker.update(ID, DeploymentStatus.UPLOADING, "two");
    tracker.update(ID, DeploymentStatus.BUILDING, "three");

    assertThat(subscriber.sequences()).containsExactly(1L);
    subscriber.subscription.request(2);
    assertThat(subscriber.sequences()).containsExactly(1L, 2L, 3L);

    tracker.complete(ID, "https://app.example");
    assertThat(subscriber.completed).isFalse();
    subscriber.subscription.request(5);
    assertThat(subscriber.sequences()).containsExactly(1L, 2L, 3L, 4L);
    assertThat(subscriber.completed).isTrue();
  }

  @Test
  void publisher_whenRequestNotPositive_signalsIllegalArgument() {
    ProgressTracker tracker = directTracker();
    FlowRecorder subscriber = new FlowRecorder(0);
    tracker.publisher(ID).subscribe(subscriber);

    subscriber.subscription.request(0);
    tracker.update(ID, DeploymentStatus.BUILDING, "Building");

    assertThat(subscriber.error).isInstanceOf(IllegalArgumentException.class);
    assertThat(subscriber.updates).isEmpty();
  }

  @Test
  void publisher_whenCancelled_deliversNothingMore() {
    ProgressTracker tracker = directTracker();
    FlowRecorder subscriber = new FlowRecorder(Long.MAX_VALUE);
    tracker.publisher(ID).subscribe(subscriber);
    tracker.update(ID, DeploymentStatus.BUILDING, "one");

    subscriber.subscription.cancel();
    tracker.update(ID, DeploymentStatus.BUILDING, "two");
    tracker.complete(ID, "https://app.example");

    assertThat(subscriber.sequences()).containsExactly(1L);
    assertThat(subscriber.completed).isFalse();
  }

  @Test
  void publisher_whenAsync_completesAfterTerminal() {
    ProgressTracker tracker = asyncTracker();
    tracker.update(ID, DeploymentStatus.BUILDING, "one");
    FlowRecorder subscriber = new FlowRecorder(Long.MAX_VALUE);

    tracker.publisher(ID).subscribe(subscriber);
    tracker.update(ID, DeploymentStatus.BUILDING, "two");
    tracker.complete(ID, "https://app.example");

    await().atMost(WAIT).until(() -> subscriber.completed);
    assertThat(subscriber.sequences()).containsExactly(1L, 2L, 3L);
  }

  @Test
  void builder_whenSizesNotPositive_throwsIllegalArgument() {
    assertThatThrownBy(() -> ProgressTracker.builder().historySize(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("historySize");
    assertThatThrownBy(() -> ProgressTracker.builder().retention(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static void assertConsecutive(List<Long> sequences) {
    for (int i = 1; i < sequences.size(); i++) {
      assertThat(sequences.get(i)).as("sequence after %s", sequences.get(i - 1))
          .isEqualTo(sequences.get(i - 1) + 1);
    }
  }

  private static final class Recorder implements ProgressListener {
    final List<ProgressUpdate> updates = new CopyOnWriteArrayList<>();

    @Override
    public void onUpdate(ProgressUpdate update) {
      updates.add(update);
    }

    boolean sawTerminal() {
      return updates.stream().anyMatch(ProgressUpdate::isTerminal);
    }

    List<Long> sequences() {
      return updates.stream().map(ProgressUpdate::sequence).toList();
    }
  }

  private static final class FlowRecorder implements Flow.Subscriber<ProgressUpdate> {
    private final long initialRequest;
    final List<ProgressUpdate> updates = new CopyOnWriteArrayList<>();
    volatile Flow.Subscription subscription;
    volatile boolean completed;
    volatile Throwable error;

    FlowRecorder(long initialRequest) {
      this.initialRequest = initialRequest;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      if (initialRequest > 0) {
        subscription.request(initialRequest);
      }
    }

    @Override
    public void onNext(ProgressUpdate item) {
      updates.add(item);
    }

    @Override
    public void onError(Throwable throwable) {
      error = throwable;
    }

    @Override
    public void onComplete() {
      completed = true;
    }

    List<Long> sequences() {
      return updates.stream().map(ProgressUpdate::sequence).toList();
    }
  }

  static final class MutableClock extends Clock {
    private final AtomicReference<Instant> now;

    MutableClock(Instant start) {
      this.now = new AtomicReference<>(start);
    }

    void advance(Duration duration) {
      now.updateAndGet(instant -> instant.plus(duration));
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  }
}
