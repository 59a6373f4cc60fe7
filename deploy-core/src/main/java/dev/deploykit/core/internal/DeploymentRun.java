package dev.deploykit.core.internal;

import dev.deploykit.core.Deployment;
import dev.deploykit.core.DeploymentConfig;
import dev.deploykit.core.DeploymentError;
import dev.deploykit.core.DeploymentErrorHandler;
import dev.deploykit.core.DeploymentException;
import dev.deploykit.core.DeploymentStatus;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.GeneratedFile;
import dev.deploykit.core.ProjectFiles;
import dev.deploykit.core.UploadProgress;
import dev.deploykit.core.UrlCheck;
import dev.deploykit.core.spi.BuildStatus;
import dev.deploykit.core.spi.CreateProjectRequest;
import dev.deploykit.core.spi.Credentials;
import dev.deploykit.core.spi.LogSink;
import dev.deploykit.core.spi.LogStream;
import dev.deploykit.core.spi.PlatformContext;
import dev.deploykit.core.spi.PlatformDeployment;
import dev.deploykit.core.spi.PlatformProject;
import dev.deploykit.core.spi.PlatformProvider;
import dev.deploykit.core.spi.PlatformService;
import dev.deploykit.core.spi.UploadResult;
import dev.deploykit.env.EnvironmentVariable;
import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One deployment in flight: the nine steps chained as future stages, with the timers (timeout,
 * polling) on the shared scheduler. No thread waits: every wait is a scheduled task.
 *
 * <p>The first of success, failure, timeout and cancel to arrive ends the run; the others are
 * ignored.
 */
public final class DeploymentRun {
  private static final Logger LOG = LoggerFactory.getLogger(DeploymentRun.class);
  /** The longest build-log line kept; the rest is cut (documented on DeploymentOrchestrator). */
  public static final int MAX_LOG_LINE_CHARS = 8 * 1024;
  /** The most files one deployment may hold, whatever their source. */
  public static final int MAX_FILES = dev.deploykit.core.ProjectFiles.DEFAULT_MAX_FILES;

  private final RunSettings s;
  private final DeploymentConfig config;
  private final Duration timeout;
  private final CompletableFuture<Deployment> result = new CompletableFuture<>();
  private final AtomicBoolean finished = new AtomicBoolean();
  private final Object lock = new Object();
  private final Deque<String> logTail = new ArrayDeque<>();

  private volatile Deployment snapshot;
  private volatile Redactor redactor;
  private volatile @Nullable CompletableFuture<?> current;
  private volatile @Nullable ScheduledFuture<?> timeoutTask;
  private volatile @Nullable ScheduledFuture<?> pollTask;
  private volatile @Nullable LogStream logStream;
  private volatile @Nullable PlatformService service;
  private volatile @Nullable PlatformProject project;
  private volatile @Nullable PlatformDeployment platformDeployment;
  private volatile List<GeneratedFile> files = List.of();
  private volatile List<EnvironmentVariable> variables = List.of();
  private volatile @Nullable String displayName;

  private final java.util.function.Consumer<Deployment> onEnd;

  /**
   * Creates a run.
   *
   * @param onEnd called with the final snapshot before {@link #result()} completes, so that what
   *     the caller sees after joining the result is already tidied up
   */
  public DeploymentRun(RunSettings settings, DeploymentConfig config, Deployment initial,
      Duration timeout, java.util.function.Consumer<Deployment> onEnd) {
    this.onEnd = onEnd;
    this.s = settings;
    this.config = config;
    this.snapshot = initial;
    this.timeout = timeout;
    this.redactor = redactorFor(config.environmentVariables(), List.of());
  }

  /** Returns the deployment's id. */
  public String id() {
    return snapshot.id();
  }

  /** Returns the latest snapshot. */
  public Deployment snapshot() {
    return snapshot;
  }

  /** Returns the future of the final snapshot. */
  public CompletableFuture<Deployment> result() {
    return result;
  }

  /** Returns the files of the deployment, once generated or read. */
  public List<GeneratedFile> files() {
    return files;
  }

