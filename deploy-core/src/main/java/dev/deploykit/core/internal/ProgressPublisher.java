package dev.deploykit.core.internal;

import dev.deploykit.core.ProgressUpdate;
import dev.deploykit.core.Subscription;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Flow.Publisher} over one deployment: each subscriber gets the current state, then every
 * later update, as far as it has requested, then {@code onComplete} after the terminal update.
 */
final class ProgressPublisher implements Flow.Publisher<ProgressUpdate> {

  private static final Logger log = LoggerFactory.getLogger(ProgressPublisher.class);

  private final TrackerEngine engine;
  private final String deploymentId;
  private final int capacity;

  ProgressPublisher(TrackerEngine engine, String deploymentId, int capacity) {
    this.engine = engine;
    this.deploymentId = deploymentId;
    this.capacity = capacity;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ProgressUpdate> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    new FlowSubscription(subscriber).start();
  }

  @Override
  public String toString() {
    return "ProgressPublisher[deploymentId=" + deploymentId + "]";
  }

  /** Demand-driven delivery; signals are serialised by the work-in-progress counter. */
  private final class FlowSubscription implements Flow.Subscription {

    private final Flow.Subscriber<? super ProgressUpdate> subscriber;
    private final ConcurrentLinkedQueue<ProgressUpdate> buffer = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong demand = new AtomicLong();
    /** Starts at 1 so nothing is signalled while onSubscribe runs. */
    private final AtomicInteger wip = new AtomicInteger(1);
    private volatile boolean done;
    private volatile boolean terminated;
    private volatile @Nullable Throwable error;
    private volatile @Nullable Subscription upstream;
    private boolean warnedAboutDrops;

    FlowSubscription(Flow.Subscriber<? super ProgressUpdate> subscriber) {
      this.subscriber = subscriber;
    }

    void start() {
      try {
        subscriber.onSubscribe(this);
      } catch (RuntimeException e) {
        log.warn("Flow subscriber {} threw from onSubscribe; cancelling", subscriber, e);
        terminated = true;
      }
      if (!terminated) {
        Subscription subscription =
            engine.subscribe(deploymentId, false, 0, this::onUpdate, this::onEnd);
        upstream = subscription;
        if (terminated) {
          subscription.close();
        }
      }
      if (wip.decrementAndGet() != 0) {
        schedule();
      }
    }

    /** Called serially by the tracker. */
    private void onUpdate(ProgressUpdate update) {
      if (terminated) {
        return;
      }
      if (size.get() >= capacity && buffer.poll() != null) {
        size.decrementAndGet();
        if (!warnedAboutDrops) {
          warnedAboutDrops = true;
          log.warn(
              "Flow subscriber {} of deployment {} requests too slowly: more than {} updates"
                  + " buffered, so the oldest are dropped (warned once)",
              subscriber,
              deploymentId,
              capacity);
        }
      }
      buffer.offer(update);
      size.incrementAndGet();
      signal();
    }

    private void onEnd() {
      done = true;
      signal();
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        error =
            new IllegalArgumentException(
                "request(n) needs n > 0 (Reactive Streams rule 3.9), got " + n);
      } else {
        demand.getAndUpdate(current -> current + n < 0 ? Long.MAX_VALUE : current + n);
      }
      signal();
    }

    @Override
    public void cancel() {
      terminated = true;
      closeUpstream();
      signal();
    }

    private void closeUpstream() {
      Subscription subscription = upstream;
      if (subscription != null) {
        subscription.close();
      }
    }

    private void signal() {
      if (wip.getAndIncrement() == 0) {
        schedule();
      }
    }

    private void schedule() {
      try {
        engine.executor().execute(this::drain);
      } catch (RejectedExecutionException e) {
        wip.set(0);
        log.debug("Flow delivery for deployment {} was rejected by the executor", deploymentId, e);
      }
    }

    private void drain() {
      int missed = 1;
      while (true) {
        if (terminated) {
          buffer.clear();
        } else {
          Throwable failure = error;
          if (failure != null) {
            terminate();
            subscriber.onError(failure);
          } else {
            emit();
          }
        }
        missed = wip.addAndGet(-missed);
        if (missed == 0) {
          return;
        }
      }
    }

    private void emit() {
      long requested = demand.get();
      long emitted = 0;
      while (emitted != requested && !terminated) {
        ProgressUpdate update = buffer.poll();
        if (update == null) {
          break;
        }
        size.decrementAndGet();
        emitted++;
        try {
          subscriber.onNext(update);
        } catch (RuntimeException e) {
          log.warn("Flow subscriber {} threw from onNext; cancelling (rule 2.13)", subscriber, e);
          terminate();
          return;
        }
      }
      if (emitted > 0 && requested != Long.MAX_VALUE) {
        demand.addAndGet(-emitted);
      }
      if (!terminated && done && buffer.isEmpty()) {
        terminate();
        subscriber.onComplete();
      }
    }

    private void terminate() {
      terminated = true;
      buffer.clear();
      closeUpstream();
    }
  }
}
