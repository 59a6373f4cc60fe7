package dev.deploykit.temporal.internal;

import dev.deploykit.core.Deployment;
import dev.deploykit.core.DeploymentConfig;
import dev.deploykit.core.DeploymentError;
import dev.deploykit.core.DeploymentErrorHandler;
import dev.deploykit.core.DeploymentException;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.GeneratedFile;
import dev.deploykit.core.DeploymentStatus;
import dev.deploykit.core.UploadProgress;
import dev.deploykit.core.UrlCheck;
import dev.deploykit.core.internal.DeploymentRun;
import dev.deploykit.core.internal.DeploymentSteps;
import dev.deploykit.core.internal.Redactor;
import dev.deploykit.core.internal.RunSettings;
import dev.deploykit.core.spi.LogSink;
import dev.deploykit.core.spi.LogStream;
import dev.deploykit.core.spi.BuildState;
import dev.deploykit.core.spi.BuildStatus;
import dev.deploykit.core.spi.Credentials;
import dev.deploykit.core.spi.DeploymentCheckpoint;
import dev.deploykit.core.spi.PlatformDeployment;
import dev.deploykit.core.spi.PlatformProvider;
import dev.deploykit.core.spi.PlatformService;
import dev.deploykit.core.spi.UploadResult;
import dev.deploykit.env.EnvironmentVariable;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ManualActivityCompletionClient;
import io.temporal.failure.ApplicationFailure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Not API: the activities, each a thin shell over {@link DeploymentSteps}. No activity blocks a
 * worker thread on the platform: each completes through Temporal's local manual completion when the
 * step's future does. Files and variable values are looked up here, never passed through the
 * workflow's history, and the files are checked against the checkpoint's manifest hash.
 *
 * <p>Progress: each activity reports its step to the worker's orchestrator's {@code
 * ProgressTracker} (the steps only, never the end: the engine that started the deployment reports
 * that), and the first status poll of a deployment on this worker starts following its build log
 * into that tracker (lines redacted of the token and, when this worker has the config, of the
 * sensitive values; cut like the in-process engine's), until the build ends. Thread-safe.
 */
public final class DeploymentActivitiesImpl implements DeploymentActivities {
  /** The error codes no retry can fix. */
  public static final Set<ErrorCode> NON_RETRYABLE = Set.of(ErrorCode.AUTH_FAILED,
      ErrorCode.INSUFFICIENT_PERMISSIONS, ErrorCode.PROJECT_NAME_TAKEN, ErrorCode.INVALID_CONFIG,
      ErrorCode.BUILD_FAILED);

  private static final Logger LOG = LoggerFactory.getLogger(DeploymentActivitiesImpl.class);

  private final DeploymentSteps steps;
  private final RunSettings settings;
  private final Clock clock;
  private final Function<Deployment, Optional<DeploymentConfig>> configs;
  /** The build logs this worker follows, by deployment id. */
  private final Map<String, LogStream> logStreams = new ConcurrentHashMap<>();

  /**
   * Creates the activities over {@code steps}, reporting to the tracker of {@code settings}, with
   * files and values from {@code configs}.
   */
  public DeploymentActivitiesImpl(DeploymentSteps steps, RunSettings settings,
      Function<Deployment, Optional<DeploymentConfig>> configs) {
    this.steps = Objects.requireNonNull(steps, "steps");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = settings.clock();
    this.configs = Objects.requireNonNull(configs, "configs");
  }

  @Override
  public DeploymentCheckpoint createProject(DeploymentRequest r, DeploymentCheckpoint cp) {
    return async(r, false, () -> {
      Prepared p = prepare(r, cp);
      report(r, DeploymentStatus.CREATING_PROJECT, (cp.project() == null ? "Creating project "
          : "Reusing project ") + r.projectName() + " on " + displayName(r), null);
      return steps.createProject(service(r, cp), cp, r.projectName(), p.files());
    });
  }

  @Override
  public void configure(DeploymentRequest r, DeploymentCheckpoint cp) {
    async(r, false, () -> {
      Prepared p = prepare(r, cp);
      report(r, DeploymentStatus.CONFIGURING,
          "Setting " + p.variables().size() + " environment variables", null);
      return steps.configure(service(r, cp), cp, p.variables());
    });
  }

  @Override
  public UploadResult upload(DeploymentRequest r, DeploymentCheckpoint cp) {
    return async(r, true, () -> {
      Prepared p = prepare(r, cp);
      report(r, DeploymentStatus.UPLOADING, "Uploading " + p.files().size() + " files", null);
      return steps.uploadOnce(service(r, cp), cp, p.files(), progress -> report(r,
          DeploymentStatus.UPLOADING, "Uploaded " + progress.filesDone() + " of "
              + progress.filesTotal() + " files", progress));
    });
  }

  @Override
  public DeploymentCheckpoint trigger(DeploymentRequest r, DeploymentCheckpoint cp,
      UploadResult upload) {
    return async(r, false, () -> {
      Prepared p = prepare(r, cp);
      report(r, DeploymentStatus.BUILDING, "Starting the build", null);
      return steps.trigger(service(r, cp), cp, upload, p.files()).thenApply(c -> {
        PlatformDeployment d = c.platformDeployment();
        if (d != null) {
          report(r, DeploymentStatus.BUILDING, "Build started (" + d.id() + ")", null);
        }
        return c;
      });
    });
  }

  @Override
  public BuildStatus poll(DeploymentRequest r, DeploymentCheckpoint cp) {
    return async(r, false, () -> {
      PlatformProvider provider = steps.provider(r.platform());
      PlatformService service = service(r, cp);
      followLogs(r, cp, service);
      return steps.pollOnce(service, cp).thenCompose(status -> {
        if (status.state() == BuildState.BUILDING) {
          return CompletableFuture.completedFuture(status);
        }
        return drainLogs(r.deploymentId()).thenApply(v -> status);
      }).thenApply(status -> {
        RuntimeException failure = steps.buildFailure(status, provider.displayName(), r.platform());
        if (failure != null) {
          return BuildStatus.failed(DeploymentErrorHandler.toError(failure, r.platform()),
              status.platformState());
        }
        if (status.state() == BuildState.SUCCESS) {
          String url = steps.successUrl(status, cp);
          return new BuildStatus(BuildState.SUCCESS, url, null, status.platformState());
        }
        return status;
      });
    });
  }

  @Override
  public UrlCheck verifyUrl(DeploymentRequest r, String target) {
    return async(r, false, () -> {
      report(r, DeploymentStatus.BUILDING, "Checking " + target, null);
      Duration timeout = r.verifyTimeoutMillis() > 0 ? Duration.ofMillis(r.verifyTimeoutMillis())
          : settings.verifyTimeout();
      return steps.checkUrl(target, timeout);
    });
  }

  @Override
  public void cancelBuild(DeploymentRequest r, DeploymentCheckpoint cp) {
    async(r, false, () -> {
      stopLogs(r.deploymentId());
      PlatformDeployment d = cp.platformDeployment();
      if (cp.project() == null || d == null) {
        return CompletableFuture.completedFuture(null);
      }
      return service(r, cp).cancelDeployment(cp.project(), d.id());
    });
  }

  // ---- progress and build logs -------------------------------------------------------------

  /** Reports a step to this worker's tracker; a failing tracker never fails the step. */
  private void report(DeploymentRequest r, DeploymentStatus status, String message,
      @Nullable UploadProgress upload) {
    try {
      settings.tracker().update(r.deploymentId(), status, message, upload);
    } catch (RuntimeException e) {
      LOG.debug("Deployment {}: progress not reported: {}", r.deploymentId(), e.toString());
    }
  }

  private String displayName(DeploymentRequest r) {
    return steps.provider(r.platform()).displayName();
  }

  /** Starts following the build log on this worker, unless it already does. */
  private void followLogs(DeploymentRequest r, DeploymentCheckpoint cp, PlatformService service) {
    String id = r.deploymentId();
    if (logStreams.containsKey(id)) {
      return;
    }
    Redactor redactor = redactorFor(r);
    LogSink sink = new LogSink() {
      @Override
      public void line(String line) {
        String safe = redactor.redact(line);
        if (safe.length() > DeploymentRun.MAX_LOG_LINE_CHARS) {
          safe = safe.substring(0, DeploymentRun.MAX_LOG_LINE_CHARS) + "... ("
              + (safe.length() - DeploymentRun.MAX_LOG_LINE_CHARS) + " more characters cut)";
        }
        try {
          settings.tracker().updateLogs(id, List.of(safe));
        } catch (RuntimeException e) {
          LOG.debug("Deployment {}: a build-log line was not reported: {}", id, e.toString());
        }
      }

      @Override
      public void failed(Throwable cause) {
        LOG.debug("Build log stream of {} failed: {}", id, cause.toString());
      }
    };
    LogStream placeholder = LogStream.none();
    if (logStreams.putIfAbsent(id, placeholder) != null) {
      return;
    }
    try {
      LogStream stream = steps.streamLogs(service, cp, sink);
      logStreams.replace(id, placeholder, stream);
      // A stream that ended by itself (the build ended) is forgotten a little later, in case
      // the deployment's last polls run on another worker; until then a poll here does not
      // start it again (which would repeat its lines).
      stream.done().whenComplete((v, e) -> settings.scheduler().schedule(
          () -> logStreams.remove(id, stream), settings.pollMaxInterval().toMillis() * 2 + 1000,
          TimeUnit.MILLISECONDS));
    } catch (RuntimeException e) {
      LOG.debug("Build log stream of {} could not start: {}", id, e.toString());
    }
  }

  /** Lets the build log's last lines arrive (bounded by the log-drain timeout), then stops it. */
  private CompletableFuture<Void> drainLogs(String id) {
    LogStream stream = logStreams.get(id);
    if (stream == null) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> bounded = new CompletableFuture<>();
    ScheduledFuture<?> timer = settings.scheduler().schedule(() -> bounded.complete(null),
        settings.logDrainTimeout().toMillis(), TimeUnit.MILLISECONDS);
    stream.done().whenComplete((v, e) -> {
      timer.cancel(false);
      bounded.complete(null);
    });
    return bounded.whenComplete((v, e) -> stopLogs(id));
  }

  private void stopLogs(String id) {
    LogStream stream = logStreams.remove(id);
    if (stream != null) {
      try {
        stream.close();
      } catch (RuntimeException e) {
        LOG.debug("Closing the build log stream of {} failed: {}", id, e.toString());
      }
    }
  }

  /** The token and, if this worker has the config, the sensitive values. */
  private Redactor redactorFor(DeploymentRequest r) {
    List<String> secrets = new ArrayList<>();
    try {
      PlatformProvider provider = steps.provider(r.platform());
      secrets.add(steps.credentials(provider, r.platform(), r.userId()).token());
      Optional<DeploymentConfig> config = configs.apply(r.initial(Instant.now(clock)));
      if (config != null && config.isPresent()) {
        for (EnvironmentVariable v : config.get().environmentVariables()) {
          if (v.sensitive() && v.value() != null) {
            secrets.add(v.value());
          }
        }
      }
    } catch (RuntimeException e) {
      LOG.debug("Deployment {}: secrets for redaction not all found: {}", r.deploymentId(),
          e.toString());
    }
    return new Redactor(secrets);
  }

  // ---- helpers -----------------------------------------------------------------------------

  private record Prepared(List<GeneratedFile> files, List<EnvironmentVariable> variables) {}

  private PlatformService service(DeploymentRequest r, DeploymentCheckpoint cp) {
    PlatformProvider provider = steps.provider(r.platform());
    Credentials credentials = steps.credentials(provider, r.platform(), r.userId());
    return steps.service(provider, r.platform(), credentials, cp.settings());
  }

  /** The deployment's files and variables from the worker's config source, checked. */
  private Prepared prepare(DeploymentRequest r, DeploymentCheckpoint cp) {
    Deployment d = r.initial(Instant.now(clock));
    DeploymentConfig config = Objects.requireNonNull(configs.apply(d), "configs returned null")
        .orElseThrow(() -> new DeploymentException(DeploymentError.of(ErrorCode.INVALID_CONFIG,
            "This worker has no config for deployment " + r.deploymentId() + " of "
                + r.projectName() + ": give DeploymentWorker a configs function that returns it"
                + " (files and variable values never go through Temporal)")
            .withPlatform(r.platform())));
    if (!config.platform().equals(r.platform()) || !config.projectName().equals(r.projectName())) {
      throw new DeploymentException(DeploymentError.of(ErrorCode.INVALID_CONFIG,
          "The config found for deployment " + r.deploymentId() + " is for " + config.projectName()
              + " on " + config.platform() + ", not " + r.projectName() + " on " + r.platform()
              + ": return the config the deployment was started with").withPlatform(r.platform()));
    }
    List<EnvironmentVariable> variables = steps.mergeVariables(config);
    List<GeneratedFile> files = steps.generate(config, variables);
    String hash = DeploymentCheckpoint.manifestHash(files);
    if (cp.manifestHash() != null && !cp.manifestHash().equals(hash)) {
      throw new DeploymentException(DeploymentError.of(ErrorCode.INVALID_CONFIG,
          "The files of deployment " + r.deploymentId() + " of " + r.projectName()
              + " differ from those it was started with: give every worker the same config,"
              + " or deploy again").withPlatform(r.platform()));
    }
    return new Prepared(files, variables);
  }

  /**
   * Runs {@code work} and completes the activity when its future does, without holding the
   * worker's thread; a failure becomes an ApplicationFailure typed by its error code.
   */
  private <T> @Nullable T async(DeploymentRequest r, boolean upload,
      Supplier<CompletableFuture<T>> work) {
    ActivityExecutionContext ctx = Activity.getExecutionContext();
    int attempt = ctx.getInfo().getAttempt();
    String type = ctx.getInfo().getActivityType();
    ManualActivityCompletionClient done = ctx.useLocalManualCompletion();
    CompletableFuture<T> future;
    try {
      future = work.get();
    } catch (RuntimeException e) {
      future = CompletableFuture.failedFuture(e);
    }
    future.whenComplete((value, error) -> {
      if (error == null) {
        done.complete(value);
        return;
      }
      ApplicationFailure failure = failure(r, upload, attempt, unwrap(error));
      LOG.debug("Deployment {}: {} attempt {} failed: {}", r.deploymentId(), type, attempt,
          failure.getType());
      done.fail(failure);
    });
    return null;
  }

  private ApplicationFailure failure(DeploymentRequest r, boolean upload, int attempt,
      Throwable error) {
    DeploymentError err = DeploymentErrorHandler.toError(error, r.platform());
    boolean lastUpload = upload && attempt >= r.uploadAttempts();
    if (lastUpload) {
      err = steps.uploadExhausted(error, attempt, r.platform());
    }
    boolean nonRetryable = lastUpload || NON_RETRYABLE.contains(err.code())
        || (upload && !steps.retryableUploadFailure(error, r.platform()));
    ApplicationFailure.Builder b = ApplicationFailure.newBuilder()
        .setType(err.code().name())
        .setMessage(err.message())
        .setDetails(err)
        .setNonRetryable(nonRetryable);
    if (err.retryAfter() != null && !err.retryAfter().isNegative()) {
      b.setNextRetryDelay(err.retryAfter());
    }
    return b.build();
  }

  private static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
