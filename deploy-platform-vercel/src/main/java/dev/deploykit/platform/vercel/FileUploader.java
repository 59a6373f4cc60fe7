package dev.deploykit.platform.vercel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deploykit.core.DeploymentError;
import dev.deploykit.core.DeploymentException;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.GeneratedFile;
import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import dev.failsafe.spi.Scheduler;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Uploads files with {@code POST /v2/files}, at most {@code concurrency} at a time, each retried
 * through Failsafe on temporary failures (exponential backoff with jitter, Retry-After honoured; a
 * 4xx other than 408 and 429 is not retried). Retries wait on the context's scheduler; only the
 * HTTP/1.1 transport's own threads block, on their sockets (see {@link #upload}).
 */
final class FileUploader {
  private static final Logger LOG = LoggerFactory.getLogger(FileUploader.class);

  private final VercelApi api;
  private final VercelSettings settings;
  private final RetryPolicy<Object> policy;
  /** After a first attempt made outside Failsafe: one retry fewer, backoff one step on. */
  private final RetryPolicy<Object> remainingRetries;
  private final Scheduler scheduler;

  FileUploader(VercelApi api, VercelSettings settings) {
    this.api = api;
    this.settings = settings;
    this.scheduler = new FirstAttemptInline(api.context().scheduler());
    this.policy = policy(settings.uploadRetries(), 0);
    this.remainingRetries = policy(Math.max(0, settings.uploadRetries() - 1), 1);
  }

  /** Retries temporary failures {@code retries} times; {@code before}: attempts made already. */
  private RetryPolicy<Object> policy(int retries, int before) {
    return RetryPolicy.builder()
        .handleIf((r, e) -> e != null && retryable(e))
        .withMaxRetries(retries)
        // The whole delay is computed here: Failsafe's own jitter would also shorten a Retry-After.
        .withDelayFn(ctx -> {
          Throwable last = ctx.getLastException();
          Duration wait = last == null ? null : retryAfter(last);
          return wait != null ? wait : backoff(before + ctx.getAttemptCount());
        })
        .onRetry(e -> LOG.debug("Retrying a file upload (attempt {}): {}",
            before + e.getAttemptCount(), errorCode(e.getLastException())))
        .build();
  }

  /**
   * Uploads {@code files} (distinct contents); calls {@code onUploaded} with each file's index as it
   * completes. Fails with the first file's final error; cancelling the returned future stops the
   * rest.
   *
   * <p>With the adapter's own HTTP/1.1 transport, {@code uploadConcurrency} lanes on its threads
   * each send one file after the other on the calling thread (no hand-off between threads per
   * file); a file whose upload fails temporarily is retried asynchronously while the lane goes on.
   * Through the orchestrator's {@code HttpClient}, the next file starts when one finishes.
   */
  CompletableFuture<Void> upload(List<GeneratedFile> files, IntConsumer onUploaded) {
    Batch b = new Batch(files, onUploaded);
    int n = files.size();
    if (n == 0) {
      b.result.complete(null);
      return b.result;
    }
    int workers = Math.min(settings.uploadConcurrency(), n);
    Http1Transport transport;
    HttpRequest template;
    try {
      // Built once: a request per file would cost a third of a lane's CPU (URI parsing, header
      // checks); each file adds only its digest to it.
      template = api.request(api.path("/v2/files"))
          .header("Content-Type", "application/octet-stream")
          .POST(HttpRequest.BodyPublishers.noBody())
          .build();
      transport = api.transportFor(template.uri());
    } catch (RuntimeException e) {
      template = null;
      transport = null;
    }
    for (int w = 0; w < workers; w++) {
      if (transport != null && template != null) {
        Http1Transport t = transport;
        HttpRequest r = template;
        try {
          t.execute(new Http1Transport.Abortable() {
            @Override
            public void run() {
              lane(b, t, r);
            }

            @Override
            public void abort() {
              b.result.completeExceptionally(new DeploymentException(DeploymentError.of(
                  ErrorCode.PLATFORM_UNAVAILABLE, "The Vercel adapter was closed while "
                      + (b.files.size() - b.done.get()) + " files were still to upload. Try"
                      + " again.").withPlatform(VercelPlatform.ID)));
            }
          });
          continue;
        } catch (RejectedExecutionException e) {
          transport = null;
        }
      }
      pump(b);
    }
    return b.result;
  }

