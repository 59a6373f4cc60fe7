package dev.deploykit.examples.web;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import dev.deploykit.core.ProgressTracker;
import dev.deploykit.core.ProgressUpdate;
import dev.deploykit.core.ServerSentEvents;
import dev.deploykit.core.SseSink;
import dev.deploykit.core.Subscription;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code GET /api/deployments/{id}/events}: a deployment's progress as {@code
 * text/event-stream}, written by the library's {@link ServerSentEvents} with replay from the
 * browser's {@code Last-Event-ID}.
 *
 * <p>Each open stream holds one thread of the server's pool, which writes the frames the tracker
 * queues for it (so a slow browser never holds a tracker thread) and a keep-alive comment when
 * nothing happens; at most {@code maxStreams} are open at once, so API calls always keep threads.
 * A stream ends after the terminal frame, when the browser goes away, or on {@link #dropAll()}.
 */
final class EventStreams {
  private static final Logger log = LoggerFactory.getLogger(EventStreams.class);
  private static final String END = "\u0000end";
  /** Frames a stream may hold for a browser that does not read; beyond, it is dropped. */
  private static final int QUEUE_CAPACITY = 4096;

  private final ProgressTracker tracker;
  private final ServerSentEvents sse = ServerSentEvents.create();
  private final Duration retry;
  private final Duration keepAlive;
  private final int maxStreams;
  private final Set<OpenStream> open = ConcurrentHashMap.newKeySet();
  private final List<Resume> resumes = new ArrayList<>();

  EventStreams(ProgressTracker tracker, Duration retry, Duration keepAlive, int maxStreams) {
    this.tracker = tracker;
    this.retry = retry;
    this.keepAlive = keepAlive;
    this.maxStreams = maxStreams;
  }

  /**
   * Streams a deployment's progress on this thread until the stream ends.
   *
   * @throws ApiException 404 if no progress is kept for the deployment, 503 if too many streams are
   *     open
   */
  void serve(HttpExchange exchange, String deploymentId) throws IOException, ApiException {
    String lastEventId = exchange.getRequestHeaders().getFirst("Last-Event-ID");
    Optional<ProgressUpdate> current = tracker.current(deploymentId);
    if (current.isEmpty()) {
      throw new ApiException(404, "NOT_FOUND",
          "No progress is kept for deployment " + deploymentId + " (unknown, or ended long ago)");
    }
    if (current.get().isTerminal() && sequence(lastEventId) >= current.get().sequence()) {
      // Everything was seen: 204 tells EventSource not to reconnect again.
      HttpIo.send(exchange, 204, "text/plain", new byte[0]);
      return;
    }
    OpenStream stream = new OpenStream();
    synchronized (open) {
      if (open.size() >= maxStreams) {
        exchange.getResponseHeaders().set("Retry-After", "5");
        throw new ApiException(503, "TOO_MANY_STREAMS",
            "Too many progress streams are open (" + maxStreams + "); close other tabs and reload");
      }
      open.add(stream);
    }
    Subscription subscription = null;
    try {
      Headers headers = exchange.getResponseHeaders();
      headers.set("Content-Type", "text/event-stream; charset=utf-8");
      headers.set("Cache-Control", "no-store");
      headers.set("X-Accel-Buffering", "no");
      exchange.sendResponseHeaders(200, 0);
      OutputStream body = exchange.getResponseBody();
      write(body, sse.retry(retry));
      subscription = sse.stream(tracker, deploymentId, lastEventId, stream);
      log.debug("Progress stream of {} opened (Last-Event-ID {})", deploymentId, lastEventId);
      boolean first = true;
      while (true) {
        String frame = stream.queue.poll(keepAlive.toMillis(), TimeUnit.MILLISECONDS);
        if (stream.dropped) {
          break;
        }
        if (frame == null) {
          write(body, sse.comment("keep-alive"));
          continue;
        }
        if (frame.equals(END)) {
          break;
        }
        if (first) {
          first = false;
          record(lastEventId, frame, current.get().sequence());
        }
        write(body, frame);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      log.debug("Progress stream of {} ended: the browser went away", deploymentId);
    } finally {
      if (subscription != null) {
        subscription.close();
      }
      open.remove(stream);
      exchange.close();
    }
  }

  private static void write(OutputStream body, String text) throws IOException {
    body.write(HttpIo.utf8(text));
    body.flush();
  }

  private static long sequence(@Nullable String lastEventId) {
    if (lastEventId == null) {
      return 0;
    }
    try {
      return Long.parseLong(lastEventId.strip());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private void record(@Nullable String lastEventId, String frame, long latestAtOpen) {
    if (lastEventId == null) {
      return;
    }
    long firstId = frame.startsWith("id: ")
        ? Long.parseLong(frame.substring(4, frame.indexOf('\n')).strip()) : -1;
    synchronized (resumes) {
      if (resumes.size() < 100) {
        resumes.add(new Resume(lastEventId, firstId, latestAtOpen));
      }
    }
  }

  /** Returns how many streams are open. */
  int openCount() {
    return open.size();
  }

  /**
   * Ends every open stream at once, as a dropped connection would, without writing the frames
   * still queued; browsers reconnect with {@code Last-Event-ID}.
   *
   * @return how many streams were dropped
   */
  int dropAll() {
    int n = 0;
    for (OpenStream stream : open) {
      stream.dropped = true;
      stream.queue.offer(END);
      n++;
    }
    return n;
  }

  /**
   * Returns the streams opened with a {@code Last-Event-ID} (at most 100): the id received, the
   * first frame's id, and the deployment's latest sequence when the stream was opened.
   */
  List<Resume> resumes() {
    synchronized (resumes) {
      return List.copyOf(resumes);
    }
  }

  /** A stream that was opened with a {@code Last-Event-ID}. */
  record Resume(String lastEventId, long firstFrameId, long latestAtOpen) {}

  /** Receives frames on a tracker thread and queues them for the stream's own thread. */
  private static final class OpenStream implements SseSink {
    final BlockingQueue<String> queue = new LinkedBlockingQueue<>(QUEUE_CAPACITY);
    volatile boolean dropped;

    @Override
    public void send(String frame) throws IOException {
      if (!queue.offer(frame)) {
        throw new IOException("The browser reads too slowly; dropping its stream");
      }
    }

    @Override
    public void close() {
      if (!queue.offer(END)) {
        dropped = true;
      }
    }
  }
}
