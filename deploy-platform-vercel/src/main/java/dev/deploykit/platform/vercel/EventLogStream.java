package dev.deploykit.platform.vercel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.deploykit.core.DeploymentException;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.spi.LogSink;
import dev.deploykit.core.spi.LogStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows {@code GET /v3/deployments/{id}/events?follow=1&direction=forward}: a body of JSON lines,
 * read as it arrives with a line subscriber (never buffered whole, no thread blocked).
 *
 * <ul>
 *   <li>Lines without {@code created} are keep-alives and are skipped; {@code stdout}, {@code
 *       stderr}, {@code command} and {@code fatal} events push their text to the sink, one line per
 *       line of text.
 *   <li>When the connection ends or breaks, the deployment's status is read: terminal ends the
 *       stream; otherwise it reconnects after a delay with {@code since=<created of the last
 *       event>}. Events already delivered (same {@code created} and {@code id}, or older) are
 *       skipped, whether the server treats {@code since} as inclusive or not.
 *   <li>While connected the status is also read every {@code logStatusInterval}, because Vercel
 *       does not close the stream when the build ends; once terminal, the stream ends after a
 *       short grace for late lines.
 * </ul>
 *
 * <p>Lines are delivered while holding this object's monitor, which {@link #close()} also takes, so
 * no line reaches the sink after {@code close()} returns.
 */
final class EventLogStream implements LogStream {
  private static final Logger LOG = LoggerFactory.getLogger(EventLogStream.class);
  private static final Set<String> TEXT_TYPES = Set.of("stdout", "stderr", "command", "fatal");
  private static final Duration GRACE = Duration.ofMillis(500);

  private final VercelApi api;
  private final VercelSettings settings;
  private final String deploymentId;
  private final LogSink sink;
  private final Supplier<CompletableFuture<Boolean>> terminal;
  private final ObjectReader reader;
  private final CompletableFuture<Void> done = new CompletableFuture<>();

  // guarded by this
  private boolean closed;
  private long lastCreated = -1;
  private final Set<String> idsAtLast = new HashSet<>();
  private int failures;
  private int connection;
  private Flow.@Nullable Subscription subscription;
  private @Nullable CompletableFuture<?> pending;
  private @Nullable ScheduledFuture<?> timer;
  private @Nullable ScheduledFuture<?> statusTimer;

  EventLogStream(VercelApi api, VercelSettings settings, String deploymentId, LogSink sink,
      Supplier<CompletableFuture<Boolean>> terminal) {
    this.api = api;
    this.settings = settings;
    this.deploymentId = deploymentId;
    this.sink = sink;
    this.terminal = terminal;
    this.reader = api.context().objectMapper().reader();
  }

  void start() {
    api.context().executor().execute(this::connect);
  }

  private void connect() {
    int myConnection;
    String path;
    synchronized (this) {
      if (closed) {
        return;
      }
      myConnection = ++connection;
      path = lastCreated < 0
          ? api.path("/v3/deployments/" + VercelApi.encode(deploymentId) + "/events",
              "follow", "1", "direction", "forward")
          : api.path("/v3/deployments/" + VercelApi.encode(deploymentId) + "/events",
              "follow", "1", "direction", "forward", "since", Long.toString(lastCreated));
    }
    HttpRequest request;
    try {
      // The request timeout bounds the wait for the response headers; if it ever cut a long body,
      // the stream would reconnect with since= and lose nothing.
      request = api.request(path).GET().build();
    } catch (RuntimeException e) {
      fail(e);
      return;
    }
    LineSubscriber lines = new LineSubscriber(myConnection);
    CompletableFuture<HttpResponse<byte[]>> sent;
    try {
      sent = api.context().httpClient().sendAsync(request,
          info -> info.statusCode() >= 200 && info.statusCode() < 300
              ? BodySubscribers.fromLineSubscriber(lines, s -> new byte[0],
                  StandardCharsets.UTF_8, null)
              : (BodySubscriber<byte[]>) BodySubscribers.ofByteArray());
    } catch (RuntimeException e) {
      fail(api.transportFailure(request, e));
      return;
    }
    boolean cancel;
    synchronized (this) {
      pending = sent;
      cancel = closed;
    }
    if (cancel) {
      sent.cancel(true); // outside the lock: see stopConnection
      return;
    }
    scheduleStatusCheck(myConnection);
    sent.whenComplete((response, thrown) -> {
      if (thrown != null) {
        ended(myConnection, api.transportFailure(request, thrown));
      } else if (response.statusCode() >= 200 && response.statusCode() < 300) {
        ended(myConnection, null);
      } else {
        DeploymentException e = api.mapError(response.statusCode(), response.headers(),
            response.body() == null ? new byte[0] : response.body());
        ended(myConnection, e);
      }
    });
  }

