package dev.deploykit.core.spi;

import java.util.concurrent.CompletableFuture;

/** A running build-log stream. {@link #close()} stops it and is idempotent. */
public interface LogStream extends AutoCloseable {

  /** A stream that delivers nothing, for platforms without build logs. */
  static LogStream none() {
    CompletableFuture<Void> done = CompletableFuture.completedFuture(null);
    return new LogStream() {
      @Override
      public CompletableFuture<Void> done() {
        return done;
      }

      @Override
      public void close() {}
    };
  }

  /** Returns a future completed when the stream ends, by itself or by {@link #close()}. */
  CompletableFuture<Void> done();

  /** Stops the stream; no line reaches the sink after this returns. */
  @Override
  void close();
}
