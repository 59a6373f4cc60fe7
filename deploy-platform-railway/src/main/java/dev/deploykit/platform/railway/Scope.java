package dev.deploykit.platform.railway;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One operation of the service, made of several requests and waits: cancelling the future the
 * operation returned cancels the request or wait in progress, so the exchange is aborted rather
 * than left running.
 */
final class Scope {
  private volatile @Nullable Future<?> current;
  private volatile boolean cancelled;

  private Scope() {}

  /** Returns a scope not tied to a returned future; {@link #cancel()} it yourself. */
  static Scope open() {
    return new Scope();
  }

  /**
   * Runs {@code body} and returns a future of its result that, when cancelled, cancels what {@code
   * body} is waiting for. A {@link RuntimeException} thrown by {@code body} fails the future.
   */
  static <T> CompletableFuture<T> run(Function<Scope, CompletableFuture<T>> body) {
    Scope scope = new Scope();
    CompletableFuture<T> result = new CompletableFuture<>();
    CompletableFuture<T> inner;
    try {
      inner = body.apply(scope);
    } catch (RuntimeException e) {
      inner = CompletableFuture.failedFuture(e);
    }
    inner.whenComplete((value, error) -> {
      if (error == null) {
        result.complete(value);
      } else {
        result.completeExceptionally(unwrap(error));
      }
    });
    result.whenComplete((value, error) -> {
      if (result.isCancelled()) {
        scope.cancel();
      }
    });
    return result;
  }

  /** Records {@code f} as the work in progress; cancels it at once if the scope is cancelled. */
  <F extends Future<?>> F track(F f) {
    current = f;
    if (cancelled) {
      f.cancel(true);
    }
    return f;
  }

  boolean cancelled() {
    return cancelled;
  }

  void cancel() {
    cancelled = true;
    Future<?> f = current;
    if (f != null) {
      f.cancel(true);
    }
  }

  static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException)
        && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  static boolean isCancellation(Throwable t) {
    return unwrap(t) instanceof CancellationException;
  }
}
