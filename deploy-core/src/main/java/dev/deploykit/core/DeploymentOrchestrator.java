package dev.deploykit.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.deploykit.core.internal.DefaultCredentialsProvider;
import dev.deploykit.core.internal.DeploymentRun;
import dev.deploykit.core.internal.EngineAccess;
import dev.deploykit.core.internal.InMemoryDeploymentStore;
import dev.deploykit.core.internal.PlatformRegistry;
import dev.deploykit.core.internal.RunSettings;
import dev.deploykit.core.internal.Services;
import dev.deploykit.core.spi.Credentials;
import dev.deploykit.core.spi.CredentialsProvider;
import dev.deploykit.core.spi.DeploymentCheckpoint;
import dev.deploykit.core.spi.DeploymentStore;
import dev.deploykit.core.spi.FallbackPublisher;
import dev.deploykit.core.spi.PlatformContext;
import dev.deploykit.core.spi.PlatformProvider;
import dev.deploykit.core.spi.ScaffoldGenerator;
import dev.deploykit.env.EnvironmentVariableDetector;
import dev.deploykit.env.EnvironmentVariableValidator;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Deploys apps: validates their variables, prepares their files, and drives a platform through
 * creating the project, setting variables, uploading, building and reporting the URL.
 *
 * <p>Build one with {@link #builder()}, or use the shared default of {@link
 * #getDeploymentOrchestrator()}. {@link #deploy} blocks and returns the final {@link Deployment};
 * {@link #deployAsync} returns at once. A deployment always ends in a terminal status (SUCCESS,
 * FAILED, TIMED_OUT or CANCELLED); failures are data on the returned deployment, and {@link
 * #recoveryPlan(Deployment)} says what to do about them.
 *
 * <p>Thread-safe. No thread sleeps or blocks waiting on a platform: every wait is a task on one
 * small scheduler (2 threads by default), so thousands of deployments in flight share a handful of
 * threads. {@link #close()} stops the threads the orchestrator created.
 *
 * <p><b>Bounds.</b> A deployment holds at most 20,000 files ({@link ProjectFiles#DEFAULT_MAX_FILES},
 * whatever their source: a folder, a generator or a list), else it fails {@code INVALID_CONFIG}
 * before anything is sent; a folder's files are also bounded in size by {@link ProjectFiles}. A
 * build-log line longer than 8,192 characters is cut there (the rest is replaced by a note of how
 * much was cut) before it reaches the log tail, progress updates and listeners. Every deployment
 * ends within its timeout (5 minutes by default), whatever the platform does. A {@link
 * ProgressListener} that blocks never delays a deployment: it holds one of the tracker's two
 * delivery threads (a daemon) until it returns, and its own updates queue up to {@link
 * ProgressTracker.Builder#listenerQueueCapacity(int)} (10,000; the oldest dropped beyond that).
 * {@link #close()} does not interrupt it.
 */
public final class DeploymentOrchestrator implements AutoCloseable {
  private static final Object SHARED_LOCK = new Object();
  private static volatile @Nullable DeploymentOrchestrator shared;

  static {
    // Lets another engine (deploy-temporal) run the shared steps with this orchestrator's settings.
    EngineAccess.register(o -> o.settings);
  }

  private final RunSettings settings;
  private final List<FallbackPublisher> explicitFallbacks;
  private final boolean discoverFallbacks;
  private final @Nullable ClassLoader classLoader;
  private final Duration concurrentWaitLimit;
  private final @Nullable ScheduledThreadPoolExecutor ownScheduler;
  private final boolean ownsTracker;
  private final Map<String, DeploymentRun> running = new ConcurrentHashMap<>();
  private final Map<String, DeploymentRun> byIdempotencyKey = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<Deployment>> projectTails = new ConcurrentHashMap<>();
  private final Map<String, List<GeneratedFile>> retainedFiles = new ConcurrentHashMap<>();
  private final int retainedFilesLimit;
  private final SecureRandom random = new SecureRandom();
  private volatile Duration deploymentTimeout;

  private DeploymentOrchestrator(Builder b) {
    ScheduledExecutorService scheduler = b.scheduler;
    if (scheduler == null) {
      ownScheduler = new ScheduledThreadPoolExecutor(b.threads, daemonThreads("deploykit-scheduler-"));
      ownScheduler.setRemoveOnCancelPolicy(true);
      scheduler = ownScheduler;
    } else {
      ownScheduler = null;
    }
    Executor executor = b.executor != null ? b.executor : scheduler;
    HttpClient http = b.httpClient != null ? b.httpClient
        : HttpClient.newBuilder().executor(executor).connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    ProgressTracker tracker = b.tracker != null ? b.tracker
        : ProgressTracker.builder().clock(b.clock).scheduler(scheduler).build();
    ownsTracker = b.tracker == null;
    PlatformRegistry platforms = new PlatformRegistry(b.platforms, b.discoverPlatforms, b.classLoader);
    CredentialsProvider credentials = b.credentials != null ? b.credentials
        : new DefaultCredentialsProvider(b.tokens, System::getenv);
    this.settings = new RunSettings(
        platforms,
        credentials,
        b.store != null ? b.store : new InMemoryDeploymentStore(),
        b.generator != null ? b.generator : NextJsScaffoldGenerator.create(),
        EnvironmentVariableDetector.create(),
        EnvironmentVariableValidator.create(),
        tracker,
        DeploymentErrorHandler.create(platforms::ids),
        http,
        b.objectMapper != null ? b.objectMapper : JsonMapper.builder().findAndAddModules().build(),
        scheduler,
        executor,
        b.clock,
        Map.copyOf(b.settings),
        b.uploadRetry,
        b.pollInitialInterval,
        b.pollMaxInterval,
        b.verifyTimeout,
        b.logDrainTimeout,
        50,
        5);
    this.explicitFallbacks = List.copyOf(b.fallbackPublishers);
    this.discoverFallbacks = b.discoverPlatforms;
    this.classLoader = b.classLoader;
    this.deploymentTimeout = b.deploymentTimeout;
    this.concurrentWaitLimit = b.concurrentWaitLimit;
    this.retainedFilesLimit = b.retainedFilesLimit;
  }

  /** Returns a builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the shared default orchestrator, built on first use with the defaults: the platforms on
   * the classpath, tokens from the environment, an in-memory store. Never closed.
   */
  public static DeploymentOrchestrator getDeploymentOrchestrator() {
    DeploymentOrchestrator o = shared;
    if (o == null) {
      synchronized (SHARED_LOCK) {
        o = shared;
        if (o == null) {
          o = builder().build();
          shared = o;
        }
      }
    }
    return o;
  }

  /**
   * Deploys and waits for the deployment to end.
   *
   * @return the final snapshot: SUCCESS with its URL, or FAILED, TIMED_OUT or CANCELLED with its
   *     error
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code userId} is blank
   */
  public Deployment deploy(DeploymentConfig config, String userId) {
    try {
      return deployAsync(config, userId).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  /**
   * Starts a deployment and returns at once. The future completes with the final snapshot (it does
   * not complete exceptionally for a failed deployment).
   *
   * <p>With an idempotency key, a second call while the first runs, or after it succeeded, returns
   * the first deployment. While another deployment of the same project and platform runs, the
   * config's {@link ConcurrentDeployPolicy} decides: wait (bounded) or fail at once.
   */
  public CompletableFuture<Deployment> deployAsync(DeploymentConfig config, String userId) {
    return deployAsync(config, userId, null);
  }

  /**
   * Starts a deployment with {@code listener} subscribed before its first update, and returns at
   * once. Otherwise as {@link #deployAsync(DeploymentConfig, String)}.
   */
  public CompletableFuture<Deployment> deployAsync(
      DeploymentConfig config, String userId, @Nullable ProgressListener listener) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(userId, "userId");
    if (userId.isBlank()) {
      throw new IllegalArgumentException("userId is blank");
    }
    String key = config.idempotencyKey();
    if (key != null) {
      DeploymentRun inFlight = byIdempotencyKey.get(key);
      if (inFlight != null) {
        return joined(inFlight, listener);
      }
      Optional<Deployment> before = settings.store().findByIdempotencyKey(key);
      if (before.isPresent() && before.get().status() == DeploymentStatus.SUCCESS) {
        if (listener != null) {
          settings.tracker().subscribe(before.get().id(), listener);
        }
        return CompletableFuture.completedFuture(before.get());
      }
      if (before.isPresent() && !before.get().isTerminal() && !running.containsKey(before.get().id())
          && before.get().platform().equals(config.platform())
          && before.get().projectName().equals(config.projectName())
          && before.get().userId().equals(userId)) {
        // Recorded by an orchestrator that a restart ended: continue it rather than start again.
        return resumeOne(before.get(), config, listener);
      }
    }
    Duration timeout = config.timeout() != null ? config.timeout() : deploymentTimeout;
    Deployment initial = new Deployment(newId(), userId, config.projectName(), config.platform(),
        DeploymentStatus.PENDING, null, null, null, null, key, settings.clock().instant(),
        settings.clock().instant(), List.of(), null);
    String projectKey = config.platform() + "/" + config.projectName();
    DeploymentRun[] self = new DeploymentRun[1];
    DeploymentRun run = new DeploymentRun(settings, config, initial, timeout,
        tidyUp(self, key, projectKey));
    self[0] = run;
    if (key != null) {
      DeploymentRun winner = byIdempotencyKey.putIfAbsent(key, run);
      if (winner != null) {
        return joined(winner, listener);
      }
    }
    running.put(run.id(), run);
    if (listener != null) {
      settings.tracker().subscribe(run.id(), listener);
    }
    run.record("Deployment of " + config.projectName() + " to " + config.platform() + " recorded");

    CompletableFuture<Deployment>[] previous = new CompletableFuture[1];
    boolean[] refused = {false};
    projectTails.compute(projectKey, (k, tail) -> {
      if (tail != null && !tail.isDone()
          && config.onConcurrentDeploy() == ConcurrentDeployPolicy.FAIL_FAST) {
        refused[0] = true;
        return tail;
      }
      previous[0] = tail;
      return run.result();
    });

    if (refused[0]) {
      run.failBeforeStart(DeploymentError.of(ErrorCode.INVALID_CONFIG,
          "Project " + config.projectName() + " on " + config.platform()
              + " is being deployed by another deployment; wait for it to end, or deploy with"
              + " ConcurrentDeployPolicy.WAIT").withPlatform(config.platform()));
    } else if (previous[0] == null || previous[0].isDone()) {
      run.start();
    } else {
      waitThenStart(run, previous[0], config.projectName(), config.platform());
    }
    return run.result();
  }

  /** What a run does as it ends: leave the maps of running deployments, keep failed files. */
  private java.util.function.Consumer<Deployment> tidyUp(DeploymentRun[] self,
      @Nullable String key, String projectKey) {
    return d -> {
      DeploymentRun r = self[0];
      running.remove(r.id());
      if (key != null) {
        byIdempotencyKey.remove(key, r);
      }
      projectTails.remove(projectKey, r.result());
      if (d.status() != DeploymentStatus.SUCCESS) {
        retainFiles(r);
      }
    };
  }

  /**
   * Continues, after a restart, every deployment the store holds that did not end; as {@link
   * #resume(Function)} without configs. Only deployments whose build had started continue (they
   * need no files and no variable values); the others end FAILED with {@link
   * ErrorCode#INVALID_CONFIG}, saying how to deploy them again.
   */
  public List<CompletableFuture<Deployment>> resume() {
    return resume(d -> Optional.empty());
  }

  /**
   * Continues, after a restart, every deployment the store holds that did not end (and that this
   * orchestrator is not running), from its last checkpoint. Call it once at start-up, with a store
   * that keeps checkpoints, such as deploy-store-jdbc's.
   *
   * <ul>
   *   <li>A deployment whose build had started (BUILDING) follows that build again: polling, the
   *       build log (lines the journal has are not added twice), the URL. It needs no config.
   *   <li>A deployment interrupted earlier needs its files and variable values, which are never
   *       stored: {@code configs} gives its {@link DeploymentConfig} (same project and platform),
   *       looked up by the deployment's id, idempotency key or project. Its steps are done again,
   *       except those its checkpoint shows as done: a project that exists is not created again;
   *       an interrupted upload is redone (content-addressed uploads make that cheap). Without a
   *       config it ends FAILED with {@link ErrorCode#INVALID_CONFIG}, saying how to deploy it
   *       again.
   * </ul>
   *
   * <p>Tokens come from this orchestrator's credentials provider, as for any deployment. Each
   * resumed deployment gets its full timeout again from now. One orchestrator should resume a
   * store: two resuming the same deployment would both follow it.
   *
   * @param configs the config of an interrupted deployment, or empty; called on this thread
   * @return the final snapshots to come, one per deployment resumed or ended, oldest first
   * @throws DeploymentException if the store cannot list the unfinished deployments
   */
  public List<CompletableFuture<Deployment>> resume(
      Function<Deployment, Optional<DeploymentConfig>> configs) {
    Objects.requireNonNull(configs, "configs");
    List<CompletableFuture<Deployment>> out = new ArrayList<>();
    for (Deployment d : settings.store().findUnfinished()) {
      if (running.containsKey(d.id())) {
        continue;
      }
      DeploymentConfig config;
      try {
        config = Objects.requireNonNull(configs.apply(d), "configs returned null").orElse(null);
      } catch (RuntimeException e) {
        out.add(CompletableFuture.completedFuture(endUnresumable(d, DeploymentError.of(
            ErrorCode.INVALID_CONFIG, "Could not resume deployment " + d.id() + " of "
                + d.projectName() + ": the configs function threw " + e.getClass().getSimpleName()
                + "; deploy it again").withPlatform(d.platform()))));
        continue;
      }
      out.add(resumeOne(d, config, null));
    }
    return out;
  }

  private CompletableFuture<Deployment> resumeOne(Deployment stored, @Nullable DeploymentConfig config,
      @Nullable ProgressListener listener) {
    if (config != null && (!config.platform().equals(stored.platform())
        || !config.projectName().equals(stored.projectName()))) {
      return CompletableFuture.completedFuture(endUnresumable(stored, DeploymentError.of(
          ErrorCode.INVALID_CONFIG, "The config given to resume deployment " + stored.id()
              + " deploys " + config.projectName() + " to " + config.platform() + ", not "
              + stored.projectName() + " to " + stored.platform() + "; give that deployment's own"
              + " config").withPlatform(stored.platform())));
    }
    Optional<DeploymentCheckpoint> checkpoint = settings.store().findCheckpoint(stored.id());
    if (checkpoint.isEmpty()) {
      return CompletableFuture.completedFuture(endUnresumable(stored, DeploymentError.of(
          ErrorCode.INVALID_CONFIG, "Deployment " + stored.id() + " of " + stored.projectName()
              + " was interrupted by a restart and the store holds no checkpoint of it; deploy it"
              + " again").withPlatform(stored.platform())));
    }
    Duration timeout = config != null && config.timeout() != null ? config.timeout()
        : checkpoint.get().timeout() != null ? checkpoint.get().timeout() : deploymentTimeout;
    String key = stored.idempotencyKey();
    String projectKey = stored.platform() + "/" + stored.projectName();
    DeploymentRun[] self = new DeploymentRun[1];
    DeploymentRun run = new DeploymentRun(settings, config, stored, checkpoint.get(),
        settings.store().logLines(stored.id()), timeout, tidyUp(self, key, projectKey));
    self[0] = run;
    if (key != null) {
      DeploymentRun winner = byIdempotencyKey.putIfAbsent(key, run);
      if (winner != null) {
        return joined(winner, listener);
      }
    }
    running.put(run.id(), run);
    if (listener != null) {
      settings.tracker().subscribe(run.id(), listener);
    }
    run.recordResumed("Resuming the deployment of " + stored.projectName() + " to "
        + stored.platform() + " after a restart");
    CompletableFuture<Deployment>[] previous = new CompletableFuture[1];
    projectTails.compute(projectKey, (k, tail) -> {
      previous[0] = tail;
      return run.result();
    });
    if (previous[0] == null || previous[0].isDone()) {
      run.start();
    } else {
      waitThenStart(run, previous[0], stored.projectName(), stored.platform());
    }
    return run.result();
  }

  /** Ends a stored deployment that cannot continue: FAILED with {@code error}, saved. */
  private Deployment endUnresumable(Deployment stored, DeploymentError error) {
    Deployment d = stored.withStatus(DeploymentStatus.FAILED, settings.clock().instant())
        .withError(error);
    settings.store().save(d);
    return d;
  }

  private CompletableFuture<Deployment> joined(DeploymentRun run, @Nullable ProgressListener listener) {
    if (listener != null) {
      settings.tracker().subscribe(run.id(), listener);
    }
    return run.result();
  }

  /** Returns the latest snapshots of the deployments in flight. */
  public List<Deployment> running() {
    return running.values().stream().map(DeploymentRun::snapshot).toList();
  }

  private void waitThenStart(DeploymentRun run, CompletableFuture<Deployment> previous,
      String projectName, String platform) {
    settings.tracker().update(run.id(), DeploymentStatus.PENDING,
        "Waiting for the running deployment of " + projectName + " to end");
    CompletableFuture<Boolean> waited = new CompletableFuture<>();
    var timer = settings.scheduler().schedule(() -> waited.complete(false),
        concurrentWaitLimit.toMillis(), TimeUnit.MILLISECONDS);
    previous.whenComplete((d, e) -> {
      timer.cancel(false);
      waited.complete(true);
    });
    waited.thenAcceptAsync(ok -> {
      if (ok) {
        run.start();
      } else {
        run.failBeforeStart(DeploymentError.of(ErrorCode.TIMEOUT,
            "Waited " + concurrentWaitLimit.toSeconds() + " s for the running deployment of "
                + projectName + " to end; try again later").withPlatform(platform));
      }
    }, settings.executor());
  }

  private void retainFiles(DeploymentRun run) {
    if (run.files().isEmpty()) {
      return;
    }
    if (retainedFiles.size() >= retainedFilesLimit) {
      // Bounded: drop an arbitrary older entry rather than grow without limit.
      retainedFiles.keySet().stream().findFirst().ifPresent(retainedFiles::remove);
    }
    retainedFiles.put(run.id(), run.files());
  }

  private String newId() {
    byte[] bytes = new byte[10];
    random.nextBytes(bytes);
    return "dep_" + HexFormat.of().formatHex(bytes);
  }

  /** Returns the latest snapshot of a deployment. */
  public Optional<Deployment> find(String deploymentId) {
    Objects.requireNonNull(deploymentId, "deploymentId");
    DeploymentRun run = running.get(deploymentId);
    return run != null ? Optional.of(run.snapshot()) : settings.store().find(deploymentId);
  }

  /**
   * Cancels a running deployment: stops local work, asks the platform to cancel the build, and
   * ends it CANCELLED.
   *
   * @return whether the deployment was running and is now cancelled
   */
  public boolean cancel(String deploymentId) {
    DeploymentRun run = running.get(Objects.requireNonNull(deploymentId, "deploymentId"));
    return run != null && run.cancel();
  }

  /** Sets the timeout of deployments started from now on whose config sets none. Default 5 minutes. */
  public void setDeploymentTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("The deployment timeout must be positive, was " + timeout);
    }
    this.deploymentTimeout = timeout;
  }

  /** Returns the default deployment timeout. */
  public Duration deploymentTimeout() {
    return deploymentTimeout;
  }

  /** Returns the progress tracker every deployment reports to. */
  public ProgressTracker progress() {
    return settings.tracker();
  }

  /** Subscribes to a deployment's progress; the listener first receives its current state. */
  public Subscription subscribe(String deploymentId, ProgressListener listener) {
    return settings.tracker().subscribe(deploymentId, listener);
  }

  /** Returns the error handler. */
  public DeploymentErrorHandler errorHandler() {
    return settings.errorHandler();
  }

  /**
   * Returns what to do about a failed deployment.
   *
   * @throws IllegalArgumentException if the deployment has no error
   */
  public RecoveryPlan recoveryPlan(Deployment deployment) {
    DeploymentError error = deployment.error();
    if (error == null) {
      throw new IllegalArgumentException("Deployment " + deployment.id() + " has no error ("
          + deployment.status() + ")");
    }
    return settings.errorHandler().handleError(error, deployment);
  }

  /** Returns the ids of the installed platforms, sorted. */
  public List<String> platforms() {
    return settings.platforms().ids();
  }

  /**
   * Returns the files of a deployment that did not succeed, kept for the fallbacks (the most recent
   * failures only, bounded).
   */
  public Optional<List<GeneratedFile>> files(String deploymentId) {
    DeploymentRun run = running.get(deploymentId);
    if (run != null && !run.files().isEmpty()) {
      return Optional.of(run.files());
    }
    return Optional.ofNullable(retainedFiles.get(deploymentId));
  }

  /**
   * Writes the files of a failed deployment as a ZIP archive (the ZIP fallback).
   *
   * @throws DeploymentException INVALID_CONFIG if the deployment's files are not kept
   * @throws IOException if the file cannot be written
   */
  public Path exportZip(String deploymentId, Path zipFile) throws IOException {
    return ZipExport.write(filesOrThrow(deploymentId), zipFile);
  }

  /**
   * Writes the files of a failed deployment as a ZIP archive to {@code out}.
   *
   * @throws DeploymentException INVALID_CONFIG if the deployment's files are not kept
   * @throws IOException if {@code out} fails
   */
  public void exportZip(String deploymentId, OutputStream out) throws IOException {
    ZipExport.write(filesOrThrow(deploymentId), out);
  }

  /**
   * Runs a fallback for a deployment that did not succeed: {@link FallbackOption#ZIP} writes its
   * files to a ZIP archive in the temporary directory; {@link FallbackOption#GITHUB_REPO} publishes
   * them with the installed GitHub publisher (deploy-github), using the user's GitHub credentials.
   *
   * <p>The future fails with a {@link DeploymentException}: INVALID_CONFIG when the files are not
   * kept or no publisher for the option is installed, or the publisher's own error.
   */
  public CompletableFuture<FallbackResult> fallback(Deployment deployment, FallbackOption option) {
    Objects.requireNonNull(deployment, "deployment");
    Objects.requireNonNull(option, "option");
    List<GeneratedFile> files;
    try {
      files = filesOrThrow(deployment.id());
    } catch (DeploymentException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (option == FallbackOption.ZIP) {
      return CompletableFuture.supplyAsync(() -> {
        try {
          Path zip = java.nio.file.Files.createTempDirectory("deploykit-")
              .resolve(deployment.projectName() + ".zip");
          ZipExport.write(files, zip);
          return new FallbackResult(option, zip.toUri(),
              Map.of("bytes", String.valueOf(java.nio.file.Files.size(zip)),
                  "files", String.valueOf(files.size())));
        } catch (IOException e) {
          throw new DeploymentException(DeploymentError.of(ErrorCode.UNKNOWN,
              "Could not write the ZIP archive: " + e.getMessage()), e);
        }
      }, settings.executor());
    }
    FallbackPublisher publisher = fallbackPublisher(option).orElse(null);
    if (publisher == null) {
      return CompletableFuture.failedFuture(new DeploymentException(ErrorCode.INVALID_CONFIG,
          "No publisher for the " + option + " fallback is installed: add the artifact"
              + " dev.deploykit:deploy-github to the classpath"));
    }
    Optional<Credentials> credentials =
        settings.credentials().credentials(deployment.userId(), publisher.platform());
    if (credentials.isEmpty()) {
      return CompletableFuture.failedFuture(new DeploymentException(DeploymentError.of(
          ErrorCode.AUTH_FAILED, "No " + publisher.platform() + " token for user "
              + deployment.userId() + ": connect the account, or set "
              + DefaultCredentialsProvider.environmentVariable(publisher.platform()))
          .withPlatform(publisher.platform())));
    }
    PlatformContext context = new PlatformContext(publisher.platform(), credentials.get(),
        settings.httpClient(), settings.objectMapper(), settings.scheduler(), settings.executor(),
        settings.clock(), Services.settingsOf(publisher.platform(), settings.settings()));
    try {
      return publisher.publish(deployment.projectName(), files, context);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private Optional<FallbackPublisher> fallbackPublisher(FallbackOption option) {
    for (FallbackPublisher p : explicitFallbacks) {
      if (p.option() == option) {
        return Optional.of(p);
      }
    }
    if (!discoverFallbacks) {
      return Optional.empty();
    }
    return Services.load(FallbackPublisher.class, classLoader).stream()
        .filter(p -> p.option() == option)
        .findFirst();
  }

  private List<GeneratedFile> filesOrThrow(String deploymentId) {
    return files(deploymentId).orElseThrow(() -> new DeploymentException(ErrorCode.INVALID_CONFIG,
        "The files of deployment " + deploymentId + " are not kept (it succeeded, never got that"
            + " far, or is too old)"));
  }

  /**
   * Stops the threads this orchestrator created and closes its platform providers ({@link
   * PlatformProvider#close()}: they release kept-alive connections and their threads). Running
   * deployments are cancelled.
   */
  @Override
  public void close() {
    for (DeploymentRun run : new ArrayList<>(running.values())) {
      run.cancel();
    }
    settings.platforms().closeAll();
    if (ownsTracker) {
      settings.tracker().close();
    }
    if (ownScheduler != null) {
      ownScheduler.shutdownNow();
    }
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Builds a {@link DeploymentOrchestrator}. Not thread-safe. Every setting has a default; {@link
   * #build()} copies them, so a built orchestrator never changes when the builder does.
   */
  public static final class Builder {
    private final List<PlatformProvider> platforms = new ArrayList<>();
    private final List<FallbackPublisher> fallbackPublishers = new ArrayList<>();
    private boolean discoverPlatforms = true;
    private @Nullable ClassLoader classLoader;
    private @Nullable CredentialsProvider credentials;
    private final Map<String, Credentials> tokens = new LinkedHashMap<>();
    private @Nullable DeploymentStore store;
    private @Nullable ScaffoldGenerator generator;
    private @Nullable ProgressTracker tracker;
    private @Nullable HttpClient httpClient;
    private @Nullable ObjectMapper objectMapper;
    private @Nullable ScheduledExecutorService scheduler;
    private @Nullable Executor executor;
    private Clock clock = Clock.systemUTC();
    private final Map<String, String> settings = new LinkedHashMap<>();
    private RetrySettings uploadRetry = RetrySettings.DEFAULT;
    private Duration deploymentTimeout = Duration.ofMinutes(5);
    private Duration pollInitialInterval = Duration.ofSeconds(1);
    private Duration pollMaxInterval = Duration.ofSeconds(5);
    private Duration verifyTimeout = Duration.ofSeconds(10);
    private Duration logDrainTimeout = Duration.ofSeconds(2);
    private Duration concurrentWaitLimit = Duration.ofMinutes(10);
    private int threads = 2;
    private int retainedFilesLimit = 100;

    private Builder() {}

    /** Registers a platform explicitly; it wins over a discovered provider with the same id. */
    public Builder platform(PlatformProvider provider) {
      platforms.add(Objects.requireNonNull(provider, "provider"));
      return this;
    }

    /**
     * Registers a fallback publisher explicitly (e.g. deploy-github's); found with {@link
     * java.util.ServiceLoader} too when discovery is on.
     */
    public Builder fallbackPublisher(FallbackPublisher publisher) {
      fallbackPublishers.add(Objects.requireNonNull(publisher, "publisher"));
      return this;
    }

    /**
     * Sets whether to find platforms and fallback publishers with {@link java.util.ServiceLoader};
     * default true.
     */
    public Builder discoverPlatforms(boolean discover) {
      this.discoverPlatforms = discover;
      return this;
    }

    /** Sets the class loader platforms are discovered with; default the thread's context loader. */
    public Builder classLoader(ClassLoader loader) {
      this.classLoader = Objects.requireNonNull(loader, "loader");
      return this;
    }

    /** Replaces the credentials provider; default: per-user tokens, then environment variables. */
    public Builder credentials(CredentialsProvider provider) {
      this.credentials = Objects.requireNonNull(provider, "provider");
      return this;
    }

    /** Gives the default credentials provider a user's token for a platform. */
    public Builder token(String userId, String platform, String token) {
      tokens.put(DefaultCredentialsProvider.key(userId, platform), Credentials.of(platform, token));
      return this;
    }

    /** Gives the default credentials provider a user's credentials (with a token type). */
    public Builder credentials(String userId, Credentials credentials) {
      tokens.put(DefaultCredentialsProvider.key(userId, credentials.platform()), credentials);
      return this;
    }

    /** Replaces the store; default in memory. */
    public Builder store(DeploymentStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /** Replaces the scaffold generator; default {@link NextJsScaffoldGenerator}. */
    public Builder scaffoldGenerator(ScaffoldGenerator generator) {
      this.generator = Objects.requireNonNull(generator, "generator");
      return this;
    }

    /** Replaces the progress tracker; default one the orchestrator creates and closes. */
    public Builder progressTracker(ProgressTracker tracker) {
      this.tracker = Objects.requireNonNull(tracker, "tracker");
      return this;
    }

    /** Replaces the HTTP client adapters share; default a JDK client on the scheduler's threads. */
    public Builder httpClient(HttpClient client) {
      this.httpClient = Objects.requireNonNull(client, "client");
      return this;
    }

    /** Replaces the JSON mapper adapters share. */
    public Builder objectMapper(ObjectMapper mapper) {
      this.objectMapper = Objects.requireNonNull(mapper, "mapper");
      return this;
    }

    /** Replaces the scheduler every wait runs on; default 2 daemon threads the orchestrator owns. */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** Sets where step callbacks run; default the scheduler. */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** Sets the number of scheduler threads the orchestrator creates; default 2. */
    public Builder threads(int count) {
      if (count < 1 || count > 64) {
        throw new IllegalArgumentException("threads must be between 1 and 64, was " + count);
      }
      this.threads = count;
      return this;
    }

    /** Sets the clock; default UTC system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets an adapter setting, {@code <platform id>.<name>}, e.g. {@code vercel.apiUrl} or {@code
     * vercel.teamId}.
     */
    public Builder setting(String key, String value) {
      Objects.requireNonNull(key, "key");
      if (key.indexOf('.') <= 0) {
        throw new IllegalArgumentException(
            "Setting '" + key + "' must be '<platform id>.<name>', e.g. vercel.apiUrl");
      }
      settings.put(key, Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Sets how uploads are retried; default {@link RetrySettings#DEFAULT}. */
    public Builder uploadRetry(RetrySettings retry) {
      this.uploadRetry = Objects.requireNonNull(retry, "retry");
      return this;
    }

    /** Sets the default deployment timeout; default 5 minutes. */
    public Builder deploymentTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive, was " + timeout);
      }
      this.deploymentTimeout = timeout;
      return this;
    }

    /**
     * Sets how status is polled while building: at once, then after {@code initial}, doubling up to
     * {@code max}. Default 1 second growing to 5 seconds.
     */
    public Builder pollInterval(Duration initial, Duration max) {
      if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
        throw new IllegalArgumentException("Need 0 < initial <= max, was " + initial + ", " + max);
      }
      this.pollInitialInterval = initial;
      this.pollMaxInterval = max;
      return this;
    }

    /** Sets the timeout of the GET of the URL after success; default 10 seconds. */
    public Builder verifyTimeout(Duration timeout) {
      this.verifyTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** Sets how long to let the build log finish after success; default 2 seconds. */
    public Builder logDrainTimeout(Duration timeout) {
      this.logDrainTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** Sets how long a deployment waits for a running one of the same project; default 10 minutes. */
    public Builder concurrentWaitLimit(Duration limit) {
      this.concurrentWaitLimit = Objects.requireNonNull(limit, "limit");
      return this;
    }

    /** Returns the orchestrator. */
    public DeploymentOrchestrator build() {
      return new DeploymentOrchestrator(this);
    }
  }
}
