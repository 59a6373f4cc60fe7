package dev.deploykit.platform.render;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deploykit.core.DeploymentException;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.spi.LogSink;
import dev.deploykit.core.spi.LogStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A deploy's build log, read from {@code GET /logs} ({@code type=build}, the service as resource,
 * oldest first): each round reads the deploy's status, then every page from the last line seen to
 * now, following {@code nextStartTime}/{@code nextEndTime} while {@code hasMore}; a line is delivered
 * once (by its id). After the round that began with the deploy finished, the sink is told {@code
 * completed()}. Rounds are tasks on the context's scheduler; nothing waits.
 */
final class RenderLogStream implements LogStream {
  private static final Logger LOG = LoggerFactory.getLogger(RenderLogStream.class);
  private static final int MAX_SEEN = 20_000;
  private static final int MAX_FAILURES = 3;
  private static final int MAX_PAGES_PER_ROUND = 50;

  private final RenderService service;
  private final String deploymentId;
  private final LogSink sink;
  private final ScheduledExecutorService scheduler;
  private final Duration interval;
  private final Clock clock;
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private final Object lock = new Object();
  private final Set<String> seen = new LinkedHashSet<>();

  private boolean closed;
  private volatile @Nullable CompletableFuture<?> inFlight;
  private volatile @Nullable ScheduledFuture<?> next;
  private @Nullable String serviceId;
  private @Nullable String ownerId;
  private @Nullable String from;
  private int failures;

  RenderLogStream(RenderService service, String deploymentId, LogSink sink,
      ScheduledExecutorService scheduler, Clock clock, Duration interval) {
    this.clock = clock;
    this.service = service;
    this.deploymentId = deploymentId;
    this.sink = sink;
    this.scheduler = scheduler;
    this.interval = interval;
  }

  void start(CompletableFuture<RenderService.ServiceInfo> serviceFuture) {
    track(serviceFuture).whenComplete((info, e) -> {
      if (e != null) {
        fail(e);
        return;
      }
      serviceId = info.id();
      ownerId = info.ownerId();
      round();
    });
  }

  /** Reads the deploy's status, then the log up to now. */
  private void round() {
    if (isClosed()) {
      return;
    }
    String path = "/services/" + serviceId + "/deploys/" + RenderService.encode(deploymentId);
    track(service.get(path)).whenComplete((deploy, e) -> {
      if (e != null) {
        retryOrFail(e);
        return;
      }
      boolean finished = RenderService.isTerminal(deploy.path("status").asText(""));
      if (from == null) {
        String started = deploy.path("startedAt").asText(deploy.path("createdAt").asText(""));
        from = started.isEmpty() ? clock.instant().minus(Duration.ofHours(1)).toString() : started;
      }
      page(from, clock.instant().plusSeconds(1).toString(), finished, 0);
    });
  }

  private void page(String start, String end, boolean finished, int pageCount) {
    if (isClosed()) {
      return;
    }
    String query = "/logs?ownerId=" + RenderService.encode(ownerId == null ? "" : ownerId)
        + "&resource=" + RenderService.encode(serviceId == null ? "" : serviceId)
        + "&type=build&direction=forward&limit=100"
        + "&startTime=" + RenderService.encode(start) + "&endTime=" + RenderService.encode(end);
    track(service.get(query)).whenComplete((node, e) -> {
      if (e != null) {
        retryOrFail(e);
        return;
      }
      failures = 0;
      deliver(node.path("logs"));
      String nextStart = node.path("nextStartTime").asText("");
      String nextEnd = node.path("nextEndTime").asText("");
      if (node.path("hasMore").asBoolean(false) && !nextStart.isEmpty()
          && pageCount + 1 < MAX_PAGES_PER_ROUND) {
        page(nextStart, nextEnd.isEmpty() ? end : nextEnd, finished, pageCount + 1);
      } else if (finished) {
        complete();
      } else {
        schedule();
      }
    });
  }

  private void deliver(JsonNode logs) {
    if (!logs.isArray()) {
      return;
    }
    synchronized (lock) {
      for (JsonNode log : logs) {
        if (closed) {
          return;
        }
        String timestamp = log.path("timestamp").asText("");
        String message = log.path("message").asText("");
        String id = log.path("id").asText("");
        String key = id.isEmpty() ? timestamp + "|" + message : id;
        if (!seen.add(key)) {
          continue;
        }
        if (seen.size() > MAX_SEEN) {
          Iterator<String> oldest = seen.iterator();
          oldest.next();
          oldest.remove();
        }
        if (!timestamp.isEmpty() && isAfter(timestamp, from)) {
          from = timestamp; // the next round starts at the last line seen; its id dedupes it
        }
        try {
          sink.line(stripNewline(message));
        } catch (RuntimeException ex) {
          LOG.debug("A log sink failed: {}", ex.toString());
        }
      }
    }
  }

  private static boolean isAfter(String timestamp, @Nullable String than) {
    if (than == null) {
      return true;
    }
    try {
      return Instant.parse(timestamp).isAfter(Instant.parse(than));
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static String stripNewline(String s) {
    int end = s.length();
    while (end > 0 && (s.charAt(end - 1) == '\n' || s.charAt(end - 1) == '\r')) {
      end--;
    }
    return s.substring(0, end);
  }

  private void schedule() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      next = scheduler.schedule(this::round, interval.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void retryOrFail(Throwable e) {
    if (isClosed()) {
      return;
    }
    DeploymentException d = cause(e);
    boolean temporary = d != null && (d.code() == ErrorCode.PLATFORM_UNAVAILABLE
        || d.code() == ErrorCode.RATE_LIMIT_EXCEEDED);
    if (temporary && ++failures < MAX_FAILURES) {
      LOG.debug("Reading the Render build log failed ({}); trying again", d.code());
      schedule();
      return;
    }
    fail(e);
  }

  private void fail(Throwable e) {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      try {
        sink.failed(cause(e) != null ? cause(e) : e);
      } catch (RuntimeException ex) {
        LOG.debug("A log sink failed: {}", ex.toString());
      }
    }
    done.complete(null);
  }

  private void complete() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      try {
        sink.completed();
      } catch (RuntimeException ex) {
        LOG.debug("A log sink failed: {}", ex.toString());
      }
    }
    done.complete(null);
  }

  private <T> CompletableFuture<T> track(CompletableFuture<T> f) {
    inFlight = f;
    return f;
  }

  private boolean isClosed() {
    synchronized (lock) {
      return closed;
    }
  }

  private static @Nullable DeploymentException cause(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof DeploymentException d) {
        return d;
      }
    }
    return null;
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
    ScheduledFuture<?> n = next;
    if (n != null) {
      n.cancel(false);
    }
    CompletableFuture<?> f = inFlight;
    if (f != null) {
      f.cancel(true);
    }
    done.complete(null);
  }
}
