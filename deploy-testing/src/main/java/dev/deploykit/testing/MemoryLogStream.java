package dev.deploykit.testing;

import dev.deploykit.core.spi.LogSink;
import dev.deploykit.core.spi.LogStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A log stream of the in-memory platform. Lines are delivered under this object's monitor, which
 * {@link #close()} also takes, so no line reaches the sink after {@code close()} returns.
 */
final class MemoryLogStream implements LogStream {
  private static final Logger LOG = LoggerFactory.getLogger(MemoryLogStream.class);

  private final LogSink sink;
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private boolean closed; // guarded by this
  private volatile @Nullable MemoryBuild build;
  private volatile @Nullable Future<?> pending;

  MemoryLogStream(LogSink sink) {
    this.sink = sink;
  }

  void pending(Future<?> task) {
    this.pending = task;
  }

  /** Attaches the stream to its build: replays the log so far, then follows it. */
  void attach(MemoryBuild b) {
    this.build = b;
    b.attach(this);
  }

  synchronized boolean isOpen() {
    return !closed;
  }

  void deliver(String line) {
    synchronized (this) {
      if (closed) {
        return;
      }
      try {
        sink.line(line);
      } catch (RuntimeException e) {
        LOG.warn("A build-log sink threw; the line is dropped", e);
      }
    }
  }

  void complete() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      try {
        sink.completed();
      } catch (RuntimeException e) {
        LOG.warn("A build-log sink threw from completed()", e);
      }
    }
    done.complete(null);
  }

  void fail(Throwable cause) {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      try {
        sink.failed(cause);
      } catch (RuntimeException e) {
        LOG.warn("A build-log sink threw from failed()", e);
      }
    }
    done.completeExceptionally(cause);
  }

  @Override
  public CompletableFuture<Void> done() {
    return done;
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    Future<?> p = pending;
    if (p != null) {
      p.cancel(false);
    }
    MemoryBuild b = build;
    if (b != null) {
      b.detach(this);
    }
    done.complete(null);
  }
}