  /** Records the deployment as PENDING. Called before {@link #start()}. */
  public void record(String message) {
    s.store().save(snapshot);
    s.tracker().update(snapshot.id(), DeploymentStatus.PENDING, message);
  }

  /** Starts the steps now; the timeout starts counting now. */
  public void start() {
    if (finished.get()) {
      return;
    }
    timeoutTask = s.scheduler().schedule(this::onTimeout, timeout.toMillis(), TimeUnit.MILLISECONDS);
    CompletableFuture.runAsync(this::prepare, s.executor())
        .thenCompose(v -> step(DeploymentStatus.GENERATING, "Preparing the project's files",
            this::generate))
        .thenCompose(v -> step(DeploymentStatus.CREATING_PROJECT,
            "Creating project " + config.projectName() + " on " + displayName, this::createProject))
        .thenCompose(v -> step(DeploymentStatus.CONFIGURING,
            "Setting " + variables.size() + " environment variables", this::configure))
        .thenCompose(v -> step(DeploymentStatus.UPLOADING, "Uploading " + files.size() + " files",
            this::upload))
        .thenCompose(upload -> step(DeploymentStatus.BUILDING, "Starting the build",
            () -> trigger(upload)))
        .thenCompose(v -> monitor())
        .thenCompose(this::verify)
        .whenComplete((check, error) -> {
          if (error != null) {
            fail(error);
          } else {
            succeed(check);
          }
        });
  }

  // ---- steps -------------------------------------------------------------------------------

  private void prepare() {
    PlatformProvider provider = s.platforms().provider(config.platform());
    displayName = provider.displayName();
    variables = mergeVariables();
    redactor = redactorFor(variables, List.of());
    Map<String, String> errors = s.validator().getErrors(variables);
    if (!errors.isEmpty()) {
      List<String> details = new ArrayList<>();
      errors.forEach((k, m) -> details.add(k + ": " + m));
      throw new DeploymentException(DeploymentError.of(ErrorCode.INVALID_CONFIG,
              errors.size() + " environment variable" + (errors.size() == 1 ? " is" : "s are")
                  + " invalid: " + String.join("; ", details))
          .withDetails(details));
    }
    Credentials credentials = s.credentials().credentials(snapshot.userId(), config.platform())
        .orElseThrow(() -> new DeploymentException(DeploymentError.of(ErrorCode.AUTH_FAILED,
            "No " + provider.displayName() + " token for user " + snapshot.userId()
                + ": connect the account, or set "
                + DefaultCredentialsProvider.environmentVariable(config.platform()))
            .withPlatform(config.platform())));
    redactor = redactorFor(variables, List.of(credentials.token()));
    service = provider.create(new PlatformContext(config.platform(), credentials, s.httpClient(),
        s.objectMapper(), s.scheduler(), s.executor(), s.clock(), Services.settingsOf(config.platform(), s.settings(), config.settings())));
  }

  /** The detected variables of the scaffold, with values from the config, then the config's others. */
  private List<EnvironmentVariable> mergeVariables() {
    Map<String, EnvironmentVariable> given = new LinkedHashMap<>();
    for (EnvironmentVariable v : config.environmentVariables()) {
      given.put(v.key(), v);
    }
    if (config.scaffoldConfig() == null) {
      return List.copyOf(given.values());
    }
    Map<String, EnvironmentVariable> merged = new LinkedHashMap<>();
    for (EnvironmentVariable detected : s.detector().detect(config.scaffoldConfig())) {
      EnvironmentVariable mine = given.remove(detected.key());
      merged.put(detected.key(), mine == null ? detected : mine);
    }
    merged.putAll(given);
    return List.copyOf(merged.values());
  }