  /** The state of one {@link #upload}. */
  private final class Batch {
    final List<GeneratedFile> files;
    final IntConsumer onUploaded;
    final CompletableFuture<Void> result = new CompletableFuture<>();
    final AtomicInteger next = new AtomicInteger();
    final AtomicInteger done = new AtomicInteger();
    final AtomicBoolean stopped = new AtomicBoolean();
    final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();

    Batch(List<GeneratedFile> files, IntConsumer onUploaded) {
      this.files = files;
      this.onUploaded = onUploaded;
      result.whenComplete((v, e) -> {
        if (e != null) {
          stopped.set(true);
          inFlight.forEach(f -> f.cancel(true));
        }
      });
    }

    void succeeded(int i) {
      onUploaded.accept(i);
      if (done.incrementAndGet() == files.size()) {
        result.complete(null);
      }
    }

    void failed(int i, Throwable e) {
      Throwable cause = VercelApi.unwrap(e);
      result.completeExceptionally(cause instanceof DeploymentException
          ? cause : new DeploymentException(DeploymentError.of(ErrorCode.UPLOAD_FAILED,
              "Uploading " + files.get(i).path() + " failed").withPlatform(VercelPlatform.ID),
              cause));
    }

    /** Tracks {@code f} until it ends, then counts file {@code i} done or the batch failed. */
    void track(int i, CompletableFuture<?> f, @Nullable Runnable onSuccess) {
      inFlight.add(f);
      f.whenComplete((v, e) -> {
        inFlight.remove(f);
        if (e != null) {
          failed(i, e);
        } else {
          succeeded(i);
          if (onSuccess != null) {
            onSuccess.run();
          }
        }
      });
    }
  }

  /** One lane: sends the next file, blocking this (transport) thread, until none is left. */
  private void lane(Batch b, Http1Transport transport, HttpRequest template) {
    while (!b.stopped.get()) {
      int i = b.next.getAndIncrement();
      if (i >= b.files.size()) {
        return;
      }
      GeneratedFile file = b.files.get(i);
      CompletableFuture<JsonNode> first;
      try {
        first = api.sendHere(transport, template, new String[] {"x-vercel-digest", file.sha1()},
            Http1Transport.Body.of(file), true, b.inFlight::add);
      } catch (RuntimeException e) {
        first = CompletableFuture.failedFuture(e);
      }
      b.inFlight.remove(first);
      if (!first.isDone()) {
        b.track(i, first, null);
      } else if (!first.isCompletedExceptionally()) {
        b.succeeded(i);
      } else {
        Throwable e = first.handle((v, x) -> x).join();
        if (settings.uploadRetries() == 0 || !retryable(e)) {
          b.failed(i, e);
          return;
        }
        b.track(i, retryLater(file, e), null);
      }
    }
  }

  /** The async way: the next file starts when one finishes; retries on the scheduler. */
  private void pump(Batch b) {
    while (!b.stopped.get()) {
      int i = b.next.getAndIncrement();
      if (i >= b.files.size()) {
        return;
      }
      CompletableFuture<Object> started;
      try {
        started = uploadOne(b.files.get(i));
      } catch (RuntimeException e) {
        started = CompletableFuture.failedFuture(e);
      }
      boolean sync = started.isDone();
      b.track(i, started, sync ? null : () -> pump(b));
      if (!sync) {
        return;
      }
    }
  }

  private HttpRequest request(GeneratedFile file) {
    return api.request(api.path("/v2/files"))
        .header("Content-Type", "application/octet-stream")
        .header("x-vercel-digest", file.sha1())
        .POST(HttpRequest.BodyPublishers.ofByteArray(file.bytes()))
        .build();
  }

  private CompletableFuture<Object> uploadOne(GeneratedFile file) {
    return Failsafe.with(policy).with(scheduler).getStageAsync(() ->
        api.sendBytes(request(file), file.bytes(), true).thenApply(json -> (Object) json));
  }

