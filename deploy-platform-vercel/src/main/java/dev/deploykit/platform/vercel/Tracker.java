package dev.deploykit.platform.vercel;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Lets the future of a multi-request operation be cancelled: the requests started by the operation
 * are tracked, and cancelling the operation's future cancels those still running.
 */
final class Tracker {
  private final Set<CompletableFuture<?>> running = ConcurrentHashMap.newKeySet();
  private volatile boolean cancelled;

  /** Runs {@code body}; the returned future, when cancelled, cancels what {@code body} tracked. */
  static <T> CompletableFuture<T> run(Function<Tracker, CompletableFuture<T>> body) {
    Tracker tracker = new Tracker();
    CompletableFuture<T> result = new CompletableFuture<>();
    result.whenComplete((v, e) -> {
      if (result.isCancelled()) {
        tracker.cancelAll();
      }
    });
    CompletableFuture<T> inner;
    try {
      inner = body.apply(tracker);
    } catch (RuntimeException e) {
      inner = CompletableFuture.failedFuture(e);
    }
    inner.whenComplete((v, e) -> {
      if (e != null) {
        result.completeExceptionally(VercelApi.unwrap(e));
      } else {
        result.complete(v);
      }
    });
    return result;
  }

  /** Tracks {@code f} until it completes; cancels it at once if the operation was cancelled. */
  <U> CompletableFuture<U> track(CompletableFuture<U> f) {
    running.add(f);
    f.whenComplete((v, e) -> running.remove(f));
    if (cancelled) {
      f.cancel(true);
    }
    return f;
  }

  private void cancelAll() {
    cancelled = true;
    running.forEach(f -> f.cancel(true));
  }
}
