package dev.deploykit.github;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Runs asynchronous tasks with at most {@code limit} in flight, without a thread of its own: each
 * completion starts the next task. The first failure stops starting tasks and cancels those in
 * flight; cancelling the returned future does the same.
 */
final class Parallel {
  private Parallel() {}

  static <T> CompletableFuture<List<T>> run(int count, int limit, IntFunction<CompletableFuture<T>> task) {
    CompletableFuture<List<T>> result = new CompletableFuture<>();
    if (count == 0) {
      result.complete(List.of());
      return result;
    }
    List<T> values = Collections.synchronizedList(new ArrayList<>(Collections.nCopies(count, null)));
    AtomicInteger next = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    Set<CompletableFuture<T>> inFlight = ConcurrentHashMap.newKeySet();
    Runnable[] startNext = new Runnable[1];
    startNext[0] = () -> {
      int i = next.getAndIncrement();
      if (i >= count || result.isDone()) {
        return;
      }
      CompletableFuture<T> f;
      try {
        f = task.apply(i);
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
        return;
      }
      inFlight.add(f);
      f.whenComplete((v, t) -> {
        inFlight.remove(f);
        if (t != null) {
          result.completeExceptionally(t);
          return;
        }
        values.set(i, v);
        if (done.incrementAndGet() == count) {
          synchronized (values) {
            result.complete(List.copyOf(values));
          }
        } else {
          startNext[0].run();
        }
      });
    };
    result.whenComplete((v, t) -> {
      if (t != null) {
        for (CompletableFuture<T> f : inFlight) {
          f.cancel(true);
        }
      }
    });
    for (int k = 0; k < Math.min(limit, count); k++) {
      startNext[0].run();
    }
    return result;
  }
}
