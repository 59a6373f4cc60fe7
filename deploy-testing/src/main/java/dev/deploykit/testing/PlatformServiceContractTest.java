package dev.deploykit.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.deploykit.core.DeploymentException;
import dev.deploykit.core.DeploymentTarget;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.GeneratedFile;
import dev.deploykit.core.UploadProgress;
import dev.deploykit.core.spi.BuildState;
import dev.deploykit.core.spi.BuildStatus;
import dev.deploykit.core.spi.CreateProjectRequest;
import dev.deploykit.core.spi.LogSink;
import dev.deploykit.core.spi.LogStream;
import dev.deploykit.core.spi.PlatformDeployment;
import dev.deploykit.core.spi.PlatformProject;
import dev.deploykit.core.spi.PlatformService;
import dev.deploykit.core.spi.UploadListener;
import dev.deploykit.core.spi.UploadResult;
import dev.deploykit.env.EnvironmentVariable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link PlatformService} honours, as JUnit tests: ours, and any vendor's.
 *
 * <p>It checks what the SPI promises: each operation returns a future at once, without blocking the
 * calling thread; a project comes back with an id and the requested name, and again with the same
 * id when asked twice; variables are set; an upload counts every file and reports progress within
 * its totals; a deployment gets an id and eventually succeeds with a URL; build logs arrive in
 * order, each line once, followed by one {@code completed()}; a closed log stream is silent from the
 * moment {@code close()} returns and can be closed again; cancel completes; null arguments are
 * refused with a {@link NullPointerException} (thrown, or as the failure of the returned future);
 * and a refused token is a {@link DeploymentException} with {@link ErrorCode#AUTH_FAILED}.
 *
 * <p>A vendor extends it in its own test sources, pointing the service at a WireMock server (on a
 * dynamic port) or a sandbox account:
 *
 * <pre>{@code
 * @WireMockTest
 * class FlyPlatformContractTest extends PlatformServiceContractTest {
 *   private ScheduledExecutorService scheduler;
 *   private WireMockRuntimeInfo wireMock;
 *
 *   @BeforeEach
 *   void setUp(WireMockRuntimeInfo info) {
 *     wireMock = info;
 *     scheduler = Executors.newSingleThreadScheduledExecutor();
 *     FlyStubs.happyPath(info);   // projects, upload, deployment READY after two polls, logs
 *   }
 *
 *   @AfterEach
 *   void tearDown() {
 *     scheduler.shutdownNow();
 *   }
 *
 *   @Override
 *   protected PlatformService service() {
 *     return new FlyPlatform().create(TestPlatformContexts.create(
 *         "fly", "test-token", scheduler, Map.of("apiUrl", wireMock.getHttpBaseUrl())));
 *   }
 *
 *   @Override
 *   protected Optional<Runnable> arrangeAuthFailure() {
 *     return Optional.of(() -> stubFor(post("/v1/apps").willReturn(unauthorized())));
 *   }
 *
 *   @Override
 *   protected boolean supportsCancel() {
 *     return false;               // Fly cannot cancel a build
 *   }
 * }
 * }</pre>
 *
 * <p>{@link #service()} is called at most once per test, lazily, after the subclass's own
 * {@code @BeforeEach} methods have run. Waits are bounded ({@link #operationTimeout()} per operation,
 * {@link #buildTimeout()} for a build) and poll every 100 ms with Awaitility; nothing sleeps. A test
 * that does not apply to a platform is skipped with an assumption (see the {@code supports...}
 * hooks). A JUnit test instance is used by one thread; the class is not meant to be shared.
 */
public abstract class PlatformServiceContractTest {
  private static final Duration NON_BLOCKING_BOUND = Duration.ofSeconds(2);
  private static final Duration POLL_INTERVAL = Duration.ofMillis(100);

  private @Nullable PlatformService service;

  /** Creates the contract; subclasses have a no-argument constructor, as JUnit requires. */
  protected PlatformServiceContractTest() {}

  /**
   * Returns the service under test, configured by the subclass (credentials, stubs, settings). Called
   * at most once per test; return a fresh service each time.
   */
  protected abstract PlatformService service();

  /** Returns the files to deploy; default a small static site: {@code index.html} and a stylesheet. */
  protected List<GeneratedFile> sampleFiles() {
    return List.of(
        GeneratedFile.text("index.html", "<!DOCTYPE html>\n<html><head><title>Contract test</title>"
            + "<link rel=\"stylesheet\" href=\"styles/site.css\"></head>"
            + "<body><h1>Hello from the contract test</h1></body></html>\n"),
        GeneratedFile.text("styles/site.css", "body { font-family: sans-serif; margin: 2rem; }\n"));
  }

  /** Returns the project name to create; default {@code contract-test-app}. */
  protected String sampleProjectName() {
    return "contract-test-app";
  }

  /** Returns the variables to set; default one plain variable, {@code APP_NAME}. */
  protected List<EnvironmentVariable> sampleVariables() {
    return List.of(EnvironmentVariable.builder("APP_NAME").value("contract-test").build());
  }

  /** Returns the deployment target; default production. */
  protected DeploymentTarget sampleTarget() {
    return DeploymentTarget.PRODUCTION;
  }

  /** Returns how long a build may take to succeed; default 30 seconds. */
  protected Duration buildTimeout() {
    return Duration.ofSeconds(30);
  }

  /** Returns how long one operation's future may take to complete; default 10 seconds. */
  protected Duration operationTimeout() {
    return Duration.ofSeconds(10);
  }

  /** Returns whether the platform streams build logs; default true. When false, log tests are skipped. */
  protected boolean supportsBuildLogs() {
    return true;
  }

  /** Returns whether the service implements cancel; default true. When false, cancel tests are skipped. */
  protected boolean supportsCancel() {
    return true;
  }

  /**
   * Returns the exact build log a successful build of {@link #sampleFiles()} prints, if the subclass
   * knows it; default empty, in which case lines are only checked to be non-empty and free of
   * duplicates.
   */
  protected List<String> expectedBuildLogLines() {
    return List.of();
  }

  /**
   * Returns an action that makes the next {@code createProject} fail because the platform refuses the
   * credentials (e.g. a WireMock 401 stub, or {@code memory.failNext(CREATE_PROJECT, AUTH_FAILED)});
   * default empty, which skips the test.
   */
  protected Optional<Runnable> arrangeAuthFailure() {
    return Optional.empty();
  }

  // ---------------------------------------------------------------- tests

  /** Every operation returns a non-null future on the calling thread without waiting for the work. */
  @Test
  public void everyOperation_whenCalledOnTheTestThread_returnsAFutureWithoutBlocking() {
    PlatformService s = service0();
    PlatformProject project = join(quickly("createProject",
        () -> s.createProject(request())), "createProject");
    join(quickly("setEnvironmentVariables",
        () -> s.setEnvironmentVariables(project, sampleVariables(), sampleTarget())),
        "setEnvironmentVariables");
    UploadResult upload = join(quickly("uploadFiles",
        () -> s.uploadFiles(project, sampleFiles(), UploadListener.NONE)), "uploadFiles");
    PlatformDeployment deployment = join(quickly("triggerDeployment",
        () -> s.triggerDeployment(project, upload, sampleFiles(), sampleTarget())),
        "triggerDeployment");
    join(quickly("getDeploymentStatus",
        () -> s.getDeploymentStatus(project, deployment.id())), "getDeploymentStatus");
    long start = System.nanoTime();
    LogStream stream = s.streamBuildLogs(project, deployment.id(), line -> {});
    assertReturnedQuickly("streamBuildLogs", start);
    assertThat(stream).as("streamBuildLogs returned null").isNotNull();
    stream.close();
    if (supportsCancel()) {
      join(quickly("cancelDeployment", () -> s.cancelDeployment(project, deployment.id())),
          "cancelDeployment");
    }
  }

  /** A new project has a non-blank id and the requested name. */
  @Test
  public void createProject_whenNameIsFree_returnsProjectWithIdAndRequestedName() {
    PlatformProject project = join(service0().createProject(request()), "createProject");

    assertThat(project.id()).as("project id").isNotBlank();
    assertThat(project.name()).as("project name").isEqualTo(sampleProjectName());
  }

  /** Creating the same project twice with the same credentials returns it again. */
  @Test
  public void createProject_whenRepeatedWithSameCredentials_returnsTheSameProject() {
    PlatformService s = service0();
    PlatformProject first = join(s.createProject(request()), "createProject");
    PlatformProject second = join(s.createProject(request()), "createProject (repeated)");

    assertThat(second.id()).as("id of the project created twice").isEqualTo(first.id());
    assertThat(second.name()).isEqualTo(first.name());
  }

  /** Setting variables on a project completes normally. */
  @Test
  public void setEnvironmentVariables_whenProjectExists_completes() {
    PlatformService s = service0();
    PlatformProject project = join(s.createProject(request()), "createProject");

    join(s.setEnvironmentVariables(project, sampleVariables(), sampleTarget()),
        "setEnvironmentVariables");
  }

  /** An upload accounts for every file and never reports more than its totals. */
  @Test
  public void uploadFiles_whenProjectExists_countsEveryFileAndReportsProgressWithinTotals() {
    PlatformService s = service0();
    PlatformProject project = join(s.createProject(request()), "createProject");
    List<UploadProgress> progress = new CopyOnWriteArrayList<>();

    UploadResult result = join(s.uploadFiles(project, sampleFiles(), progress::add),
        "uploadFiles");

    assertThat(result.filesUploaded() + result.filesSkipped())
        .as("filesUploaded + filesSkipped").isEqualTo(sampleFiles().size());
    assertThat(result.bytesUploaded()).as("bytesUploaded").isNotNegative();
    for (UploadProgress p : progress) {
      assertThat(p.filesDone()).as("filesDone of %s", p).isBetween(0, p.filesTotal());
      assertThat(p.bytesDone()).as("bytesDone of %s", p).isBetween(0L, p.bytesTotal());
    }
  }

  /** Triggering a deployment after an upload returns its id. */
  @Test
  public void triggerDeployment_afterUpload_returnsNonBlankId() {
    Deployed d = deploy();

    assertThat(d.deployment().id()).as("deployment id").isNotBlank();
  }

  /** A deployment of the sample files eventually succeeds, with a URL. */
  @Test
  public void getDeploymentStatus_afterTrigger_eventuallyReachesSuccessWithUrl() {
    Deployed d = deploy();

    BuildStatus last = awaitTerminal(d);

    assertThat(last.state()).as("final state (error: %s)", last.error()).isEqualTo(BuildState.SUCCESS);
    assertThat(last.url()).as("URL of the successful deployment").isNotBlank();
  }

  /** Build logs arrive in order, each line once, and the stream completes once. */
  @Test
  public void streamBuildLogs_whileBuilding_deliversLinesInOrderOnceAndCompletesOnce() {
    assumeTrue(supportsBuildLogs(), "the platform does not stream build logs");
    Deployed d = deploy();
    RecordingSink sink = new RecordingSink();

    LogStream stream = service0().streamBuildLogs(d.project(), d.deployment().id(), sink);
    try {
      await().atMost(buildTimeout()).pollInterval(POLL_INTERVAL)
          .until(() -> sink.completions.get() > 0 || sink.failure.get() != null);
      assertThat(sink.failure.get()).as("failure reported to the sink").isNull();
      join(stream.done(), "the log stream's done()");
      await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
          .pollInterval(Duration.ofMillis(50)).until(() -> sink.completions.get() == 1);
    } finally {
      stream.close();
    }

    List<String> lines = sink.lines();
    assertThat(lines).as("build-log lines").isNotEmpty();
    if (expectedBuildLogLines().isEmpty()) {
      assertThat(lines).as("build-log lines").doesNotHaveDuplicates();
    } else {
      assertThat(lines).as("build-log lines").containsExactlyElementsOf(expectedBuildLogLines());
    }
  }

  /** After {@code close()} returns no line arrives; {@code close()} may be called again. */
  @Test
  public void logStream_whenClosed_deliversNothingMoreAndClosesAgainQuietly() {
    Deployed d = deploy();
    RecordingSink sink = new RecordingSink();
    LogStream stream = service0().streamBuildLogs(d.project(), d.deployment().id(), sink);
    if (supportsBuildLogs()) {
      await().atMost(buildTimeout()).pollInterval(Duration.ofMillis(50))
          .until(() -> !sink.lines().isEmpty() || sink.completions.get() > 0
              || sink.failure.get() != null);
    }

    stream.close();
    sink.closeReturned.set(true);
    stream.close();

    join(stream.done(), "the log stream's done() after close()");
    awaitTerminal(d);
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
        .pollInterval(Duration.ofMillis(50)).until(() -> sink.linesAfterClose.get() == 0);
  }

  /** Cancelling a running deployment completes normally. */
  @Test
  public void cancelDeployment_whileBuilding_completes() {
    assumeTrue(supportsCancel(), "the platform cannot cancel a deployment");
    Deployed d = deploy();

    join(service0().cancelDeployment(d.project(), d.deployment().id()), "cancelDeployment");
  }

  /** Every operation refuses a null argument with a NullPointerException. */
  @Test
  public void everyOperation_whenAnArgumentIsNull_rejectsItWithNullPointerException() {
    PlatformService s = service0();
    PlatformProject p = join(s.createProject(request()), "createProject");
    List<EnvironmentVariable> vars = sampleVariables();
    List<GeneratedFile> files = sampleFiles();
    DeploymentTarget t = sampleTarget();
    UploadResult upload = UploadResult.of(files.size(), 0, 0);
    String id = "contract-deployment-id";
    LogSink sink = line -> {};

    assertRejectsNull("createProject(null)", () -> s.createProject(null));
    assertRejectsNull("setEnvironmentVariables(null project)",
        () -> s.setEnvironmentVariables(null, vars, t));
    assertRejectsNull("setEnvironmentVariables(null variables)",
        () -> s.setEnvironmentVariables(p, null, t));
    assertRejectsNull("setEnvironmentVariables(null target)",
        () -> s.setEnvironmentVariables(p, vars, null));
    assertRejectsNull("uploadFiles(null project)", () -> s.uploadFiles(null, files, UploadListener.NONE));
    assertRejectsNull("uploadFiles(null files)", () -> s.uploadFiles(p, null, UploadListener.NONE));
    assertRejectsNull("uploadFiles(null listener)", () -> s.uploadFiles(p, files, null));
    assertRejectsNull("triggerDeployment(null project)",
        () -> s.triggerDeployment(null, upload, files, t));
    assertRejectsNull("triggerDeployment(null upload)",
        () -> s.triggerDeployment(p, null, files, t));
    assertRejectsNull("triggerDeployment(null files)",
        () -> s.triggerDeployment(p, upload, null, t));
    assertRejectsNull("triggerDeployment(null target)",
        () -> s.triggerDeployment(p, upload, files, null));
    assertRejectsNull("getDeploymentStatus(null project)", () -> s.getDeploymentStatus(null, id));
    assertRejectsNull("getDeploymentStatus(null id)", () -> s.getDeploymentStatus(p, null));
    assertRejectsNull("streamBuildLogs(null project)", () -> s.streamBuildLogs(null, id, sink));
    assertRejectsNull("streamBuildLogs(null id)", () -> s.streamBuildLogs(p, null, sink));
    assertRejectsNull("streamBuildLogs(null sink)", () -> s.streamBuildLogs(p, id, null));
    if (supportsCancel()) {
      assertRejectsNull("cancelDeployment(null project)", () -> s.cancelDeployment(null, id));
      assertRejectsNull("cancelDeployment(null id)", () -> s.cancelDeployment(p, null));
    }
  }

  /** Refused credentials make createProject fail with a DeploymentException coded AUTH_FAILED. */
  @Test
  public void createProject_whenCredentialsAreRefused_failsWithAuthFailedDeploymentException() {
    Optional<Runnable> arrange = arrangeAuthFailure();
    assumeTrue(arrange.isPresent(), "no way to arrange an authentication failure");
    PlatformService s = service0();
    arrange.get().run();

    CompletableFuture<PlatformProject> future = s.createProject(request());

    Throwable failure = failureOf(future, "createProject with refused credentials");
    assertThat(failure).as("failure of createProject").isInstanceOf(DeploymentException.class);
    DeploymentException e = (DeploymentException) failure;
    assertThat(e.code()).as("error code").isEqualTo(ErrorCode.AUTH_FAILED);
    assertThat(e.getMessage()).as("error message").isNotBlank();
  }

  // ---------------------------------------------------------------- helpers

  private PlatformService service0() {
    PlatformService s = service;
    if (s == null) {
      s = service();
      assertThat(s).as("service()").isNotNull();
      service = s;
    }
    return s;
  }

  private CreateProjectRequest request() {
    return new CreateProjectRequest(sampleProjectName(), sampleFiles(), sampleTarget());
  }

  private record Deployed(PlatformProject project, PlatformDeployment deployment) {}

  private Deployed deploy() {
    PlatformService s = service0();
    PlatformProject project = join(s.createProject(request()), "createProject");
    join(s.setEnvironmentVariables(project, sampleVariables(), sampleTarget()),
        "setEnvironmentVariables");
    UploadResult upload = join(s.uploadFiles(project, sampleFiles(), UploadListener.NONE),
        "uploadFiles");
    PlatformDeployment deployment = join(
        s.triggerDeployment(project, upload, sampleFiles(), sampleTarget()), "triggerDeployment");
    assertThat(deployment).as("triggerDeployment's result").isNotNull();
    return new Deployed(project, deployment);
  }

  private BuildStatus awaitTerminal(Deployed d) {
    AtomicReference<BuildStatus> last = new AtomicReference<>();
    await().atMost(buildTimeout()).pollInterval(POLL_INTERVAL).until(() -> {
      BuildStatus status = join(
          service0().getDeploymentStatus(d.project(), d.deployment().id()), "getDeploymentStatus");
      assertThat(status).as("getDeploymentStatus's result").isNotNull();
      last.set(status);
      return status.state().isTerminal();
    });
    return last.get();
  }

  private static <T> CompletableFuture<T> quickly(
      String operation, Supplier<CompletableFuture<T>> call) {
    long start = System.nanoTime();
    CompletableFuture<T> future = call.get();
    assertReturnedQuickly(operation, start);
    assertThat(future).as("%s returned null", operation).isNotNull();
    return future;
  }

  private static void assertReturnedQuickly(String operation, long startNanos) {
    Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
    assertThat(took).as("%s returned after %s ms: it blocks the calling thread", operation,
        took.toMillis()).isLessThan(NON_BLOCKING_BOUND);
  }

  private <T> T join(CompletableFuture<T> future, String what) {
    try {
      return future.get(operationTimeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError(what + " failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new AssertionError(what + " did not complete within " + operationTimeout());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("Interrupted while waiting for " + what, e);
    }
  }

  private Throwable failureOf(CompletableFuture<?> future, String what) {
    try {
      Object value = future.get(operationTimeout().toNanos(), TimeUnit.NANOSECONDS);
      return fail(what + " succeeded with " + value + "; expected a failure");
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new AssertionError(what + " did not complete within " + operationTimeout());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("Interrupted while waiting for " + what, e);
    }
  }

  private void assertRejectsNull(String call, Supplier<?> invocation) {
    Object result;
    try {
      result = invocation.get();
    } catch (NullPointerException expected) {
      return;
    } catch (RuntimeException e) {
      throw new AssertionError(call + " threw " + e + "; expected a NullPointerException", e);
    }
    Throwable failure;
    if (result instanceof CompletableFuture<?> future) {
      failure = failureOf(future, call);
    } else if (result instanceof LogStream stream) {
      try {
        failure = failureOf(stream.done(), call + ".done()");
      } finally {
        stream.close();
      }
    } else {
      throw new AssertionError(call + " returned " + result + "; expected a NullPointerException");
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof NullPointerException) {
        return;
      }
    }
    throw new AssertionError(call + " failed with " + failure
        + "; expected a NullPointerException", failure);
  }

  /** Records lines and flags those that arrive after close() returned. */
  private static final class RecordingSink implements LogSink {
    final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger completions = new AtomicInteger();
    final AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();
    final AtomicBoolean closeReturned = new AtomicBoolean();
    final AtomicInteger linesAfterClose = new AtomicInteger();

    @Override
    public void line(String line) {
      if (closeReturned.get()) {
        linesAfterClose.incrementAndGet();
      }
      lines.add(line);
    }

    @Override
    public void completed() {
      completions.incrementAndGet();
    }

    @Override
    public void failed(Throwable cause) {
      failure.set(cause);
    }

    List<String> lines() {
      synchronized (lines) {
        return List.copyOf(lines);
      }
    }
  }
}
