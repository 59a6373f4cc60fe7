package dev.deploykit.temporal;

import dev.deploykit.core.Deployment;
import dev.deploykit.core.DeploymentConfig;
import dev.deploykit.core.DeploymentError;
import dev.deploykit.core.DeploymentErrorHandler;
import dev.deploykit.core.DeploymentException;
import dev.deploykit.core.DeploymentOrchestrator;
import dev.deploykit.core.DeploymentStatus;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.GeneratedFile;
import dev.deploykit.core.ProgressListener;
import dev.deploykit.core.ProgressTracker;
import dev.deploykit.core.internal.DeploymentSteps;
import dev.deploykit.core.internal.EngineAccess;
import dev.deploykit.core.internal.RunSettings;
import dev.deploykit.core.spi.DeploymentCheckpoint;
import dev.deploykit.env.EnvironmentVariable;
import dev.deploykit.temporal.internal.DeploymentRequest;
import dev.deploykit.temporal.internal.DeploymentWorkflow;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.common.converter.JacksonJsonPayloadConverter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs deployments as Temporal workflows, with the same {@code deploy}, {@code deployAsync},
 * {@code find} and {@code cancel} as {@link DeploymentOrchestrator}: switching engines changes how
 * the orchestrator is built, not the code that deploys.
 *
 * <p>Each deployment is one workflow on the task queue, run by any {@link DeploymentWorker}: every
 * platform call is an activity with its own timeout and retry policy (AUTH_FAILED,
 * INSUFFICIENT_PERMISSIONS, PROJECT_NAME_TAKEN, INVALID_CONFIG and BUILD_FAILED are never retried),
 * status polling waits on durable timers, {@link #cancel} is a signal and {@link #find} a query. A
 * deployment survives the death of any worker or of this JVM. With an idempotency key, the
 * deployment id (and workflow id) is derived from the key, so a second start while the first runs
 * (from any JVM) returns the running deployment, and one after it succeeded returns that success.
 *
 * <p>The workflow's history holds no file and no secret: only the variables' names, the files'
 * manifest hash and the platform's ids. Workers look the files and values up (see {@link
 * DeploymentWorker}); this object keeps the configs of the deployments it started until they end,
 * for a worker in the same JVM ({@link #config(Deployment)}). Variables are validated and files
 * generated here first, so a bad config fails before anything is started.
 *
 * <p><b>Progress and build logs</b> go to the orchestrator's {@link
 * DeploymentOrchestrator#progress() ProgressTracker}, so {@code deployAsync(config, userId,
 * listener)} and {@link DeploymentOrchestrator#subscribe} work as with the in-process engine, with
 * one limit: the tracker is in memory, so each JVM's tracker gets what happened in that JVM. This
 * engine reports the start (PENDING) and the end (SUCCESS, FAILED, TIMED_OUT, CANCELLED) of the
 * deployments it started; a {@link DeploymentWorker} reports each step it runs (creating the
 * project, configuring, uploading with upload progress, building) and follows the build log from
 * the first status poll it runs until the build ends, into its own orchestrator's tracker. With
 * engine and worker in one JVM ({@link DeploymentWorker#register(io.temporal.worker.Worker,
 * TemporalDeploymentOrchestrator)}) a listener therefore sees every step, every build-log line
 * and the end, and the final {@link Deployment} (and {@link #find}) carries the log's tail. With
 * workers on other machines, this JVM's listeners see only the start and the end, the log tail is
 * empty, and {@link #find} is the way to follow the steps. A build log is not replayed into the
 * workflow's history (it may hold secrets, and has no cursor in the SPI): a worker that takes over
 * a build follows its log from wherever its platform's log stream starts (the whole log again, for
 * most platforms). Log lines are redacted of the token, and of the sensitive values when the
 * worker has the deployment's config.
 *
 * <p><b>URL verification</b> works as with the in-process engine: when {@code
 * DeploymentConfig.verifyUrl} is true (the default) and the build succeeded with an {@code http(s)}
 * URL, a worker GETs that URL with the config's {@code healthPath} once (an activity tried once,
 * as the in-process engine does not retry the GET; the GET is bounded by the wrapped
 * orchestrator's {@code verifyTimeout}) and the final deployment carries the {@link dev.deploykit.core.UrlCheck}.
 * As in-process, the deployment ends SUCCESS whatever the URL answers: a 404, a 500 or no answer
 * (refused, timed out) is recorded in the check ({@code httpStatus}, {@code problem}), not as an
 * error; a check that no worker finishes is recorded as a check without an answer. A cancel or the
 * deployment's timeout during the check ends the deployment CANCELLED or TIMED_OUT.
 *
 * <p>Thread-safe. {@code deployAsync} makes one or two calls to the Temporal service on the
 * calling thread (start, and describe when there is a key).
 */
public final class TemporalDeploymentOrchestrator {
  private static final Logger LOG = LoggerFactory.getLogger(TemporalDeploymentOrchestrator.class);

  private final DeploymentOrchestrator orchestrator;
  private final RunSettings settings;
  private final DeploymentSteps steps;
  private final WorkflowClient client;
  private final String taskQueue;
  private final Map<String, DeploymentConfig> configs = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();

  private TemporalDeploymentOrchestrator(DeploymentOrchestrator orchestrator, WorkflowClient client,
      String taskQueue) {
    this.orchestrator = orchestrator;
    this.settings = EngineAccess.settings(orchestrator);
    this.steps = EngineAccess.steps(orchestrator);
    this.client = client;
    this.taskQueue = taskQueue;
  }

  /**
   * Returns an engine that starts deployments on {@code taskQueue}.
   *
   * @param orchestrator the configured orchestrator whose platforms, scaffold generator, default
   *     timeout and poll and upload-retry settings deployments use; not closed by this engine
   * @param client the Temporal client, with {@link #dataConverter()} (or one that also reads Java
   *     records and ignores unknown JSON properties)
   * @param taskQueue the queue the {@link DeploymentWorker}s poll
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code taskQueue} is blank
   */
  public static TemporalDeploymentOrchestrator create(DeploymentOrchestrator orchestrator,
      WorkflowClient client, String taskQueue) {
    Objects.requireNonNull(orchestrator, "orchestrator");
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(taskQueue, "taskQueue");
    if (taskQueue.isBlank()) {
      throw new IllegalArgumentException("taskQueue is blank");
    }
    return new TemporalDeploymentOrchestrator(orchestrator, client, taskQueue);
  }

  /**
   * Deploys and waits for the deployment to end; as {@link DeploymentOrchestrator#deploy}.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code userId} is blank
   * @throws DeploymentException with PLATFORM_UNAVAILABLE if the Temporal service cannot be reached
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
   * Starts a deployment workflow and returns at once; the future completes with the final
   * snapshot (a failed deployment is data, not an exceptional completion). A config whose
   * variables are invalid or that has no files completes FAILED with INVALID_CONFIG at once,
   * without starting a workflow.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code userId} is blank
   * @throws DeploymentException with PLATFORM_UNAVAILABLE if the Temporal service cannot be reached
   */
  public CompletableFuture<Deployment> deployAsync(DeploymentConfig config, String userId) {
    return deployAsync(config, userId, null);
  }

  /**
   * Starts a deployment with {@code listener} subscribed (on the orchestrator's {@link
   * DeploymentOrchestrator#progress() ProgressTracker}) before its first update, and returns at
   * once; otherwise as {@link #deployAsync(DeploymentConfig, String)}. What the listener receives
   * is described on this class (the steps and build-log lines only from workers in this JVM).
   *
   * @param listener subscribed before the first update, or {@code null}
   * @throws NullPointerException if {@code config} or {@code userId} is null
   * @throws IllegalArgumentException if {@code userId} is blank
   * @throws DeploymentException with PLATFORM_UNAVAILABLE if the Temporal service cannot be reached
   */
  public CompletableFuture<Deployment> deployAsync(DeploymentConfig config, String userId,
      @Nullable ProgressListener listener) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(userId, "userId");
    if (userId.isBlank()) {
      throw new IllegalArgumentException("userId is blank");
    }
    String key = config.idempotencyKey();
    String id = key != null ? idFor(key) : newId();
    if (listener != null) {
      settings.tracker().subscribe(id, listener);
    }
    Instant now = settings.clock().instant();
    DeploymentCheckpoint checkpoint;
    try {
      steps.provider(config.platform());
      List<EnvironmentVariable> variables = steps.mergeVariables(config);
      steps.validate(variables);
      List<GeneratedFile> files = steps.generate(config, variables);
      checkpoint = DeploymentCheckpoint.start(id, config, now).withVariables(variables)
          .withFiles(files);
    } catch (RuntimeException e) {
      DeploymentError err = DeploymentErrorHandler.toError(e, config.platform());
      return CompletableFuture.completedFuture(reportEnd(new Deployment(id, userId,
          config.projectName(), config.platform(), DeploymentStatus.FAILED, null, null, null, err,
          key, now, now, List.of(), null)));
    }
    Duration timeout = config.timeout() != null ? config.timeout()
        : orchestrator.deploymentTimeout();
    DeploymentRequest request = new DeploymentRequest(id, userId, config.projectName(),
        config.platform(), key, checkpoint, now, timeout.toMillis(),
        settings.pollInitialInterval().toMillis(), settings.pollMaxInterval().toMillis(),
        settings.uploadRetry().maxRetries() + 1, settings.uploadRetry().initialDelay().toMillis(),
        settings.uploadRetry().maxDelay().toMillis(), settings.maxConsecutivePollFailures(),
        settings.verifyTimeout().toMillis());
    try {
      if (key != null) {
        Optional<Deployment> succeeded = succeeded(id);
        if (succeeded.isPresent()) {
          return CompletableFuture.completedFuture(reportEnd(succeeded.get()));
        }
      }
      boolean mine = configs.putIfAbsent(id, config) == null;
      WorkflowStub stub = client.newUntypedWorkflowStub(DeploymentWorkflow.TYPE,
          WorkflowOptions.newBuilder()
              .setWorkflowId(id)
              .setTaskQueue(taskQueue)
              .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
              .build());
      try {
        stub.start(request);
        report(id, DeploymentStatus.PENDING, "Deployment of " + config.projectName() + " to "
            + config.platform() + " started as a Temporal workflow");
        LOG.info("Deployment {} of {} to {} started as a Temporal workflow", id,
            config.projectName(), config.platform());
      } catch (WorkflowExecutionAlreadyStarted e) {
        LOG.info("Deployment {} is already running: returning it", id);
        stub = client.newUntypedWorkflowStub(id, Optional.empty(), Optional.empty());
      } catch (RuntimeException e) {
        if (mine) {
          configs.remove(id);
        }
        throw e;
      }
      WorkflowStub started = stub;
      return started.getResultAsync(Deployment.class).handle((d, e) -> {
        if (mine) {
          configs.remove(id);
        }
        if (e == null) {
          return reportEnd(d);
        }
        LOG.warn("The workflow of deployment {} ended without a result: {}", id,
            e.getClass().getSimpleName());
        return reportEnd(request.initial(settings.clock().instant())
            .withStatus(DeploymentStatus.FAILED, settings.clock().instant())
            .withError(DeploymentError.of(ErrorCode.PLATFORM_UNAVAILABLE, "The Temporal workflow "
                + id + " ended without a result (it was terminated, or failed): look at it in"
                + " Temporal, then deploy again").withPlatform(config.platform())));
      });
    } catch (DeploymentException e) {
      throw e;
    } catch (RuntimeException e) {
      throw unavailable(e);
    }
  }

  /**
   * Returns the latest snapshot of a deployment this engine (or another with the same Temporal
   * namespace) started, by querying its workflow; empty if there is no such workflow.
   *
   * @throws NullPointerException if {@code deploymentId} is null
   * @throws DeploymentException with PLATFORM_UNAVAILABLE if the Temporal service cannot be reached
   */
  public Optional<Deployment> find(String deploymentId) {
    Objects.requireNonNull(deploymentId, "deploymentId");
    try {
      return Optional.of(withLogs(
          client.newWorkflowStub(DeploymentWorkflow.class, deploymentId).progress()));
    } catch (WorkflowNotFoundException e) {
      return Optional.empty();
    } catch (RuntimeException e) {
      if (hasCause(e, WorkflowNotFoundException.class)) {
        return Optional.empty();
      }
      throw unavailable(e);
    }
  }

  /**
   * Cancels a running deployment by signalling its workflow: the steps stop, the platform is asked
   * to cancel the build, and the deployment ends CANCELLED. A cancel that arrives while the build
   * is being started waits for the platform's answer (the trigger is never abandoned, since the
   * platform may have started the build), then cancels that build.
   *
   * @return whether the deployment's workflow was running and got the signal
   * @throws NullPointerException if {@code deploymentId} is null
   * @throws DeploymentException with PLATFORM_UNAVAILABLE if the Temporal service cannot be reached
   */
  public boolean cancel(String deploymentId) {
    Objects.requireNonNull(deploymentId, "deploymentId");
    try {
      WorkflowStub stub = client.newUntypedWorkflowStub(deploymentId, Optional.empty(),
          Optional.empty());
      if (stub.describe().getStatus() != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
        return false;
      }
      stub.signal("cancel");
      return true;
    } catch (WorkflowNotFoundException e) {
      return false;
    } catch (RuntimeException e) {
      if (hasCause(e, WorkflowNotFoundException.class)) {
        return false;
      }
      throw unavailable(e);
    }
  }

  /**
   * Returns the config of a running deployment this engine started, for a {@link DeploymentWorker}
   * in the same JVM; empty for any other deployment.
   */
  public Optional<DeploymentConfig> config(Deployment deployment) {
    return Optional.ofNullable(configs.get(deployment.id()));
  }

  /**
   * Returns the data converter the Temporal client of both the engine and the workers must use:
   * Temporal's default one, whose JSON mapper also ignores the derived properties (such as {@code
   * Deployment.isTerminal()}) that deploykit's records expose. Set it with {@code
   * WorkflowClientOptions.newBuilder().setDataConverter(TemporalDeploymentOrchestrator.dataConverter())}.
   */
  public static DataConverter dataConverter() {
    ObjectMapper mapper = JacksonJsonPayloadConverter.newDefaultObjectMapper()
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    return DefaultDataConverter.newDefaultInstance()
        .withPayloadConverterOverrides(new JacksonJsonPayloadConverter(mapper));
  }

  /** Returns the deployment id (and workflow id) an idempotency key maps to. */
  public static String idFor(String idempotencyKey) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("Every JDK has SHA-256", e);
    }
    byte[] hash = digest.digest(idempotencyKey.getBytes(StandardCharsets.UTF_8));
    return "dep_k" + HexFormat.of().formatHex(hash, 0, 16);
  }

  DeploymentOrchestrator orchestrator() {
    return orchestrator;
  }

  private void report(String id, DeploymentStatus status, String message) {
    try {
      settings.tracker().update(id, status, message);
    } catch (RuntimeException e) {
      LOG.debug("Deployment {}: progress not reported: {}", id, e.toString());
    }
  }

  /**
   * Reports a deployment's end to the tracker (unless it already has it), and returns the
   * deployment with the tail of the build-log lines that workers in this JVM reported.
   */
  private Deployment reportEnd(Deployment d) {
    try {
      ProgressTracker tracker = settings.tracker();
      DeploymentError err = d.error();
      String url = d.deploymentUrl();
      if (d.status() == DeploymentStatus.SUCCESS && url != null) {
        tracker.complete(d.id(), url);
      } else if (d.status() == DeploymentStatus.FAILED && err != null) {
        tracker.fail(d.id(), err);
      } else if (d.status().isTerminal()) {
        tracker.end(d.id(), d.status(), err != null ? err.message()
            : d.status() == DeploymentStatus.CANCELLED ? "Cancelled" : d.status().name(), err);
      }
    } catch (RuntimeException e) {
      LOG.debug("Deployment {}: end not reported: {}", d.id(), e.toString());
    }
    return withLogs(d);
  }

  /** The deployment with the tail of the build-log lines workers in this JVM reported. */
  private Deployment withLogs(Deployment d) {
    List<String> lines = settings.tracker().logs(d.id());
    if (d.logTail().isEmpty() && !lines.isEmpty()) {
      int from = Math.max(0, lines.size() - settings.logTailLines());
      return d.withLogTail(lines.subList(from, lines.size()));
    }
    return d;
  }

  private Optional<Deployment> succeeded(String id) {
    WorkflowStub old = client.newUntypedWorkflowStub(id, Optional.empty(), Optional.empty());
    try {
      if (old.describe().getStatus()
          != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED) {
        return Optional.empty();
      }
      Deployment d = old.getResult(Deployment.class);
      return d.status() == DeploymentStatus.SUCCESS ? Optional.of(d) : Optional.empty();
    } catch (WorkflowNotFoundException e) {
      return Optional.empty();
    } catch (RuntimeException e) {
      if (hasCause(e, WorkflowNotFoundException.class)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private String newId() {
    byte[] bytes = new byte[12];
    random.nextBytes(bytes);
    return "dep_" + HexFormat.of().formatHex(bytes);
  }

  private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  private static DeploymentException unavailable(RuntimeException e) {
    return new DeploymentException(DeploymentError.of(ErrorCode.PLATFORM_UNAVAILABLE,
        "The Temporal service could not be reached (" + e.getClass().getSimpleName()
            + "): check the WorkflowClient's target and that the service runs"));
  }
}
