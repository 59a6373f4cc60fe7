package dev.deploykit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ServerSentEventsTest {

  private static final String ID = "dep-1";
  private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

  private final ServerSentEvents sse = ServerSentEvents.create();
  /** Delivers on the updating thread, so every assertion runs after delivery. */
  private final ProgressTracker tracker =
      ProgressTracker.builder()
          .executor(Runnable::run)
          .clock(Clock.fixed(NOW, ZoneOffset.UTC))
          .build();

  @AfterEach
  void tearDown() {
    tracker.close();
  }

  @Test
  void frame_whenUploadingUpdate_producesExactText() {
    ProgressUpdate update =
        tracker.update(ID, DeploymentStatus.UPLOADING, "Uploading files", new UploadProgress(1, 2, 30, 40));

    assertThat(sse.frame(update))
        .isEqualTo(
            "id: 1\n"
                + "event: uploading\n"
                + "data: {\"deploymentId\":\"dep-1\",\"sequence\":1,\"status\":\"UPLOADING\","
                + "\"message\":\"Uploading files\",\"logLines\":[],\"deploymentUrl\":null,"
                + "\"error\":null,\"upload\":{\"filesDone\":1,\"filesTotal\":2,\"bytesDone\":30,"
                + "\"bytesTotal\":40},\"timestamp\":\"2026-01-02T03:04:05Z\"}\n"
                + "\n");
  }

  @Test
  void frame_whenFailedUpdate_includesErrorJson() {
    DeploymentError error =
        DeploymentError.of(ErrorCode.RATE_LIMIT_EXCEEDED, "Too many requests")
            .withPlatform("vercel")
            .withHttpStatus(429)
            .withRetryAfter(Duration.ofSeconds(30))
            .withRequestId("req-9")
            .withDetails(List.of("limit: 100/h"));
    ProgressUpdate update = tracker.fail(ID, error);

    assertThat(sse.frame(update))
        .startsWith("id: 1\nevent: failed\ndata: ")
        .contains(
            "\"status\":\"FAILED\"",
            "\"error\":{\"code\":\"RATE_LIMIT_EXCEEDED\",\"message\":\"Too many requests\","
                + "\"platform\":\"vercel\",\"httpStatus\":429,\"retryAfterSeconds\":30,"
                + "\"requestId\":\"req-9\",\"details\":[\"limit: 100/h\"]}",
            "\"upload\":null")
        .endsWith("}\n\n");
  }

  @Test
  void frame_whenMessageHasNewlines_staysOneDataLine() {
    ProgressUpdate update = tracker.updateLogs(ID, List.of("line one\nline two", "three\r"));

    String frame = sse.frame(update);

    assertThat(frame.lines().filter(line -> line.startsWith("data: "))).hasSize(1);
    assertThat(frame).contains("\"logLines\":[\"line one\\nline two\",\"three\\r\"]");
    assertThat(frame.split("\n", -1)).hasSize(5);
  }

  @Test
  void comment_whenText_producesCommentFrame() {
    assertThat(sse.comment("keep-alive")).isEqualTo(": keep-alive\n\n");
    assertThat(sse.comment("a\nb")).isEqualTo(": a\n: b\n\n");
  }

  @Test
  void retry_whenDuration_producesRetryFieldInMillis() {
    assertThat(sse.retry(Duration.ofSeconds(3))).isEqualTo("retry: 3000\n\n");
    assertThatThrownBy(() -> sse.retry(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void stream_whenLastEventIdGiven_sendsLaterFramesThenLiveThenCloses() {
    for (int i = 1; i <= 5; i++) {
      tracker.update(ID, DeploymentStatus.BUILDING, "#" + i);
    }
    RecordingSink sink = new RecordingSink();

    sse.stream(tracker, ID, "3", sink);
    assertThat(sink.ids()).containsExactly("4", "5");
    tracker.update(ID, DeploymentStatus.BUILDING, "#6");
    ProgressUpdate terminal = tracker.complete(ID, "https://app.example");

    assertThat(sink.ids()).containsExactly("4", "5", "6", "7");
    assertThat(sink.frames.get(3)).isEqualTo(sse.frame(terminal)).contains("event: success\n");
    assertThat(sink.closed.get()).isEqualTo(1);
  }

  @Test
  void stream_whenLastEventIdGarbage_replaysFromStartOfHistory() {
    tracker.update(ID, DeploymentStatus.GENERATING, "one");
    tracker.update(ID, DeploymentStatus.BUILDING, "two");

    RecordingSink garbage = new RecordingSink();
    sse.stream(tracker, ID, "not-a-number", garbage);
    RecordingSink blank = new RecordingSink();
    sse.stream(tracker, ID, " ", blank);
    RecordingSink none = new RecordingSink();
    sse.stream(tracker, ID, null, none);

    assertThat(garbage.ids()).containsExactly("1", "2");
    assertThat(blank.ids()).containsExactly("1", "2");
    assertThat(none.ids()).containsExactly("1", "2");
  }

  @Test
  void stream_whenDeploymentEndedAtLastEventId_closesSinkWithoutFrames() {
    tracker.update(ID, DeploymentStatus.BUILDING, "Building");
    tracker.complete(ID, "https://app.example");
    RecordingSink sink = new RecordingSink();

    sse.stream(tracker, ID, "2", sink);

    assertThat(sink.frames).isEmpty();
    assertThat(sink.closed.get()).isEqualTo(1);
  }

  @Test
  void stream_whenSinkThrowsIOException_closesSubscriptionQuietly() {
    AtomicInteger attempts = new AtomicInteger();
    RecordingSink sink =
        new RecordingSink() {
          @Override
          public void send(String frame) throws IOException {
            if (attempts.incrementAndGet() == 2) {
              throw new IOException("Broken pipe");
            }
            super.send(frame);
          }
        };
    sse.stream(tracker, ID, null, sink);

    tracker.update(ID, DeploymentStatus.BUILDING, "one");
    tracker.update(ID, DeploymentStatus.BUILDING, "two");
    tracker.update(ID, DeploymentStatus.BUILDING, "three");
    tracker.complete(ID, "https://app.example");

    assertThat(attempts.get()).isEqualTo(2);
    assertThat(sink.ids()).containsExactly("1");
    assertThat(sink.closed.get()).isEqualTo(1);
  }

  @Test
  void stream_whenSubscriptionClosedByCaller_stopsWithoutClosingSink() {
    RecordingSink sink = new RecordingSink();
    Subscription subscription = sse.stream(tracker, ID, null, sink);
    tracker.update(ID, DeploymentStatus.BUILDING, "one");

    subscription.close();
    tracker.complete(ID, "https://app.example");

    assertThat(sink.ids()).containsExactly("1");
    assertThat(sink.closed.get()).isZero();
  }

  private static class RecordingSink implements SseSink {
    final List<String> frames = new CopyOnWriteArrayList<>();
    final AtomicInteger closed = new AtomicInteger();

    @Override
    public void send(String frame) throws IOException {
      frames.add(frame);
    }

    @Override
    public void close() {
      closed.incrementAndGet();
    }

    List<String> ids() {
      return frames.stream().map(frame -> frame.substring(4, frame.indexOf('\n'))).toList();
    }
  }
}
