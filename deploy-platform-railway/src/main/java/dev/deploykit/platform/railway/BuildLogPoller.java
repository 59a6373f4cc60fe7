package dev.deploykit.platform.railway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deploykit.core.DeploymentException;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.spi.LogSink;
import dev.deploykit.core.spi.LogStream;
import dev.deploykit.core.spi.PlatformContext;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams a deployment's build log by polling {@code buildLogs} with a moving {@code startDate} (the
 * timestamp of the last line delivered), together with the deployment's status in the same request.
 * A line is delivered once: lines older than the last timestamp are dropped, and at the last
 * timestamp each message is counted, so a repeated line is delivered as many times as the log holds
 * it and never again. After the deployment is terminal, one more poll drains what the log had not
 * yet shown; then the sink is told {@code completed()}.
 *
 * <p>Polls run one at a time, on the context's scheduler; temporary failures (5xx, connection, rate
 * limit) are retried up to {@link #MAX_FAILURES} times in a row, then the sink is told {@code
 * failed}. {@link #close()} stops it: no line reaches the sink once it returns.
 */
final class BuildLogPoller implements LogStream {
  private static final Logger LOG = LoggerFactory.getLogger(BuildLogPoller.class);
  /** How many lines one poll asks for; a full answer is followed by another poll at once. */
  static final int LIMIT = 500;
  static final int MAX_FAILURES = 5;

  private final RailwayApi api;
  private final PlatformContext context;
  private final Duration interval;
  private final String deploymentId;
  private final LogSink sink;
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private final Scope scope = Scope.open();
  private final Object lock = new Object();
  private volatile boolean closed;

  // Touched by one poll at a time (each poll starts after the previous one ended).
  private @Nullable String lastTimestamp;
  private final Map<String, Integer> deliveredAtLast = new HashMap<>();
  private int failures;
  private boolean terminalSeen;

  BuildLogPoller(RailwayApi api, PlatformContext context, Duration interval, String deploymentId,
      LogSink sink) {
    this.api = api;
    this.context = context;
    this.interval = interval;
    this.deploymentId = deploymentId;
    this.sink = sink;
  }

  void start() {
    schedule(Duration.ZERO);
  }

  @Override
  public CompletableFuture<Void> done() {
    return done;
  }

  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
    }
    scope.cancel();
    done.complete(null);
  }

  private void schedule(Duration delay) {
    if (closed) {
      return;
    }
    try {
      scope.track(context.scheduler().schedule(this::poll, delay.toMillis(), TimeUnit.MILLISECONDS));
    } catch (RuntimeException e) { // a scheduler shut down
      fail(e);
    }
  }

  private void poll() {
    if (closed) {
      return;
    }
    Map<String, Object> vars = new HashMap<>();
    vars.put("deploymentId", deploymentId);
    String since = lastTimestamp;
    if (since != null && !since.isEmpty()) {
      vars.put("startDate", since); // absent on the first poll: the log from its start
    }
    vars.put("limit", LIMIT);
    CompletableFuture<JsonNode> f;
    try {
      f = api.graphQl("BuildLogs", vars, "read the build log", scope);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    f.whenComplete((data, error) -> {
      if (closed) {
        return;
      }
      try {
        if (error != null) {
          onFailure(Scope.unwrap(error));
        } else {
          onAnswer(data);
        }
      } catch (RuntimeException e) {
        fail(e);
      }
    });
  }

  private void onFailure(Throwable error) {
    if (Scope.isCancellation(error)) {
      return;
    }
    boolean temporary = error instanceof DeploymentException de
        && (de.code() == ErrorCode.PLATFORM_UNAVAILABLE || de.code() == ErrorCode.RATE_LIMIT_EXCEEDED
            || de.code() == ErrorCode.TIMEOUT);
    if (temporary && ++failures < MAX_FAILURES) {
      Duration wait = interval;
      Duration retryAfter = ((DeploymentException) error).error().retryAfter();
      if (retryAfter != null && retryAfter.compareTo(wait) > 0) {
        wait = retryAfter;
      }
      LOG.debug("Reading the build log of {} failed ({}); retrying in {} ms", deploymentId,
          ((DeploymentException) error).code(), wait.toMillis());
      schedule(wait);
    } else {
      fail(error);
    }
  }

  private void onAnswer(JsonNode data) {
    failures = 0;
    List<Line> batch = new ArrayList<>();
    for (JsonNode log : data.path("buildLogs")) {
      String message = RailwayApi.text(log.get("message")) == null ? ""
          : log.path("message").asText();
      String ts = log.path("timestamp").isTextual() ? log.path("timestamp").asText() : "";
      batch.add(new Line(ts, message));
    }
    deliver(batch);
    String status = RailwayApi.text(data.path("deployment").get("status"));
    boolean terminal = status != null
        && RailwayService.statusOf(status, null, deploymentId).state().isTerminal();
    boolean full = batch.size() >= LIMIT;
    if (terminalSeen && !full) {
      complete();
      return;
    }
    if (terminal) {
      terminalSeen = true;
    }
    schedule(full ? Duration.ZERO : interval);
  }

  private record Line(String timestamp, String message) {}

  /** Delivers the lines not delivered before, oldest first. */
  private void deliver(List<Line> batch) {
    List<Line> sorted = new ArrayList<>(batch);
    sorted.sort(Comparator.comparing(Line::timestamp, BuildLogPoller::compareTimestamps));
    Map<String, Integer> inBatchAtLast = new HashMap<>();
    List<String> out = new ArrayList<>();
    for (Line line : sorted) {
      String last = lastTimestamp;
      int c = last == null ? 1 : compareTimestamps(line.timestamp(), last);
      if (c < 0) {
        continue; // older than what was delivered: an overlap with an earlier poll
      }
      if (c > 0) {
        lastTimestamp = line.timestamp();
        deliveredAtLast.clear();
        inBatchAtLast.clear();
      }
      int n = inBatchAtLast.merge(line.message(), 1, Integer::sum);
      if (n <= deliveredAtLast.getOrDefault(line.message(), 0)) {
        continue; // delivered by an earlier poll
      }
      deliveredAtLast.put(line.message(), n);
      for (String part : line.message().split("\r?\n", -1)) {
        out.add(part);
      }
    }
    if (out.isEmpty()) {
      return;
    }
    synchronized (lock) {
      for (String l : out) {
        if (closed) {
          return;
        }
        try {
          sink.line(l);
        } catch (RuntimeException e) {
          LOG.debug("A build log sink failed: {}", e.toString());
        }
      }
    }
  }

  /** Compares two timestamps as instants when both parse, else as text. */
  static int compareTimestamps(String a, String b) {
    Instant ia = instant(a);
    Instant ib = instant(b);
    if (ia != null && ib != null) {
      return ia.compareTo(ib);
    }
    return a.compareTo(b);
  }

  private static @Nullable Instant instant(String s) {
    if (s.isEmpty()) {
      return null;
    }
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private void complete() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      try {
        sink.completed();
      } catch (RuntimeException e) {
        LOG.debug("A build log sink failed: {}", e.toString());
      }
    }
    done.complete(null);
  }

  private void fail(Throwable error) {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      try {
        sink.failed(error);
      } catch (RuntimeException e) {
        LOG.debug("A build log sink failed: {}", e.toString());
      }
    }
    LOG.debug("Build log of {} stopped: {}", deploymentId, error.getClass().getSimpleName());
    done.completeExceptionally(error);
  }
}
