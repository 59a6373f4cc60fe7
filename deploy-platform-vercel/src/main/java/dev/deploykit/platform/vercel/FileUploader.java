package dev.deploykit.platform.vercel;

import dev.deploykit.core.DeploymentError;
import dev.deploykit.core.DeploymentException;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.GeneratedFile;
import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Uploads files with {@code POST /v2/files}, at most {@code concurrency} at a time, each retried
 * through Failsafe on temporary failures (exponential backoff with jitter, Retry-After honoured; a
 * 4xx other than 408 and 429 is not retried). No thread waits: the next file starts when one
 * finishes, and retries wait on the context's scheduler.
 */
final class FileUploader {
  private static final Logger LOG = LoggerFactory.getLogger(FileUploader.class);

  private final VercelApi api;
  private final VercelSettings settings;
  private final RetryPolicy<Object> policy;

  FileUploader(VercelApi api, VercelSettings settings) {
    this.api = api;
    this.settings = settings;
    this.policy = RetryPolicy.builder()
        .handleIf((r, e) -> e != null && retryable(e))
        .withMaxRetries(settings.uploadRetries())
        // The whole delay is computed here: Failsafe's own jitter would also shorten a Retry-After.
        .withDelayFn(ctx -> {
          Throwable last = ctx.getLastException();
          Duration wait = last == null ? null : retryAfter(last);
          return wait != null ? wait : backoff(ctx.getAttemptCount());
        })
        .onRetry(e -> LOG.debug("Retrying a file upload (attempt {}): {}", e.getAttemptCount(),
            errorCode(e.getLastException())))
        .build();
  }

  /**
   * Uploads {@code files} (distinct contents); calls {@code onUploaded} with each file's index as it
   * completes. Fails with the first file's final error; cancelling the returned future stops the
   * rest.
   */
  CompletableFuture<Void> upload(List<GeneratedFile> files, IntConsumer onUploaded) {
    int n = files.size();
    CompletableFuture<Void> result = new CompletableFuture<>();
    if (n == 0) {
      result.complete(null);
      return result;
    }
    AtomicInteger next = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    AtomicBoolean stopped = new AtomicBoolean();
    Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
    result.whenComplete((v, e) -> {
      if (e != null) {
        stopped.set(true);
        inFlight.forEach(f -> f.cancel(true));
      }
    });
    Runnable[] pump = new Runnable[1];
    pump[0] = () -> {
      while (!stopped.get()) {
        int i = next.getAndIncrement();
        if (i >= n) {
          return;
        }
        CompletableFuture<Object> started;
        try {
          started = uploadOne(files.get(i));
        } catch (RuntimeException e) {
          started = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Object> f = started;
        inFlight.add(f);
        boolean sync = f.isDone();
        f.whenComplete((v, e) -> {
          inFlight.remove(f);
          if (e != null) {
            Throwable cause = VercelApi.unwrap(e);
            result.completeExceptionally(cause instanceof DeploymentException
                ? cause : new DeploymentException(DeploymentError.of(ErrorCode.UPLOAD_FAILED,
                    "Uploading " + files.get(i).path() + " failed").withPlatform(VercelPlatform.ID),
                    cause));
            return;
          }
          onUploaded.accept(i);
          if (done.incrementAndGet() == n) {
            result.complete(null);
          } else if (!sync) {
            pump[0].run();
          }
        });
        if (!sync) {
          return;
        }
      }
    };
    int workers = Math.min(settings.uploadConcurrency(), n);
    for (int w = 0; w < workers; w++) {
      pump[0].run();
    }
    return result;
  }

  private CompletableFuture<Object> uploadOne(GeneratedFile file) {
    return Failsafe.with(policy).with(api.context().scheduler()).getStageAsync(() -> {
      HttpRequest request = api.request(api.path("/v2/files"))
          .header("Content-Type", "application/octet-stream")
          .header("x-vercel-digest", file.sha1())
          .POST(HttpRequest.BodyPublishers.ofByteArray(file.bytes()))
          .build();
      return api.sendBytes(request, file.bytes(), true).thenApply(json -> (Object) json);
    });
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

  /** Exponential backoff from the initial delay, capped, with 25% jitter either way. */
  Duration backoff(int attempts) {
    long initial = settings.uploadRetryDelay().toMillis();
    long cap = Math.max(initial, settings.uploadRetryMaxDelay().toMillis());
    long base = Math.min(cap, initial << Math.min(Math.max(attempts - 1, 0), 20));
    double jitter = 1 + (ThreadLocalRandom.current().nextDouble() - 0.5) * 0.5;
    return Duration.ofMillis(Math.max(1, Math.round(base * jitter)));
  }
}
