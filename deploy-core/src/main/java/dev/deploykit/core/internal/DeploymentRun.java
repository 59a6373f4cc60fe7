package dev.deploykit.core.internal;

import dev.deploykit.core.Deployment;
import dev.deploykit.core.DeploymentConfig;
import dev.deploykit.core.DeploymentError;
import dev.deploykit.core.DeploymentErrorHandler;
import dev.deploykit.core.DeploymentException;
import dev.deploykit.core.DeploymentStatus;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.GeneratedFile;
import dev.deploykit.core.UploadProgress;
import dev.deploykit.core.UrlCheck;
import dev.deploykit.core.spi.BuildState;
import dev.deploykit.core.spi.BuildStatus;
import dev.deploykit.core.spi.Credentials;
import dev.deploykit.core.spi.DeploymentCheckpoint;
import dev.deploykit.core.spi.LogSink;
import dev.deploykit.core.spi.LogStream;
import dev.deploykit.core.spi.PlatformDeployment;
import dev.deploykit.core.spi.PlatformProject;
import dev.deploykit.core.spi.PlatformProvider;
import dev.deploykit.core.spi.PlatformService;
import dev.deploykit.core.spi.UploadResult;
import dev.deploykit.env.EnvironmentVariable;
import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
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
  public static final int MAX_FILES = DeploymentSteps.MAX_FILES;

  private final RunSettings s;
  private final @Nullable DeploymentConfig config;
  private final String platform;
  private final String projectName;
  /** A resumed run: the journal's lines; a new one: empty. Guarded by {@link #logTail}. */
  private final List<String> journaled;
  private int journalMatched;
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
  private volatile DeploymentCheckpoint checkpoint;
  private volatile List<GeneratedFile> files = List.of();
  private volatile List<EnvironmentVariable> variables = List.of();
  private volatile @Nullable String displayName;

  private final java.util.function.Consumer<Deployment> onEnd;
  private final DeploymentSteps steps;

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
    this.platform = initial.platform();
    this.projectName = initial.projectName();
    this.snapshot = initial;
    this.timeout = timeout;
    this.redactor = redactorFor(config.environmentVariables(), List.of());
    this.steps = new DeploymentSteps(settings);
    this.checkpoint = DeploymentCheckpoint.start(initial.id(), config, initial.createdAt());
    this.journaled = List.of();
  }

  /**
   * Creates a run that continues a deployment a restart interrupted, from its stored snapshot and
   * checkpoint. Without a config only a deployment whose build started can continue (it needs no
   * files and no variable values); with one, the steps before the build are done again, skipping
   * what the checkpoint shows as done.
   *
   * @param journal the build-log lines journaled before the restart, so that a log stream that
   *     replays them from the start adds none twice
   */
  public DeploymentRun(RunSettings settings, @Nullable DeploymentConfig config, Deployment stored,
      DeploymentCheckpoint checkpoint, List<String> journal, Duration timeout,
      java.util.function.Consumer<Deployment> onEnd) {
    this.onEnd = onEnd;
    this.s = settings;
    this.config = config;
    this.platform = stored.platform();
    this.projectName = stored.projectName();
    this.snapshot = stored;
    this.timeout = timeout;
    this.redactor = redactorFor(config == null ? List.of() : config.environmentVariables(), List.of());
    this.steps = new DeploymentSteps(settings);
    this.checkpoint = config == null ? checkpoint : new DeploymentCheckpoint(checkpoint.deploymentId(),
        checkpoint.step(), config.target(), config.settings(), checkpoint.variableNames(),
        config.verifyUrl(), config.healthPath(), config.timeout(), checkpoint.manifestHash(),
        checkpoint.project(), checkpoint.platformDeployment(), checkpoint.updatedAt());
    this.journaled = List.copyOf(journal);
    synchronized (logTail) {
      for (String line : journaled) {
        logTail.addLast(line);
        while (logTail.size() > s.logTailLines()) {
          logTail.removeFirst();
        }
      }
    }
  }

  /** Whether this run continues a deployment whose build had started: it only follows the build. */
  private boolean followsBuildOnly() {
    return config == null || checkpoint.platformDeployment() != null;
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
    try {
      s.store().save(snapshot, checkpoint);
    } catch (RuntimeException e) {
      LOG.warn("Could not record deployment {}: {}", id(), e.toString());
      failBeforeStart(DeploymentErrorHandler.toError(e, null));
      return;
    }
    s.tracker().update(snapshot.id(), DeploymentStatus.PENDING, message);
  }

  /** Reports a resumed deployment to the tracker. Called before {@link #start()}. */
  public void recordResumed(String message) {
    s.tracker().update(snapshot.id(), snapshot.status(), message);
  }

  /** Starts the steps now; the timeout starts counting now. */
  public void start() {
    if (finished.get()) {
      return;
    }
    timeoutTask = s.scheduler().schedule(this::onTimeout, timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (followsBuildOnly()) {
      CompletableFuture.runAsync(this::prepareToFollow, s.executor())
          .thenCompose(v -> step(DeploymentStatus.BUILDING, "Following build "
              + platformDeployment().id() + " on " + displayName + " again after a restart",
              () -> CompletableFuture.completedFuture(null)))
          .thenCompose(v -> monitor())
          .thenCompose(this::verify)
          .whenComplete((check, error) -> {
            if (error != null) {
              fail(error);
            } else {
              succeed(check);
            }
          });
      return;
    }
    CompletableFuture.runAsync(this::prepare, s.executor())
        .thenCompose(v -> step(DeploymentStatus.GENERATING, "Preparing the project's files",
            this::generate))
        .thenCompose(v -> step(DeploymentStatus.CREATING_PROJECT,
            (checkpoint.project() == null ? "Creating project " : "Reusing project ") + projectName
                + " on " + displayName, this::createProject))
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
    PlatformProvider provider = steps.provider(platform);
    displayName = provider.displayName();
    variables = steps.mergeVariables(config());
    checkpoint = checkpoint.withVariables(variables);
    redactor = redactorFor(variables, List.of());
    steps.validate(variables);
    Credentials credentials = steps.credentials(provider, platform, snapshot.userId());
    redactor = redactorFor(variables, List.of(credentials.token()));
    service = steps.service(provider, platform, credentials, checkpoint.settings());
  }

  /** For a run that only follows a started build: the platform and the token, no variables. */
  private void prepareToFollow() {
    PlatformProvider provider = steps.provider(platform);
    displayName = provider.displayName();
    if (checkpoint.platformDeployment() == null) {
      throw new DeploymentException(DeploymentError.of(ErrorCode.INVALID_CONFIG, "Deployment "
          + id() + " of " + projectName + " was interrupted by a restart while "
          + snapshot.status().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
          + ", before its build started; its files and variable values are not stored. Resume it"
          + " with orchestrator.resume(configs) giving its DeploymentConfig, or deploy again"
          + (snapshot.idempotencyKey() == null ? "" : " with idempotency key "
              + snapshot.idempotencyKey())
          + (checkpoint.project() == null ? "" : " (project " + checkpoint.project().id()
              + " is reused, not created again)")
          + ".").withPlatform(platform));
    }
    Credentials credentials = steps.credentials(provider, platform, snapshot.userId());
    redactor = redactorFor(config == null ? List.of() : config.environmentVariables(),
        List.of(credentials.token()));
    service = steps.service(provider, platform, credentials, checkpoint.settings());
  }

  private DeploymentConfig config() {
    DeploymentConfig c = config;
    if (c == null) {
      throw new IllegalStateException("no config");
    }
    return c;
  }

  private CompletableFuture<Void> generate() {
    return CompletableFuture.runAsync(() -> {
      files = steps.generate(config(), variables);
      String before = checkpoint.manifestHash();
      checkpoint = checkpoint.withFiles(files);
      progress(DeploymentStatus.GENERATING, files.size() + " files ready"
          + (before == null || before.equals(checkpoint.manifestHash()) ? ""
              : " (they changed since the attempt a restart interrupted)"), null);
    }, s.executor());
  }

  private CompletableFuture<Void> createProject() {
    return steps.createProject(service(), checkpoint, projectName, files)
        .thenAccept(c -> {
          checkpoint = c;
          save(snapshot.withPlatformProjectId(DeploymentSteps.project(c).id()));
        });
  }

  private CompletableFuture<Void> configure() {
    return steps.configure(service(), checkpoint, variables);
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
          Duration retryAfter = steps.uploadRetryAfter(ctx.getLastException(), platform);
          // A negative delay tells Failsafe to use the backoff; null is not allowed.
          return retryAfter == null ? Duration.ofMillis(-1) : retryAfter;
        })
        .onRetry(e -> {
          DeploymentError err = DeploymentErrorHandler.toError(e.getLastException(), platform);
          progress(DeploymentStatus.UPLOADING, "Upload attempt " + e.getAttemptCount() + " failed ("
              + redactor.redact(err.message()) + "); retrying", null);
        })
        .build();
    return Failsafe.with(policy).with(s.scheduler()).getStageAsync(() -> {
      attempt[0]++;
      if (finished.get()) {
        throw new CancellationException("deployment ended");
      }
      int[] shown = {-1};
      return steps.uploadOnce(service(), checkpoint, files, p -> {
        // One update per percent of the files: 2,000 small files make 101 updates, not 2,000.
        int percent = p.filesTotal() <= 0 ? 100 : (int) (100L * p.filesDone() / p.filesTotal());
        synchronized (shown) { // and in order: the tracker only queues the update
          if (percent <= shown[0]) {
            return;
          }
          shown[0] = percent;
          progress(DeploymentStatus.UPLOADING,
              "Uploaded " + p.filesDone() + " of " + p.filesTotal() + " files", p);
        }
      });
    }).handle((r, e) -> {
      if (e == null) {
        progress(DeploymentStatus.UPLOADING, "Uploaded " + r.filesUploaded() + " files ("
            + r.bytesUploaded() + " bytes), " + r.filesSkipped() + " already on the platform",
            new UploadProgress(files.size(), files.size(), r.bytesUploaded(), totalBytes));
        return r;
      }
      throw new DeploymentException(steps.uploadExhausted(e, attempt[0], platform), unwrap(e));
    });
  }

  private boolean retryable(Throwable e) {
    if (finished.get()) {
      return false;
    }
    return steps.retryableUploadFailure(e, platform);
  }

  private CompletableFuture<PlatformDeployment> trigger(UploadResult upload) {
    return steps.trigger(service(), checkpoint, upload, files)
        .thenApply(c -> {
          checkpoint = c;
          PlatformDeployment d = DeploymentSteps.platformDeployment(c);
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
      logStream = steps.streamLogs(service(), checkpoint, new LogSink() {
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
      steps.pollOnce(service(), checkpoint).whenComplete((status, error) -> {
        Duration grown = min(next.multipliedBy(2), s.pollMaxInterval());
        if (error != null) {
          if (steps.retryablePollFailure(error, failures + 1, platform)) {
            poll(done, deploymentId, steps.pollRetryDelay(error, next, platform), grown,
                failures + 1);
          } else {
            done.completeExceptionally(error);
          }
          return;
        }
        RuntimeException failure = steps.buildFailure(status, displayName, platform);
        if (failure != null) {
          done.completeExceptionally(failure);
        } else if (status.state() == BuildState.SUCCESS) {
          done.complete(status);
        } else {
          poll(done, deploymentId, next, grown, 0);
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
      if (journalMatched >= 0 && journalMatched < journaled.size()) {
        // A stream that replays the build log from its start after a restart: skip what the
        // journal has, as long as the replay matches it line for line.
        if (journaled.get(journalMatched).equals(safe)) {
          journalMatched++;
          return;
        }
        journalMatched = -1;
      }
      try {
        s.store().appendLogLines(id(), List.of(safe));
      } catch (RuntimeException e) {
        LOG.warn("Could not journal a build-log line of {}: {}", id(), e.toString());
      }
      logTail.addLast(safe);
      while (logTail.size() > s.logTailLines()) {
        logTail.removeFirst();
      }
    }
    s.tracker().updateLogs(id(), List.of(safe));
  }

  /** After success: let the log stream drain (bounded), then GET the URL once if asked. */
  private CompletableFuture<@Nullable UrlCheck> verify(BuildStatus status) {
    String url = steps.successUrl(status, checkpoint);
    if (url == null) {
      return CompletableFuture.failedFuture(new DeploymentException(DeploymentError.of(
          ErrorCode.UNKNOWN, displayName + " reported success without a URL").withPlatform(platform)));
    }
    save(snapshot.withDeploymentUrl(url));
    CompletableFuture<Void> drained = drainLogs();
    if (!DeploymentSteps.verifiesUrl(url, checkpoint)) {
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
    String target = DeploymentSteps.urlCheckTarget(url, checkpoint);
    progress(DeploymentStatus.BUILDING, "Checking " + target, null);
    return steps.checkUrl(target, s.verifyTimeout());
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
    DeploymentError err = DeploymentErrorHandler.toError(cause, service == null ? null : platform);
    err = err.withMessage(redactor.redact(err.message()));
    if (err.code() == ErrorCode.UNKNOWN) {
      LOG.warn("Deployment {} failed unexpectedly", id(), cause);
    } else {
      LOG.debug("Deployment {} failed: {}", id(), err.code());
    }
    end(DeploymentStatus.FAILED, err, null);
  }

  private void onTimeout() {
    String where = displayName == null ? platform : displayName;
    DeploymentError err = DeploymentError.of(ErrorCode.TIMEOUT,
            "The deployment did not finish within " + human(timeout) + " (it was "
                + snapshot.status().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                + "). The build may still finish on " + where
                + (checkpoint.platformDeployment() == null ? "" : ": check deployment "
                    + checkpoint.platformDeployment().id()
                    + " in the " + where + " dashboard")
                + ".")
        .withPlatform(platform);
    end(DeploymentStatus.TIMED_OUT, err, null);
  }

  /** Cancels the run: stops local work, asks the platform to cancel, ends CANCELLED. */
  public boolean cancel() {
    PlatformService svc = service;
    PlatformProject p = checkpoint.project();
    PlatformDeployment d = checkpoint.platformDeployment();
    boolean ended = end(DeploymentStatus.CANCELLED, null, "Cancelled");
    if (ended && svc != null && p != null && d != null) {
      try {
        svc.cancelDeployment(p, d.id()).whenComplete((v, e) -> {
          if (e != null) {
            LOG.info("{} could not cancel deployment {}: {}", platform, d.id(),
                DeploymentErrorHandler.toError(e, platform).message());
          }
        });
      } catch (RuntimeException e) {
        LOG.info("{} could not cancel deployment {}: {}", platform, d.id(), e.toString());
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

  /**
   * Records a snapshot and the checkpoint that goes with it, before the run relies on what they
   * say. A store that fails fails the deployment, except for the final snapshot (logged).
   */
  private void save(Deployment d) {
    synchronized (lock) {
      if (finished.get() && !d.status().isTerminal()) {
        return;
      }
      snapshot = d;
      DeploymentCheckpoint c = checkpoint.withStep(d.status(), d.updatedAt());
      checkpoint = c;
      if (d.status().isTerminal()) {
        try {
          s.store().save(d, c);
        } catch (RuntimeException e) {
          LOG.warn("Could not store the final state {} of deployment {}: {}", d.status(), id(),
              e.toString());
        }
      } else {
        s.store().save(d, c);
      }
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
    return DeploymentSteps.project(checkpoint);
  }

  private PlatformDeployment platformDeployment() {
    return DeploymentSteps.platformDeployment(checkpoint);
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