  private CompletableFuture<Void> generate() {
    return CompletableFuture.runAsync(() -> {
      List<GeneratedFile> out;
      if (config.scaffoldConfig() != null) {
        out = s.generator().generate(config.projectName(), config.scaffoldConfig(), variables);
      } else if (config.sourceDirectory() != null) {
        out = ProjectFiles.fromDirectory(config.sourceDirectory());
      } else {
        out = config.files();
      }
      if (out.isEmpty()) {
        throw new DeploymentException(ErrorCode.INVALID_CONFIG, "There are no files to deploy");
      }
      if (out.size() > MAX_FILES) {
        throw new DeploymentException(ErrorCode.INVALID_CONFIG, "The project has " + out.size()
            + " files; a deployment may hold at most " + MAX_FILES + ". Leave build output and"
            + " dependencies (node_modules) out, or list them in .deployignore");
      }
      files = List.copyOf(out);
      progress(DeploymentStatus.GENERATING, files.size() + " files ready", null);
    }, s.executor());
  }

  private CompletableFuture<Void> createProject() {
    return service().createProject(
            new CreateProjectRequest(config.projectName(), files, config.target()))
        .thenAccept(p -> {
          project = p;
          save(snapshot.withPlatformProjectId(p.id()));
        });
  }

  private CompletableFuture<Void> configure() {
    List<EnvironmentVariable> withValues =
        variables.stream().filter(EnvironmentVariable::hasValue).toList();
    if (withValues.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return service().setEnvironmentVariables(project(), withValues, config.target());
  }

  private CompletableFuture<UploadResult> upload() {
    long totalBytes = files.stream().mapToLong(GeneratedFile::size).sum();
    int[] attempt = {0};
    RetryPolicy<UploadResult> policy = RetryPolicy.<UploadResult>builder()
        .handleIf((r, e) -> e != null && retryable(e))
        .withMaxRetries(s.uploadRetry().maxRetries())
        .withBackoff(s.uploadRetry().initialDelay(), s.uploadRetry().maxDelay())
        .withJitter(s.uploadRetry().jitter())
        .withDelayFn(ctx -> {
          Throwable last = ctx.getLastException();
          DeploymentError e = last == null ? null : DeploymentErrorHandler.toError(last, config.platform());
          // A negative delay tells Failsafe to use the backoff; null is not allowed.
          return e == null || e.retryAfter() == null ? Duration.ofMillis(-1) : e.retryAfter();
        })
        .onRetry(e -> {
          DeploymentError err = DeploymentErrorHandler.toError(e.getLastException(), config.platform());
          progress(DeploymentStatus.UPLOADING, "Upload attempt " + e.getAttemptCount() + " failed ("
              + redactor.redact(err.message()) + "); retrying", null);
        })
        .build();
    return Failsafe.with(policy).with(s.scheduler()).getStageAsync(() -> {
      attempt[0]++;
      if (finished.get()) {
        throw new CancellationException("deployment ended");
      }
      return service().uploadFiles(project(), files, p -> progress(DeploymentStatus.UPLOADING,
          "Uploaded " + p.filesDone() + " of " + p.filesTotal() + " files", p));
    }).handle((r, e) -> {
      if (e == null) {
        progress(DeploymentStatus.UPLOADING, "Uploaded " + r.filesUploaded() + " files ("
            + r.bytesUploaded() + " bytes), " + r.filesSkipped() + " already on the platform",
            new UploadProgress(files.size(), files.size(), r.bytesUploaded(), totalBytes));
        return r;
      }
      DeploymentError err = DeploymentErrorHandler.toError(e, config.platform());
      if (err.code() == ErrorCode.PLATFORM_UNAVAILABLE) {
        err = new DeploymentError(ErrorCode.UPLOAD_FAILED, "Upload failed after " + attempt[0]
            + " attempt" + (attempt[0] == 1 ? "" : "s") + ": " + err.message(), err.platform(),
            err.httpStatus(), err.retryAfter(), err.requestId(), err.details());
      }
      throw new DeploymentException(err, unwrap(e));
    });
  }

  private boolean retryable(Throwable e) {
    if (e instanceof CancellationException || finished.get()) {
      return false;
    }
    DeploymentError err = DeploymentErrorHandler.toError(e, config.platform());
    if (err.retryAfter() != null && err.retryAfter().compareTo(s.uploadRetry().maxRetryAfter()) > 0) {
      return false;
    }
    return s.errorHandler().isRetryable(err);
  }

  private CompletableFuture<PlatformDeployment> trigger(UploadResult upload) {
    return service().triggerDeployment(project(), upload, files, config.target())
        .thenApply(d -> {
          platformDeployment = d;
          save(snapshot.withPlatformDeploymentId(d.id()));
          progress(DeploymentStatus.BUILDING, "Build started (" + d.id() + ")", null);
          return d;
        });
  }

  // ---- monitoring --------------------------------------------------------------------------

  private CompletableFuture<BuildStatus> monitor() {
    CompletableFuture<BuildStatus> done = new CompletableFuture<>();
    current = done;
    String deploymentId = platformDeployment().id();
    try {
      logStream = service().streamBuildLogs(project(), deploymentId, new LogSink() {
        @Override
        public void line(String line) {
          onLogLine(line);
        }

        @Override
        public void failed(Throwable cause) {
          LOG.debug("Build log stream of {} failed: {}", id(), cause.toString());
        }
      });
    } catch (RuntimeException e) {
      LOG.debug("Build log stream of {} could not start: {}", id(), e.toString());
    }
    poll(done, deploymentId, Duration.ZERO, s.pollInitialInterval(), 0);
    return done;
  }

  private void poll(CompletableFuture<BuildStatus> done, String deploymentId, Duration delay,
      Duration next, int failures) {
    if (finished.get() || done.isDone()) {
      return;
    }
    Runnable task = () -> {
      if (finished.get() || done.isDone()) {
        return;
      }
      CompletableFuture<BuildStatus> f;
      try {
        f = service().getDeploymentStatus(project(), deploymentId);
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      }
      f.whenComplete((status, error) -> {
        Duration grown = min(next.multipliedBy(2), s.pollMaxInterval());
        if (error != null) {
          DeploymentError err = DeploymentErrorHandler.toError(error, config.platform());
          if (s.errorHandler().isRetryable(err) && failures + 1 < s.maxConsecutivePollFailures()) {
            Duration wait = err.retryAfter() != null && err.retryAfter().compareTo(next) > 0
                ? err.retryAfter() : next;
            poll(done, deploymentId, wait, grown, failures + 1);
          } else {
            done.completeExceptionally(error);
          }
          return;
        }
        switch (status.state()) {
          case BUILDING -> poll(done, deploymentId, next, grown, 0);
          case SUCCESS -> done.complete(status);
          case FAILED -> done.completeExceptionally(new DeploymentException(status.error()));
          case CANCELLED -> done.completeExceptionally(new DeploymentException(
              DeploymentError.of(ErrorCode.BUILD_FAILED, "The deployment was cancelled on "
                  + displayName + " (" + status.platformState() + ")").withPlatform(config.platform())));
          default -> done.completeExceptionally(new IllegalStateException(status.state().name()));
        }
      });
    };
    if (delay.isZero()) {
      s.executor().execute(task);
    } else {
      pollTask = s.scheduler().schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private void onLogLine(String line) {
    if (finished.get()) {
      return;
    }
    String safe = redactor.redact(line);
    if (safe.length() > MAX_LOG_LINE_CHARS) {
      safe = safe.substring(0, MAX_LOG_LINE_CHARS) + "... (" + (safe.length() - MAX_LOG_LINE_CHARS)
          + " more characters cut)";
    }
    synchronized (logTail) {
      logTail.addLast(safe);
      while (logTail.size() > s.logTailLines()) {
        logTail.removeFirst();
      }
    }
    s.tracker().updateLogs(id(), List.of(safe));
  }

  /** After success: let the log stream drain (bounded), then GET the URL once if asked. */
  private CompletableFuture<@Nullable UrlCheck> verify(BuildStatus status) {
    String url = status.url() != null ? status.url() : platformDeployment().url();
    if (url == null) {
      return CompletableFuture.failedFuture(new DeploymentException(DeploymentError.of(
          ErrorCode.UNKNOWN, displayName + " reported success without a URL").withPlatform(config.platform())));
    }
    save(snapshot.withDeploymentUrl(url));
    CompletableFuture<Void> drained = drainLogs();
    if (!config.verifyUrl() || !(url.startsWith("http://") || url.startsWith("https://"))) {
      return drained.thenApply(v -> null);
    }
    return drained.thenCompose(v -> checkUrl(url));
  }

  private CompletableFuture<Void> drainLogs() {
    LogStream stream = logStream;
    if (stream == null) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> bounded = new CompletableFuture<>();
    ScheduledFuture<?> timer = s.scheduler().schedule(() -> bounded.complete(null),
        s.logDrainTimeout().toMillis(), TimeUnit.MILLISECONDS);
    stream.done().whenComplete((v, e) -> {
      timer.cancel(false);
      bounded.complete(null);
    });
    return bounded;
  }

  private CompletableFuture<@Nullable UrlCheck> checkUrl(String url) {
    String target = url.endsWith("/") && config.healthPath().startsWith("/")
        ? url + config.healthPath().substring(1) : url + config.healthPath();
    Instant start = s.clock().instant();
    long startNanos = System.nanoTime();
    progress(DeploymentStatus.BUILDING, "Checking " + target, null);
    HttpRequest request;
    try {
      request = HttpRequest.newBuilder(URI.create(target)).timeout(s.verifyTimeout()).GET().build();
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(
          new UrlCheck(target, null, Duration.ZERO, start, "not a valid URL"));
    }
    return s.httpClient().sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .handle((response, e) -> {
          Duration latency = Duration.ofNanos(System.nanoTime() - startNanos);
          if (e != null) {
            return new UrlCheck(target, null, latency, start, unwrap(e).getClass().getSimpleName());
          }
          return new UrlCheck(target, response.statusCode(), latency, start, null);
        });
  }

  // ---- ending ------------------------------------------------------------------------------

  private void succeed(@Nullable UrlCheck check) {
    if (!finished.compareAndSet(false, true)) {
      return;
    }
    stopWork();
    Deployment d = snapshot.withStatus(DeploymentStatus.SUCCESS, s.clock().instant())
        .withUrlCheck(check).withLogTail(tail());
    save(d);
    s.tracker().complete(id(), d.deploymentUrl());
    complete(d);
  }

  private void fail(Throwable error) {
    Throwable cause = unwrap(error);
    if (finished.get()) {
      return;
    }
    DeploymentError err = DeploymentErrorHandler.toError(cause, service == null ? null : config.platform());
    err = err.withMessage(redactor.redact(err.message()));
    if (err.code() == ErrorCode.UNKNOWN) {
      LOG.warn("Deployment {} failed unexpectedly", id(), cause);
    } else {
      LOG.debug("Deployment {} failed: {}", id(), err.code());
    }
    end(DeploymentStatus.FAILED, err, null);
  }

  private void onTimeout() {
    String where = displayName == null ? config.platform() : displayName;
    DeploymentError err = DeploymentError.of(ErrorCode.TIMEOUT,
            "The deployment did not finish within " + human(timeout) + " (it was "
                + snapshot.status().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                + "). The build may still finish on " + where
                + (platformDeployment == null ? "" : ": check deployment " + platformDeployment.id()
                    + " in the " + where + " dashboard")
                + ".")
        .withPlatform(config.platform());
    end(DeploymentStatus.TIMED_OUT, err, null);
  }

  /** Cancels the run: stops local work, asks the platform to cancel, ends CANCELLED. */
  public boolean cancel() {
    PlatformService svc = service;
    PlatformProject p = project;
    PlatformDeployment d = platformDeployment;
    boolean ended = end(DeploymentStatus.CANCELLED, null, "Cancelled");
    if (ended && svc != null && p != null && d != null) {
      try {
        svc.cancelDeployment(p, d.id()).whenComplete((v, e) -> {
          if (e != null) {
            LOG.info("{} could not cancel deployment {}: {}", config.platform(), d.id(),
                DeploymentErrorHandler.toError(e, config.platform()).message());
          }
        });
      } catch (RuntimeException e) {
        LOG.info("{} could not cancel deployment {}: {}", config.platform(), d.id(), e.toString());
      }
    }
    return ended;
  }

  /** Fails the run before it started (a conflicting deployment, a wait that ran out). */
  public void failBeforeStart(DeploymentError error) {
    end(DeploymentStatus.FAILED, error, null);
  }

  private boolean end(DeploymentStatus status, @Nullable DeploymentError error, @Nullable String message) {
    if (!finished.compareAndSet(false, true)) {
      return false;
    }
    stopWork();
    Deployment d = snapshot.withStatus(status, s.clock().instant()).withError(error).withLogTail(tail());
    save(d);
    if (status == DeploymentStatus.FAILED) {
      s.tracker().fail(id(), error);
    } else {
      s.tracker().end(id(), status, message != null ? message : error != null ? error.message() : status.name(), error);
    }
    complete(d);
    return true;
  }

  private void complete(Deployment d) {
    try {
      onEnd.accept(d);
    } catch (RuntimeException e) {
      LOG.warn("Tidying up after deployment {} failed", id(), e);
    }
    result.complete(d);
  }

  private void stopWork() {
    ScheduledFuture<?> t = timeoutTask;
    if (t != null) {
      t.cancel(false);
    }
    ScheduledFuture<?> p = pollTask;
    if (p != null) {
      p.cancel(false);
    }
    CompletableFuture<?> c = current;
    if (c != null && !c.isDone()) {
      c.cancel(true);
    }
    LogStream l = logStream;
    if (l != null) {
      try {
        l.close();
      } catch (RuntimeException e) {
        LOG.debug("Closing the log stream of {} failed: {}", id(), e.toString());
      }
    }
  }

  // ---- helpers -----------------------------------------------------------------------------

  private <T> CompletableFuture<T> step(DeploymentStatus status, String message,
      Supplier<CompletableFuture<T>> action) {
    if (finished.get()) {
      return CompletableFuture.failedFuture(new CancellationException("deployment ended"));
    }
    save(snapshot.withStatus(status, s.clock().instant()));
    progress(status, message, null);
    CompletableFuture<T> f;
    try {
      f = action.get();
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    current = f;
    return f;
  }

  private void progress(DeploymentStatus status, String message, @Nullable UploadProgress upload) {
    if (!finished.get()) {
      s.tracker().update(id(), status, message, upload);
    }
  }

  private void save(Deployment d) {
    synchronized (lock) {
      if (finished.get() && !d.status().isTerminal()) {
        return;
      }
      snapshot = d;
      s.store().save(d);
    }
  }

  private List<String> tail() {
    synchronized (logTail) {
      return List.copyOf(logTail);
    }
  }

  private PlatformService service() {
    PlatformService svc = service;
    if (svc == null) {
      throw new IllegalStateException("no platform service yet");
    }
    return svc;
  }

  private PlatformProject project() {
    PlatformProject p = project;
    if (p == null) {
      throw new IllegalStateException("no project yet");
    }
    return p;
  }

  private PlatformDeployment platformDeployment() {
    PlatformDeployment d = platformDeployment;
    if (d == null) {
      throw new IllegalStateException("no platform deployment yet");
    }
    return d;
  }

  private static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof java.util.concurrent.CompletionException
            || c instanceof java.util.concurrent.ExecutionException
            || c instanceof dev.failsafe.FailsafeException)
        && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  /** A redactor for the sensitive values among {@code variables} and the given secrets. */
  private static Redactor redactorFor(List<EnvironmentVariable> variables, List<String> secrets) {
    List<String> all = new ArrayList<>(secrets);
    for (EnvironmentVariable v : variables) {
      if (v.sensitive() && v.value() != null) {
        all.add(v.value());
      }
    }
    return new Redactor(all);
  }

  static String human(Duration d) {
    if (d.toMillis() % 60_000 == 0 && d.toMinutes() > 0) {
      return d.toMinutes() + (d.toMinutes() == 1 ? " minute" : " minutes");
    }
    if (d.toMillis() % 1000 == 0) {
      return d.toSeconds() + (d.toSeconds() == 1 ? " second" : " seconds");
    }
    return d.toMillis() + " ms";
  }
}