  /**
   * Retries {@code file} whose first attempt failed with {@code first} (retryable): after
   * Retry-After or the first backoff, then with the remaining retries.
   */
  private CompletableFuture<Object> retryLater(GeneratedFile file, Throwable first) {
    Duration wait = retryAfter(first);
    if (wait == null) {
      wait = backoff(1);
    }
    LOG.debug("Retrying a file upload (attempt 1): {}", errorCode(first));
    CompletableFuture<Object> out = new CompletableFuture<>();
    try {
      ScheduledFuture<?> timer = api.context().scheduler().schedule(() -> {
        if (out.isDone()) {
          return;
        }
        CompletableFuture<Object> rest = Failsafe.with(remainingRetries).with(scheduler)
            .getStageAsync(() -> api.sendBytes(request(file), file.bytes(), true)
                .thenApply(json -> (Object) json));
        rest.whenComplete((v, e) -> {
          if (e != null) {
            out.completeExceptionally(e);
          } else {
            out.complete(v);
          }
        });
        out.whenComplete((v, e) -> {
          if (e instanceof CancellationException) {
            rest.cancel(true);
          }
        });
      }, wait.toNanos(), TimeUnit.NANOSECONDS);
      out.whenComplete((v, e) -> timer.cancel(false));
    } catch (RejectedExecutionException e) {
      out.completeExceptionally(first);
    }
    return out;
  }

  private boolean retryable(Throwable e) {
    Throwable t = VercelApi.unwrap(e);
    if (t instanceof CancellationException || !(t instanceof DeploymentException de)) {
      return false;
    }
    DeploymentError err = de.error();
    if (err.retryAfter() != null && err.retryAfter().compareTo(settings.maxRetryAfter()) > 0) {
      return false;
    }
    Integer status = err.httpStatus();
    if (status == null) {
      return err.code() == ErrorCode.PLATFORM_UNAVAILABLE;
    }
    return status == 408 || status == 429 || status >= 500;
  }

  private static Duration retryAfter(Throwable e) {
    Throwable t = VercelApi.unwrap(e);
    return t instanceof DeploymentException de ? de.error().retryAfter() : null;
  }

  private static String errorCode(Throwable e) {
    Throwable t = e == null ? null : VercelApi.unwrap(e);
    return t instanceof DeploymentException de
        ? de.code() + (de.error().httpStatus() == null ? "" : " HTTP " + de.error().httpStatus())
        : String.valueOf(t == null ? null : t.getClass().getSimpleName());
  }

  /**
   * Failsafe's scheduler for the uploads: an attempt without delay (the first) starts on the calling
   * thread, since starting an upload only hands it to the transport and never blocks; a retry waits
   * on the context's scheduler. Saves two thread hand-offs per file.
   */
  private static final class FirstAttemptInline implements Scheduler {
    private final ScheduledExecutorService delegate;

    FirstAttemptInline(ScheduledExecutorService delegate) {
      this.delegate = delegate;
    }

    @Override
    public ScheduledFuture<?> schedule(Callable<?> callable, long delay, TimeUnit unit) {
      if (delay > 0) {
        return delegate.schedule(callable, delay, unit);
      }
      FutureTask<Object> task = new FutureTask<>(() -> callable.call());
      task.run();
      return new DoneFuture(task);
    }
  }

  /** A task that ran already, as the {@link ScheduledFuture} Failsafe expects. */
  private record DoneFuture(FutureTask<Object> task) implements ScheduledFuture<Object> {
    @Override
    public long getDelay(TimeUnit unit) {
      return 0;
    }

    @Override
    public int compareTo(Delayed o) {
      return Long.compare(0, o.getDelay(TimeUnit.NANOSECONDS));
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      return false;
    }

    @Override
    public boolean isCancelled() {
      return false;
    }

    @Override
    public boolean isDone() {
      return true;
    }

    @Override
    public Object get() throws InterruptedException, ExecutionException {
      return task.get();
    }

    @Override
    public Object get(long timeout, TimeUnit unit) throws InterruptedException,
        ExecutionException, TimeoutException {
      return task.get(timeout, unit);
    }
  }

  /** Exponential backoff from the initial delay, capped, with 25% jitter either way. */
  Duration backoff(int attempts) {
    long initial = settings.uploadRetryDelay().toMillis();
    long cap = Math.max(initial, settings.uploadRetryMaxDelay().toMillis());
    long base = Math.min(cap, initial << Math.min(Math.max(attempts - 1, 0), 20));
    double jitter = 1 + (ThreadLocalRandom.current().nextDouble() - 0.5) * 0.5;
    return Duration.ofMillis(Math.max(1, Math.round(base * jitter)));
  }
}
