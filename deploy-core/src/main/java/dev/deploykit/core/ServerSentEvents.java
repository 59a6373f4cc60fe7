package dev.deploykit.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns progress updates into Server-Sent-Events ({@code text/event-stream}) frames, and streams a
 * deployment's progress to a client with replay from its {@code Last-Event-ID}.
 *
 * <p>A frame looks like:
 *
 * <pre>{@code
 * id: 3
 * event: uploading
 * data: {"deploymentId":"d-1","sequence":3,"status":"UPLOADING","message":"Uploading", ...}
 *
 * }</pre>
 *
 * <p>The event name is the status in lower case ({@code pending}, {@code building}, {@code
 * success}, {@code failed}, …); the data is one line of JSON with the fields {@code deploymentId,
 * sequence, status, message, logLines, deploymentUrl, error{code, message, platform, httpStatus,
 * retryAfterSeconds, requestId, details}, upload{filesDone, filesTotal, bytesDone, bytesTotal},
 * timestamp} (ISO-8601), absent values as {@code null}.
 *
 * <p>Immutable and thread-safe.
 */
public final class ServerSentEvents {

  private static final Logger log = LoggerFactory.getLogger(ServerSentEvents.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final ServerSentEvents INSTANCE = new ServerSentEvents();

  private ServerSentEvents() {}

  /** Returns the (stateless) frame writer. */
  public static ServerSentEvents create() {
    return INSTANCE;
  }

  /**
   * Returns the frame for an update: {@code id}, {@code event}, one {@code data} line per line of
   * JSON, and the blank line that ends the event.
   *
   * @throws NullPointerException if {@code update} is null
   */
  public String frame(ProgressUpdate update) {
    Objects.requireNonNull(update, "update");
    StringBuilder frame = new StringBuilder(256);
    frame.append("id: ").append(update.sequence()).append('\n');
    frame.append("event: ").append(update.status().name().toLowerCase(Locale.ROOT)).append('\n');
    appendField(frame, "data", json(update));
    return frame.append('\n').toString();
  }

  /**
   * Returns a comment frame ({@code : text}, then a blank line), e.g. a keep-alive that proxies do
   * not time out; clients ignore it. A multi-line text becomes one comment line per line.
   *
   * @throws NullPointerException if {@code text} is null
   */
  public String comment(String text) {
    Objects.requireNonNull(text, "text");
    StringBuilder frame = new StringBuilder(text.length() + 4);
    for (String line : text.split("\r\n|\r|\n", -1)) {
      frame.append(':').append(' ').append(line).append('\n');
    }
    return frame.append('\n').toString();
  }

  /**
   * Returns a frame telling the client how long to wait before reconnecting: {@code retry: <ms>},
   * then a blank line.
   *
   * @throws IllegalArgumentException if {@code delay} is negative
   * @throws NullPointerException if {@code delay} is null
   */
  public String retry(Duration delay) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("retry delay must not be negative, got " + delay);
    }
    return "retry: " + delay.toMillis() + "\n\n";
  }

  /**
   * Streams a deployment's progress to {@code sink}: first the retained updates after {@code
   * lastEventId} (the {@code Last-Event-ID} request header), then every live update, one frame each;
   * after the terminal frame it calls {@link SseSink#close()}. A {@code lastEventId} that is {@code
   * null}, blank or not a number replays from the start of the retained history (as {@code
   * afterSequence} 0); if the history no longer reaches back that far, the stream starts with the
   * current state. If the deployment already ended at or before {@code lastEventId}, nothing is sent
   * and the sink is closed.
   *
   * <p>An {@link IOException} from the sink means the client went away: the subscription closes
   * quietly and the sink is closed. Frames are sent on the tracker's executor, one at a time.
   *
   * @return the subscription; close it to stop streaming (the sink is then not closed)
   * @throws NullPointerException if {@code tracker}, {@code deploymentId} or {@code sink} is null
   */
  public Subscription stream(
      ProgressTracker tracker, String deploymentId, @Nullable String lastEventId, SseSink sink) {
    Objects.requireNonNull(tracker, "tracker");
    Objects.requireNonNull(deploymentId, "deploymentId");
    Objects.requireNonNull(sink, "sink");
    StreamListener listener = new StreamListener(deploymentId, sink);
    Subscription subscription =
        tracker.subscribe(deploymentId, parseLastEventId(lastEventId), listener, listener::end);
    listener.attach(subscription);
    return subscription;
  }

  private static long parseLastEventId(@Nullable String lastEventId) {
    if (lastEventId == null || lastEventId.isBlank()) {
      return 0;
    }
    try {
      return Math.max(0, Long.parseLong(lastEventId.strip()));
    } catch (NumberFormatException e) {
      log.debug("Ignoring Last-Event-ID that is not a number: replaying from the start");
      return 0;
    }
  }

  private static void appendField(StringBuilder frame, String field, String value) {
    for (String line : value.split("\r\n|\r|\n", -1)) {
      frame.append(field).append(':').append(' ').append(line).append('\n');
    }
  }

  private static String json(ProgressUpdate update) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("deploymentId", update.deploymentId());
    node.put("sequence", update.sequence());
    node.put("status", update.status().name());
    node.put("message", update.message());
    ArrayNode lines = node.putArray("logLines");
    update.logLines().forEach(lines::add);
    node.put("deploymentUrl", update.deploymentUrl());
    DeploymentError error = update.error();
    if (error == null) {
      node.putNull("error");
    } else {
      ObjectNode e = node.putObject("error");
      e.put("code", error.code().name());
      e.put("message", error.message());
      e.put("platform", error.platform());
      e.put("httpStatus", error.httpStatus());
      Duration retryAfter = error.retryAfter();
      if (retryAfter == null) {
        e.putNull("retryAfterSeconds");
      } else {
        e.put("retryAfterSeconds", retryAfter.toSeconds());
      }
      e.put("requestId", error.requestId());
      ArrayNode details = e.putArray("details");
      error.details().forEach(details::add);
    }
    UploadProgress upload = update.upload();
    if (upload == null) {
      node.putNull("upload");
    } else {
      ObjectNode u = node.putObject("upload");
      u.put("filesDone", upload.filesDone());
      u.put("filesTotal", upload.filesTotal());
      u.put("bytesDone", upload.bytesDone());
      u.put("bytesTotal", upload.bytesTotal());
    }
    node.put("timestamp", update.timestamp().toString());
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return "ServerSentEvents";
  }

  /** Sends frames to one sink; called serially by the tracker. */
  private final class StreamListener implements ProgressListener {

    private final String deploymentId;
    private final SseSink sink;
    private final AtomicBoolean gone = new AtomicBoolean();
    private volatile @Nullable Subscription subscription;

    StreamListener(String deploymentId, SseSink sink) {
      this.deploymentId = deploymentId;
      this.sink = sink;
    }

    void attach(Subscription subscription) {
      this.subscription = subscription;
      if (gone.get()) {
        subscription.close();
      }
    }

    @Override
    public void onUpdate(ProgressUpdate update) {
      if (gone.get()) {
        return;
      }
      try {
        sink.send(frame(update));
      } catch (IOException e) {
        log.debug("SSE client of deployment {} went away; closing its stream", deploymentId, e);
        if (gone.compareAndSet(false, true)) {
          Subscription current = subscription;
          if (current != null) {
            current.close();
          }
          closeSink();
        }
      }
    }

    void end() {
      if (gone.compareAndSet(false, true)) {
        closeSink();
      }
    }

    private void closeSink() {
      try {
        sink.close();
      } catch (RuntimeException e) {
        log.debug("Closing the SSE sink of deployment {} failed", deploymentId, e);
      }
    }

    @Override
    public String toString() {
      return "SseStream[deploymentId=" + deploymentId + "]";
    }
  }
}
