package dev.deploykit.testing;

import dev.deploykit.core.DeploymentError;
import dev.deploykit.core.DeploymentTarget;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.GeneratedFile;
import dev.deploykit.core.spi.BuildState;
import dev.deploykit.core.spi.PlatformContext;
import dev.deploykit.core.spi.PlatformProvider;
import dev.deploykit.core.spi.PlatformService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A fake hosting platform, id {@code memory}, that keeps projects, files, variables and deployments
 * in memory, simulates builds with the context's scheduler, and fails or answers slowly on request.
 *
 * <p>Use it to test code that deploys without a network or an account:
 *
 * <pre>{@code
 * InMemoryPlatform memory = InMemoryPlatform.builder().buildDuration(Duration.ofMillis(50)).build();
 * memory.failNext(InMemoryPlatform.Operation.UPLOAD_FILES, ErrorCode.PLATFORM_UNAVAILABLE);
 * DeploymentOrchestrator orchestrator = DeploymentOrchestrator.builder().platform(memory).build();
 * // ... deploy, then inspect:
 * assertThat(memory.project("my-app").orElseThrow().files()).containsKey("index.html");
 * assertThat(memory.calls(InMemoryPlatform.Operation.UPLOAD_FILES)).isEqualTo(2);
 * }</pre>
 *
 * <p><b>State.</b> Projects, files, variables and deployments live in this instance and are shared
 * by every service it {@link #create(PlatformContext) creates}, so a second deployment finds the
 * project the first one made. A project belongs to the token that created it: the same token
 * reusing the name gets the project back; another token gets {@link ErrorCode#PROJECT_NAME_TAKEN}.
 * Like a real platform, it holds variable values (tests may read them with {@link
 * ProjectState#variables()}); it never prints them: not in a {@code toString()}, a log line or a
 * served page. Tokens themselves are never stored, only a one-way fingerprint.
 *
 * <p><b>Builds.</b> {@code triggerDeployment} starts a simulated build on the context's scheduler:
 * the {@linkplain Builder#buildLogs(List) build log lines} are emitted one by one, spread over the
 * {@linkplain Builder#buildDuration(Duration) build duration}, then the deployment turns {@link
 * BuildState#SUCCESS}. Its status is what the scheduled build has reached, never a clock reading,
 * so a fixed {@link java.time.Clock} in the context does not stop a build.
 *
 * <p><b>Failures and delays.</b> {@link #failNext}, {@link #failTimes}, {@link #failAlways} and {@link
 * #failWith} make an {@link Operation} fail: the returned future completes exceptionally with a
 * {@link dev.deploykit.core.DeploymentException} (platform {@code memory}, a realistic HTTP status
 * and message). A {@link ErrorCode#RATE_LIMIT_EXCEEDED} error carries a retry-after of {@linkplain
 * Builder#rateLimitRetryAfter(Duration) 100 ms by default}, small so that retrying tests stay fast.
 * Failing {@link Operation#BUILD} makes the next build end {@link BuildState#FAILED} after its
 * duration, with its log lines but the last and an {@code Error:} line. {@link #delay} makes an
 * operation answer later, through the scheduler. One rule per operation is kept: a new one
 * replaces the previous.
 *
 * <p><b>Serving.</b> With {@link Builder#serveDeployments(boolean) serveDeployments(true)}, a
 * loopback HTTP server ({@code 127.0.0.1}, a free port, at most two daemon threads) is started by the
 * first deployment triggered, and serves each successful deployment: production at {@code
 * http://127.0.0.1:<port>/<project>/}, every deployment at {@code
 * http://127.0.0.1:<port>/_deployments/<id>/}. Files are served as they are ({@code index.html} is
 * the home page); without an {@code index.html} the home page names the project and lists its files
 * and variable names (never values). {@link #close()} stops the server. Without serving, URLs are
 * {@code http://<project>.memory.localhost/} and are not reachable.
 *
 * <p>Thread-safe: the controls and the inspection methods may be used while deployments run.
 */
public final class InMemoryPlatform implements PlatformProvider, AutoCloseable {
  /** The platform id, {@code memory}. */
  public static final String ID = "memory";

  /** The default build duration, 300 ms. */
  public static final Duration DEFAULT_BUILD_DURATION = Duration.ofMillis(300);

  /** The default retry-after of an injected rate-limit error, 100 ms. */
  public static final Duration DEFAULT_RATE_LIMIT_RETRY_AFTER = Duration.ofMillis(100);

  /** The default build log: what an npm/Next.js build prints. */
  public static final List<String> DEFAULT_BUILD_LOGS = List.of(
      "Installing dependencies...",
      "npm install",
      "added 312 packages in 4s",
      "Running \"next build\"",
      "Creating an optimized production build ...",
      "Compiled successfully",
      "Build completed");

  /** The operations whose outcome and speed a test can control, and whose calls are counted. */
  public enum Operation {
    /** {@code PlatformService.createProject}. */
    CREATE_PROJECT("creating the project"),
    /** {@code PlatformService.setEnvironmentVariables}. */
    SET_ENVIRONMENT_VARIABLES("setting the environment variables"),
    /** {@code PlatformService.uploadFiles}. */
    UPLOAD_FILES("uploading the files"),
    /** {@code PlatformService.triggerDeployment}. */
    TRIGGER_DEPLOYMENT("starting the deployment"),
    /** {@code PlatformService.getDeploymentStatus}. */
    GET_DEPLOYMENT_STATUS("reading the deployment's status"),
    /** {@code PlatformService.streamBuildLogs}: a failure reaches the sink's {@code failed}. */
    STREAM_BUILD_LOGS("streaming the build logs"),
    /** {@code PlatformService.cancelDeployment}. */
    CANCEL_DEPLOYMENT("cancelling the deployment"),
    /**
     * The simulated build itself: a failure makes the deployment end FAILED; a delay postpones the
     * build's start (time spent queued); counted once per build started.
     */
    BUILD("building the app");

    private final String doing;

    Operation(String doing) {
      this.doing = doing;
    }

    String doing() {
      return doing;
    }
  }

  private final Duration buildDuration;
  private final List<String> buildLogs;
  private final boolean serveDeployments;
  private final Duration rateLimitRetryAfter;

  private final Map<String, MemoryProject> projects = new ConcurrentHashMap<>();
  private final Map<String, MemoryBuild> deployments = new ConcurrentHashMap<>();
  private final Map<Operation, FailureRule> failures = new ConcurrentHashMap<>();
  private final Map<Operation, Duration> delays = new ConcurrentHashMap<>();
  private final Map<Operation, AtomicInteger> calls = new EnumMap<>(Operation.class);
  private final AtomicLong projectIds = new AtomicLong();
  private final AtomicLong deploymentIds = new AtomicLong();
  private final AtomicLong requestIds = new AtomicLong();
  private final Object serverLock = new Object();
  private @Nullable LoopbackServer server;

  /**
   * Creates a platform with the default settings; the constructor {@link java.util.ServiceLoader}
   * uses. Does no I/O and starts no thread.
   */
  public InMemoryPlatform() {
    this(new Builder());
  }

  private InMemoryPlatform(Builder b) {
    this.buildDuration = b.buildDuration;
    this.buildLogs = List.copyOf(b.buildLogs);
    this.serveDeployments = b.serveDeployments;
    this.rateLimitRetryAfter = b.rateLimitRetryAfter;
    for (Operation op : Operation.values()) {
      calls.put(op, new AtomicInteger());
    }
    for (String name : b.existingProjects) {
      projects.put(name, new MemoryProject(name, nextProjectId(), MemoryProject.OTHER_OWNER));
    }
  }

  /** Returns a platform with the default settings. */
  public static InMemoryPlatform create() {
    return new InMemoryPlatform();
  }

  /** Returns a builder of a platform with non-default settings. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String displayName() {
    return "In-memory platform";
  }

  /**
   * Returns a service acting with the context's credentials on this platform's shared state. Does
   * no I/O.
   *
   * @throws NullPointerException if {@code context} is null
   */
  @Override
  public PlatformService create(PlatformContext context) {
    return new InMemoryService(this, Objects.requireNonNull(context, "context"));
  }

  // ---------------------------------------------------------------- controls

  /**
   * Makes the next call of {@code operation} fail with {@code code}.
   *
   * @throws NullPointerException if an argument is null
   */
  public void failNext(Operation operation, ErrorCode code) {
    failTimes(operation, code, 1);
  }

  /**
   * Makes the next {@code times} calls of {@code operation} fail with {@code code}.
   *
   * @throws IllegalArgumentException if {@code times} is less than 1
   * @throws NullPointerException if an argument is null
   */
  public void failTimes(Operation operation, ErrorCode code, int times) {
    failWith(operation, defaultError(operation, code), times);
  }

  /**
   * Makes every call of {@code operation} fail with {@code code} until {@link #reset()}.
   *
   * @throws NullPointerException if an argument is null
   */
  public void failAlways(Operation operation, ErrorCode code) {
    Objects.requireNonNull(operation, "operation");
    failures.put(operation, new FailureRule(defaultError(operation, code), -1));
  }

  /**
   * Makes the next {@code times} calls of {@code operation} fail with {@code error} as given (its
   * retry-after, HTTP status and message); the platform is set to {@code memory} if it has none.
   *
   * @throws IllegalArgumentException if {@code times} is less than 1
   * @throws NullPointerException if an argument is null
   */
  public void failWith(Operation operation, DeploymentError error, int times) {
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(error, "error");
    if (times < 1) {
      throw new IllegalArgumentException("times must be at least 1, was " + times);
    }
    DeploymentError e = error.platform() == null ? error.withPlatform(ID) : error;
    failures.put(operation, new FailureRule(e, times));
  }

  /**
   * Makes every call of {@code operation} answer {@code delay} later (scheduled, never sleeping),
   * until {@link #reset()}; {@link Duration#ZERO} removes the delay.
   *
   * @throws IllegalArgumentException if {@code delay} is negative
   * @throws NullPointerException if an argument is null
   */
  public void delay(Operation operation, Duration delay) {
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative, was " + delay);
    }
    if (delay.isZero()) {
      delays.remove(operation);
    } else {
      delays.put(operation, delay);
    }
  }

  /**
   * Removes every injected failure and delay and sets the call counts to zero. Projects and
   * deployments are kept.
   */
  public void reset() {
    failures.clear();
    delays.clear();
    calls.values().forEach(c -> c.set(0));
  }

  // ---------------------------------------------------------------- inspection

  /** Returns the names of the projects, sorted, including those made with {@code existingProject}. */
  public List<String> projectNames() {
    List<String> names = new ArrayList<>(projects.keySet());
    Collections.sort(names);
    return List.copyOf(names);
  }

  /** Returns a snapshot of a project, if one has that name. */
  public Optional<ProjectState> project(String name) {
    MemoryProject p = projects.get(Objects.requireNonNull(name, "name"));
    return p == null ? Optional.empty() : Optional.of(p.snapshot());
  }

  /** Returns a snapshot of a deployment, if one has that id. */
  public Optional<DeploymentState> deployment(String deploymentId) {
    MemoryBuild b = deployments.get(Objects.requireNonNull(deploymentId, "deploymentId"));
    return b == null ? Optional.empty() : Optional.of(b.snapshot());
  }

  /** Returns how many times {@code operation} was called since creation or {@link #reset()}. */
  public int calls(Operation operation) {
    return calls.get(Objects.requireNonNull(operation, "operation")).get();
  }

  /**
   * Returns the loopback server's base URL, e.g. {@code http://127.0.0.1:53211/}, while it runs.
   */
  public Optional<String> serverUrl() {
    synchronized (serverLock) {
      return server == null ? Optional.empty()
          : Optional.of("http://127.0.0.1:" + server.port() + "/");
    }
  }

  /**
   * Stops the loopback server, if it runs, and waits for nothing. Idempotent. A deployment triggered
   * later starts a new server on a new port.
   */
  @Override
  public void close() {
    LoopbackServer s;
    synchronized (serverLock) {
      s = server;
      server = null;
    }
    if (s != null) {
      s.stop();
    }
  }

  @Override
  public String toString() {
    return "InMemoryPlatform[projects=" + projects.size() + ", deployments=" + deployments.size()
        + ", buildDuration=" + buildDuration + ", serveDeployments=" + serveDeployments + "]";
  }

  // ---------------------------------------------------------------- package-private, for the service

  Duration buildDuration() {
    return buildDuration;
  }

  List<String> buildLogs() {
    return buildLogs;
  }

  boolean serveDeployments() {
    return serveDeployments;
  }

  Map<String, MemoryProject> projects() {
    return projects;
  }

  Map<String, MemoryBuild> builds() {
    return deployments;
  }

  String nextProjectId() {
    return "prj_" + projectIds.incrementAndGet();
  }

  String nextDeploymentId() {
    return "mem_" + deploymentIds.incrementAndGet();
  }

  /** Counts a call and returns the failure to answer with, if one is injected. */
  @Nullable DeploymentError recordCall(Operation op) {
    calls.get(op).incrementAndGet();
    DeploymentError[] hit = new DeploymentError[1];
    failures.computeIfPresent(op, (k, rule) -> {
      hit[0] = rule.error;
      if (rule.remaining < 0) {
        return rule;
      }
      return rule.remaining > 1 ? new FailureRule(rule.error, rule.remaining - 1) : null;
    });
    DeploymentError e = hit[0];
    return e == null ? null : e.withRequestId("req_mem_" + requestIds.incrementAndGet());
  }

  Duration delayOf(Operation op) {
    return delays.getOrDefault(op, Duration.ZERO);
  }

  /** Returns the loopback server's port, starting the server if needed. */
  int serverPort() {
    synchronized (serverLock) {
      if (server == null) {
        try {
          server = LoopbackServer.start(this);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return server.port();
    }
  }

  DeploymentError defaultError(Operation operation, ErrorCode code) {
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(code, "code");
    String doing = operation.doing();
    DeploymentError e = switch (code) {
      case AUTH_FAILED -> DeploymentError.of(code, "The memory platform refused the token while "
          + doing + " (401 Unauthorized): it is missing, expired or revoked. Create a new token and"
          + " try again.").withHttpStatus(401);
      case INSUFFICIENT_PERMISSIONS -> DeploymentError.of(code, "The token lacks a permission needed"
          + " for " + doing + " (403 Forbidden). Use a token with access to the project.")
          .withHttpStatus(403);
      case PROJECT_NAME_TAKEN -> DeploymentError.of(code, "The project name is already used by"
          + " another account (409 Conflict). Choose another project name.").withHttpStatus(409);
      case RATE_LIMIT_EXCEEDED -> DeploymentError.of(code, "Too many requests to the memory platform"
          + " while " + doing + " (429 Too Many Requests). Retry after "
          + rateLimitRetryAfter.toMillis() + " ms.").withHttpStatus(429)
          .withRetryAfter(rateLimitRetryAfter);
      case PLATFORM_UNAVAILABLE -> DeploymentError.of(code, "The memory platform is unavailable"
          + " while " + doing + " (503 Service Unavailable). Try again in a moment.")
          .withHttpStatus(503);
      case UPLOAD_FAILED -> DeploymentError.of(code, "Uploading the files failed: the memory platform"
          + " closed the connection. Try the upload again.");
      case BUILD_FAILED -> DeploymentError.of(code, "The build failed: \"next build\" exited with"
          + " code 1. Read the build log for the first error.");
      case TIMEOUT -> DeploymentError.of(code, "The memory platform did not answer in time while "
          + doing + " (504 Gateway Timeout).").withHttpStatus(504);
      case INVALID_CONFIG -> DeploymentError.of(code, "The memory platform refused the request for "
          + doing + " as invalid (400 Bad Request).").withHttpStatus(400);
      case UNKNOWN -> DeploymentError.of(code, "The memory platform answered with an unexpected error"
          + " while " + doing + " (500 Internal Server Error).").withHttpStatus(500);
    };
    return e.withPlatform(ID);
  }

  private record FailureRule(DeploymentError error, int remaining) {}

  // ---------------------------------------------------------------- public views

  /**
   * A project as the in-memory platform holds it, at one moment. Holds variable values, as a real
   * platform does; {@link #toString()} shows only their names. Never holds a token.
   *
   * @param name the project's name
   * @param id the platform's id for it, e.g. {@code prj_1}
   * @param owner a fingerprint of the owning token (a one-way hash prefix, not the token), or
   *     {@code another-account} for projects made with {@link Builder#existingProject(String)}
   * @param files the files of the last upload, by path, in upload order
   * @param variables the environment variables set, by name, sorted by name
   * @param deploymentIds the project's deployments, oldest first
   */
  public record ProjectState(
      String name, String id, String owner, Map<String, GeneratedFile> files,
      Map<String, String> variables, List<String> deploymentIds) {

    /** Checks the arguments and copies the collections, keeping their order. */
    public ProjectState {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(owner, "owner");
      files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
      variables = Collections.unmodifiableMap(new TreeMap<>(variables));
      deploymentIds = List.copyOf(deploymentIds);
    }

    @Override
    public String toString() {
      return "ProjectState[name=" + name + ", id=" + id + ", files=" + files.keySet()
          + ", variables=" + variables.keySet() + ", deploymentIds=" + deploymentIds + "]";
    }
  }

  /**
   * A deployment as the in-memory platform holds it, at one moment.
   *
   * @param id the deployment's id, {@code mem_<n>}
   * @param projectName the project it belongs to
   * @param target production or preview
   * @param state where the simulated build is
   * @param url the URL it is (or will be) served at
   * @param error why it failed, for {@link BuildState#FAILED}
   * @param logLines the build-log lines emitted so far
   */
  public record DeploymentState(
      String id, String projectName, DeploymentTarget target, BuildState state, String url,
      @Nullable DeploymentError error, List<String> logLines) {

    /** Checks the arguments and copies the log lines. */
    public DeploymentState {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(projectName, "projectName");
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(state, "state");
      Objects.requireNonNull(url, "url");
      logLines = List.copyOf(logLines);
    }
  }

  // ---------------------------------------------------------------- builder

  /** Builds an {@link InMemoryPlatform}. Not thread-safe; {@link #build()} copies the settings. */
  public static final class Builder {
    private Duration buildDuration = DEFAULT_BUILD_DURATION;
    private List<String> buildLogs = DEFAULT_BUILD_LOGS;
    private boolean serveDeployments;
    private Duration rateLimitRetryAfter = DEFAULT_RATE_LIMIT_RETRY_AFTER;
    private final Set<String> existingProjects = new LinkedHashSet<>();

    private Builder() {}

    /**
     * Sets how long a simulated build takes; default 300 ms. Zero is allowed.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder buildDuration(Duration duration) {
      Objects.requireNonNull(duration, "duration");
      if (duration.isNegative()) {
        throw new IllegalArgumentException("buildDuration must not be negative, was " + duration);
      }
      this.buildDuration = duration;
      return this;
    }

    /** Sets the lines a build prints; default {@link InMemoryPlatform#DEFAULT_BUILD_LOGS}. May be empty. */
    public Builder buildLogs(List<String> lines) {
      this.buildLogs = List.copyOf(Objects.requireNonNull(lines, "lines"));
      return this;
    }

    /** Sets whether successful deployments are served on a loopback HTTP server; default false. */
    public Builder serveDeployments(boolean serve) {
      this.serveDeployments = serve;
      return this;
    }

    /**
     * Adds a project that belongs to another account: {@code createProject} with its name fails with
     * {@link ErrorCode#PROJECT_NAME_TAKEN}. Default none.
     */
    public Builder existingProject(String name) {
      existingProjects.add(Objects.requireNonNull(name, "name"));
      return this;
    }

    /**
     * Sets the retry-after of rate-limit errors made by {@code failNext}, {@code failTimes} and
     * {@code failAlways}; default 100 ms.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder rateLimitRetryAfter(Duration retryAfter) {
      Objects.requireNonNull(retryAfter, "retryAfter");
      if (retryAfter.isNegative()) {
        throw new IllegalArgumentException("rateLimitRetryAfter must not be negative, was "
            + retryAfter);
      }
      this.rateLimitRetryAfter = retryAfter;
      return this;
    }

    /** Returns a platform with these settings. Does no I/O and starts no thread. */
    public InMemoryPlatform build() {
      return new InMemoryPlatform(this);
    }
  }
}