  /** One connection's body ended (normally, or with {@code error}). */
  private void ended(int myConnection, @Nullable Throwable error) {
    synchronized (this) {
      if (closed || myConnection != connection) {
        return;
      }
      cancelTimers();
    }
    if (error != null) {
      LOG.debug("Build events of {} broke off: {}", deploymentId, describe(error));
      if (isPermanent(error)) {
        fail(error);
        return;
      }
    }
    checkStatus(myConnection, error, true);
  }

  /** Reads the status: terminal ends the stream; otherwise, if {@code reconnect}, reconnects. */
  private void checkStatus(int myConnection, @Nullable Throwable lastError, boolean reconnect) {
    CompletableFuture<Boolean> f;
    try {
      f = terminal.get();
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    boolean cancel;
    synchronized (this) {
      cancel = closed;
      if (!cancel && reconnect) {
        pending = f;
      }
    }
    if (cancel) {
      f.cancel(true);
      return;
    }
    f.whenComplete((s, e) -> {
      if (e != null && isPermanent(VercelApi.unwrap(e))) {
        fail(VercelApi.unwrap(e));
        return;
      }
      if (Boolean.TRUE.equals(s)) {
        if (reconnect) {
          complete();
        } else {
          schedule(this::complete, GRACE);
        }
        return;
      }
      if (!reconnect) {
        scheduleStatusCheck(myConnection);
        return;
      }
      int n;
      synchronized (this) {
        if (closed || myConnection != connection) {
          return;
        }
        n = ++failures;
      }
      if (n > settings.logMaxReconnects()) {
        Throwable cause = lastError != null ? lastError : e != null ? VercelApi.unwrap(e)
            : new IOException("the build event stream kept ending without new events");
        fail(cause);
        return;
      }
      long delay = Math.min(settings.logReconnectDelay().toMillis() * (1L << Math.min(n - 1, 4)),
          Math.max(settings.logReconnectDelay().toMillis(), 10_000));
      synchronized (this) {
        timer = schedule(this::connect, Duration.ofMillis(delay));
      }
    });
  }

  private void scheduleStatusCheck(int myConnection) {
    synchronized (this) {
      if (closed || myConnection != connection) {
        return;
      }
      if (statusTimer != null) {
        statusTimer.cancel(false);
      }
      statusTimer = schedule(() -> {
        synchronized (this) {
          if (closed || myConnection != connection) {
            return;
          }
        }
        checkStatus(myConnection, null, false);
      }, settings.logStatusInterval());
    }
  }

  private @Nullable ScheduledFuture<?> schedule(Runnable task, Duration delay) {
    try {
      return api.context().scheduler().schedule(
          () -> api.context().executor().execute(task), delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      LOG.debug("Could not schedule a build-events task: {}", e.toString());
      return null;
    }
  }

  /** Handles one line of the body; returns false once the stream is closed. */
  private boolean onLine(int myConnection, String raw) {
    String line = raw.strip();
    if (line.isEmpty()) {
      return true;
    }
    JsonNode event;
    try {
      event = reader.readTree(line);
    } catch (IOException e) {
      LOG.debug("Skipped a build-events line that is not JSON");
      return true;
    }
    if (event == null || !event.isObject()) {
      return true;
    }
    JsonNode createdNode = event.get("created");
    if (createdNode == null || !createdNode.isNumber()) {
      return true; // keep-alive
    }
    long created = createdNode.asLong();
    String id = VercelApi.text(event.get("id"));
    synchronized (this) {
      if (closed || myConnection != connection) {
        return false;
      }
      if (created < lastCreated) {
        return true;
      }
      if (created == lastCreated) {
        if (id == null || !idsAtLast.add(id)) {
          return true; // delivered before the reconnect
        }
      } else {
        lastCreated = created;
        idsAtLast.clear();
        if (id != null) {
          idsAtLast.add(id);
        }
      }
      failures = 0;
      String type = VercelApi.text(event.get("type"));
      String text = VercelApi.text(event.get("text"));
      if (type == null || text == null || !TEXT_TYPES.contains(type)) {
        return true;
      }
      for (String l : text.split("\r?\n|\r", -1)) {
        if (l.isEmpty()) {
          continue;
        }
        try {
          sink.line(l);
        } catch (RuntimeException e) {
          LOG.warn("A build-log sink threw; the line is dropped", e);
        }
      }
    }
    return true;
  }

  private void complete() {
    if (!shutDown()) {
      return;
    }
    // Once closed is set, no line reaches the sink (onLine checks it under the lock), so
    // completed() is still the last call the sink gets.
    try {
      sink.completed();
    } catch (RuntimeException e) {
      LOG.warn("A build-log sink threw from completed()", e);
    }
    done.complete(null);
  }

  private void fail(Throwable cause) {
    if (!shutDown()) {
      return;
    }
    try {
      sink.failed(cause);
    } catch (RuntimeException e) {
      LOG.warn("A build-log sink threw from failed()", e);
    }
    LOG.debug("Build events of {} stopped: {}", deploymentId, describe(cause));
    done.completeExceptionally(cause);
  }

  @Override
  public CompletableFuture<Void> done() {
    return done;
  }

  @Override
  public void close() {
    if (shutDown()) {
      done.complete(null);
    }
  }

  /**
   * Marks the stream closed and stops its connection and timers; false if it was closed already.
   * The HTTP client's code runs after the lock is released (see {@link #stopConnection()}).
   */
  private boolean shutDown() {
    Runnable stop;
    synchronized (this) {
      if (closed) {
        return false;
      }
      closed = true;
      stop = stopConnection();
    }
    stop.run();
    return true;
  }

  /**
   * Guarded by this: returns what stops the connection, to run AFTER releasing the lock. Cancelling
   * the HTTP client's subscription or exchange runs the client's code (and completion callbacks)
   * on this thread, while the client's own thread may be inside {@link #onLine}, waiting for this
   * lock: doing it under the lock can deadlock both, and with them every request of the client.
   */
  private Runnable stopConnection() {
    cancelTimers();
    Flow.Subscription s = subscription;
    CompletableFuture<?> p = pending;
    return () -> {
      if (s != null) {
        s.cancel();
      }
      if (p != null) {
        p.cancel(true);
      }
    };
  }

  // guarded by this
  private void cancelTimers() {
    if (timer != null) {
      timer.cancel(false);
    }
    if (statusTimer != null) {
      statusTimer.cancel(false);
    }
  }

  private static boolean isPermanent(Throwable t) {
    if (t instanceof DeploymentException de) {
      ErrorCode c = de.code();
      return c == ErrorCode.AUTH_FAILED || c == ErrorCode.INSUFFICIENT_PERMISSIONS
          || c == ErrorCode.INVALID_CONFIG;
    }
    return false;
  }

  private static String describe(Throwable t) {
    return t instanceof DeploymentException de ? de.code() + ": " + de.getMessage()
        : t.getClass().getSimpleName();
  }

  /** Pushes the body's lines to {@link #onLine}, requesting one at a time. */
  private final class LineSubscriber implements Flow.Subscriber<String> {
    private final int myConnection;
    private Flow.@Nullable Subscription sub;

    LineSubscriber(int myConnection) {
      this.myConnection = myConnection;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      boolean stale;
      synchronized (EventLogStream.this) {
        stale = closed || myConnection != connection;
        if (!stale) {
          subscription = s;
        }
      }
      if (stale) {
        s.cancel();
        return;
      }
      sub = s;
      s.request(1);
    }

    @Override
    public void onNext(String item) {
      Flow.Subscription s = sub;
      if (onLine(myConnection, item)) {
        if (s != null) {
          s.request(1);
        }
      } else if (s != null) {
        s.cancel();
      }
    }

    @Override
    public void onError(Throwable throwable) {
      // The response future reports it.
    }

    @Override
    public void onComplete() {
      // The response future reports it.
    }
  }
}
