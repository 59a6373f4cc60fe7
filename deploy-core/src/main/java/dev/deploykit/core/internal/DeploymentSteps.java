package dev.deploykit.core.internal;

import dev.deploykit.core.DeploymentConfig;
import dev.deploykit.core.DeploymentError;
import dev.deploykit.core.DeploymentErrorHandler;
import dev.deploykit.core.DeploymentException;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.GeneratedFile;
import dev.deploykit.core.ProjectFiles;
import dev.deploykit.core.UrlCheck;
import dev.deploykit.core.spi.BuildStatus;
import dev.deploykit.core.spi.CreateProjectRequest;
import dev.deploykit.core.spi.Credentials;
import dev.deploykit.core.spi.DeploymentCheckpoint;
import dev.deploykit.core.spi.LogSink;
import dev.deploykit.core.spi.LogStream;
import dev.deploykit.core.spi.PlatformContext;
import dev.deploykit.core.spi.PlatformDeployment;
import dev.deploykit.core.spi.PlatformProject;
import dev.deploykit.core.spi.PlatformProvider;
import dev.deploykit.core.spi.PlatformService;
import dev.deploykit.core.spi.UploadListener;
import dev.deploykit.core.spi.UploadResult;
import dev.deploykit.env.EnvironmentVariable;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * The deployment steps, written once: stateless operations over the SPI that any engine runs (the
 * in-process {@link DeploymentRun}, a journal-backed resume, a workflow engine). Each takes what it
 * needs, mostly a {@link DeploymentCheckpoint}, and returns a value or a new checkpoint; none holds
 * state, starts a timer, retries or waits. The engine owns threads, retries, timeouts, cancel,
 * progress and persistence.
 *
 * <p>Steps that change the platform can be repeated safely: {@link #createProject} is skipped when
 * the checkpoint has a project (and an adapter's createProject returns our existing project
 * anyway), {@link #trigger} is skipped when the checkpoint has a platform deployment, and an upload
 * is content-addressed or replaces what was there. Thread-safe.
 */
public final class DeploymentSteps {
  /** The most files one deployment may hold, whatever their source. */
  public static final int MAX_FILES = dev.deploykit.core.ProjectFiles.DEFAULT_MAX_FILES;

  private final RunSettings s;

  public DeploymentSteps(RunSettings settings) {
    this.s = settings;
  }

  // ---- resolve and validate ----------------------------------------------------------------

  /** The installed provider of the platform; INVALID_CONFIG naming the ids found if none. */
  public PlatformProvider provider(String platform) {
    return s.platforms().provider(platform);
  }

  /** The detected variables of the scaffold, with values from the config, then the config's others. */
  public List<EnvironmentVariable> mergeVariables(DeploymentConfig config) {
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

  /** Throws INVALID_CONFIG listing every invalid variable (by key, never by value). */
  public void validate(List<EnvironmentVariable> variables) {
    Map<String, String> errors = s.validator().getErrors(variables);
    if (!errors.isEmpty()) {
      List<String> details = new ArrayList<>();
      errors.forEach((k, m) -> details.add(k + ": " + m));
      throw new DeploymentException(DeploymentError.of(ErrorCode.INVALID_CONFIG,
              errors.size() + " environment variable" + (errors.size() == 1 ? " is" : "s are")
                  + " invalid: " + String.join("; ", details))
          .withDetails(details));
    }
  }

  /** The user's credentials for the platform; AUTH_FAILED saying how to connect if there are none. */
  public Credentials credentials(PlatformProvider provider, String platform, String userId) {
    return s.credentials().credentials(userId, platform)
        .orElseThrow(() -> new DeploymentException(DeploymentError.of(ErrorCode.AUTH_FAILED,
            "No " + provider.displayName() + " token for user " + userId
                + ": connect the account, or set "
                + DefaultCredentialsProvider.environmentVariable(platform))
            .withPlatform(platform)));
  }

  /** A platform service for one deployment, on the orchestrator's shared client and threads. */
  public PlatformService service(PlatformProvider provider, String platform, Credentials credentials,
      Map<String, String> deploymentSettings) {
    return provider.create(new PlatformContext(platform, credentials, s.httpClient(),
        s.objectMapper(), s.scheduler(), s.executor(), s.clock(),
        Services.settingsOf(platform, s.settings(), deploymentSettings)));
  }

  // ---- files -------------------------------------------------------------------------------

  /** Generates or reads the files; INVALID_CONFIG if there are none. Runs on the calling thread. */
  public List<GeneratedFile> generate(DeploymentConfig config, List<EnvironmentVariable> variables) {
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
    return List.copyOf(out);
  }

  // ---- platform steps ----------------------------------------------------------------------

  /**
   * Creates the project, or keeps the one the checkpoint has (no platform call then); completes
   * with the checkpoint holding the project.
   */
  public CompletableFuture<DeploymentCheckpoint> createProject(PlatformService service,
      DeploymentCheckpoint checkpoint, String projectName, List<GeneratedFile> files) {
    if (checkpoint.project() != null) {
      return CompletableFuture.completedFuture(checkpoint);
    }
    return service.createProject(new CreateProjectRequest(projectName, files, checkpoint.target()))
        .thenApply(checkpoint::withProject);
  }

  /** Sets the variables that have values (none: no call). */
  public CompletableFuture<Void> configure(PlatformService service, DeploymentCheckpoint checkpoint,
      List<EnvironmentVariable> variables) {
    List<EnvironmentVariable> withValues =
        variables.stream().filter(EnvironmentVariable::hasValue).toList();
    if (withValues.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return service.setEnvironmentVariables(project(checkpoint), withValues, checkpoint.target());
  }

  /** One upload attempt; the engine retries it (see {@link #retryableUploadFailure}). */
  public CompletableFuture<UploadResult> uploadOnce(PlatformService service,
      DeploymentCheckpoint checkpoint, List<GeneratedFile> files, UploadListener listener) {
    return service.uploadFiles(project(checkpoint), files, listener);
  }

  /** Whether a failed upload attempt may be tried again. */
  public boolean retryableUploadFailure(Throwable e, String platform) {
    if (e instanceof CancellationException) {
      return false;
    }
    DeploymentError err = DeploymentErrorHandler.toError(e, platform);
    if (err.retryAfter() != null && err.retryAfter().compareTo(s.uploadRetry().maxRetryAfter()) > 0) {
      return false;
    }
    return s.errorHandler().isRetryable(err);
  }

  /** How long to wait before the next upload attempt: the platform's Retry-After, else null. */
  public @Nullable Duration uploadRetryAfter(@Nullable Throwable last, String platform) {
    DeploymentError e = last == null ? null : DeploymentErrorHandler.toError(last, platform);
    return e == null ? null : e.retryAfter();
  }

  /**
   * The error of an upload that failed for good after {@code attempts} attempts: a platform that
   * stayed unavailable becomes UPLOAD_FAILED naming the attempts; other errors are kept.
   */
  public DeploymentError uploadExhausted(Throwable e, int attempts, String platform) {
    DeploymentError err = DeploymentErrorHandler.toError(e, platform);
    if (err.code() == ErrorCode.PLATFORM_UNAVAILABLE) {
      err = new DeploymentError(ErrorCode.UPLOAD_FAILED, "Upload failed after " + attempts
          + " attempt" + (attempts == 1 ? "" : "s") + ": " + err.message(), err.platform(),
          err.httpStatus(), err.retryAfter(), err.requestId(), err.details());
    }
    return err;
  }

  /**
   * Starts the build, or keeps the deployment the checkpoint has (no platform call then);
   * completes with the checkpoint holding the platform deployment.
   */
  public CompletableFuture<DeploymentCheckpoint> trigger(PlatformService service,
      DeploymentCheckpoint checkpoint, UploadResult upload, List<GeneratedFile> files) {
    if (checkpoint.platformDeployment() != null) {
      return CompletableFuture.completedFuture(checkpoint);
    }
    return service.triggerDeployment(project(checkpoint), upload, files, checkpoint.target())
        .thenApply(checkpoint::withPlatformDeployment);
  }

  /** Starts following the build log of the checkpoint's platform deployment. */
  public LogStream streamLogs(PlatformService service, DeploymentCheckpoint checkpoint, LogSink sink) {
    return service.streamBuildLogs(project(checkpoint), platformDeployment(checkpoint).id(), sink);
  }

  /** Asks the platform for the build's status once; a throwing adapter becomes a failed future. */
  public CompletableFuture<BuildStatus> pollOnce(PlatformService service, DeploymentCheckpoint checkpoint) {
    try {
      return service.getDeploymentStatus(project(checkpoint), platformDeployment(checkpoint).id());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * What a polled status means: {@code null} while building or on success, else the exception
   * that ends the deployment.
   */
  public @Nullable RuntimeException buildFailure(BuildStatus status, String displayName, String platform) {
    return switch (status.state()) {
      case BUILDING, SUCCESS -> null;
      case FAILED -> new DeploymentException(status.error());
      case CANCELLED -> new DeploymentException(
          DeploymentError.of(ErrorCode.BUILD_FAILED, "The deployment was cancelled on "
              + displayName + " (" + status.platformState() + ")").withPlatform(platform));
      default -> new IllegalStateException(status.state().name());
    };
  }

  /** Whether polling goes on after the {@code failures}-th failure in a row. */
  public boolean retryablePollFailure(Throwable error, int failures, String platform) {
    DeploymentError err = DeploymentErrorHandler.toError(error, platform);
    return s.errorHandler().isRetryable(err) && failures < s.maxConsecutivePollFailures();
  }

  /** How long to wait after a failed poll: the platform's Retry-After if longer than {@code next}. */
  public Duration pollRetryDelay(Throwable error, Duration next, String platform) {
    DeploymentError err = DeploymentErrorHandler.toError(error, platform);
    return err.retryAfter() != null && err.retryAfter().compareTo(next) > 0 ? err.retryAfter() : next;
  }

  /** The URL a successful build is served at: the status's, else the one the trigger reported. */
  public @Nullable String successUrl(BuildStatus status, DeploymentCheckpoint checkpoint) {
    if (status.url() != null) {
      return status.url();
    }
    PlatformDeployment d = platformDeployment(checkpoint);
    return d.url();
  }

  // ---- URL verification --------------------------------------------------------------------

  /**
   * Whether the URL of a successful deployment is checked: the checkpoint asks for it and the URL
   * is an {@code http} or {@code https} one. Pure, so a workflow may call it.
   */
  public static boolean verifiesUrl(String url, DeploymentCheckpoint checkpoint) {
    return checkpoint.verifyUrl() && (url.startsWith("http://") || url.startsWith("https://"));
  }

  /** The URL the check GETs: the deployment's URL with the checkpoint's health path. Pure. */
  public static String urlCheckTarget(String url, DeploymentCheckpoint checkpoint) {
    String path = checkpoint.healthPath();
    return url.endsWith("/") && path.startsWith("/") ? url + path.substring(1) : url + path;
  }

  /**
   * One GET of {@code target} on the shared HTTP client, bounded by {@code timeout}, not retried.
   * Never completes exceptionally for the URL's sake: no answer (refused, timed out, not a valid
   * URL) is recorded in the check's {@code problem}, an answer of any status in its {@code
   * httpStatus}; the engine records the check on a deployment that still ends SUCCESS.
   */
  public CompletableFuture<UrlCheck> checkUrl(String target, Duration timeout) {
    Instant start = s.clock().instant();
    long startNanos = System.nanoTime();
    HttpRequest request;
    try {
      request = HttpRequest.newBuilder(URI.create(target)).timeout(timeout).GET().build();
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

  // ---- helpers -----------------------------------------------------------------------------

  private static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException
            || c instanceof dev.failsafe.FailsafeException)
        && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  static PlatformProject project(DeploymentCheckpoint checkpoint) {
    PlatformProject p = checkpoint.project();
    if (p == null) {
      throw new IllegalStateException("no project yet");
    }
    return p;
  }

  static PlatformDeployment platformDeployment(DeploymentCheckpoint checkpoint) {
    PlatformDeployment d = checkpoint.platformDeployment();
    if (d == null) {
      throw new IllegalStateException("no platform deployment yet");
    }
    return d;
  }
}
