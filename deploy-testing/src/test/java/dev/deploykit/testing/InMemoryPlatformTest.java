package dev.deploykit.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deploykit.core.DeploymentError;
import dev.deploykit.core.DeploymentException;
import dev.deploykit.core.DeploymentTarget;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.GeneratedFile;
import dev.deploykit.core.UploadProgress;
import dev.deploykit.core.spi.BuildState;
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
import dev.deploykit.core.spi.UploadListener;
import dev.deploykit.core.spi.UploadResult;
import dev.deploykit.env.EnvironmentVariable;
import dev.deploykit.testing.InMemoryPlatform.Operation;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class InMemoryPlatformTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final List<GeneratedFile> SITE = List.of(
      GeneratedFile.text("index.html", "<html><body><h1>Hello memory</h1></body></html>"),
      GeneratedFile.text("assets/app.css", "h1 { color: teal; }"));

  private ScheduledExecutorService scheduler;
  private InMemoryPlatform memory;
  private final AtomicInteger schedulerThreads = new AtomicInteger();

  @BeforeEach
  void setUp() {
    scheduler = Executors.newScheduledThreadPool(2, r -> {
      Thread t = new Thread(r, "test-scheduler-" + schedulerThreads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    memory = InMemoryPlatform.builder().buildDuration(Duration.ofMillis(100))
        .existingProject("taken-app").build();
  }

  @AfterEach
  void tearDown() {
    memory.close();
    scheduler.shutdownNow();
  }

  private PlatformService service(String token) {
    return memory.create(TestPlatformContexts.create("memory", token, scheduler));
  }

  private static CreateProjectRequest request(String name) {
    return new CreateProjectRequest(name, SITE, DeploymentTarget.PRODUCTION);
  }

  private static <T> T join(CompletableFuture<T> future) {
    return future.orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).join();
  }

  private static DeploymentException failure(CompletableFuture<?> future) {
    Throwable t = catchThrowable(() -> join(future));
    assertThat(t).isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(DeploymentException.class);
    return (DeploymentException) t.getCause();
  }

  private record Deployed(PlatformService service, PlatformProject project, String id) {}

  private Deployed deploy(String name, List<GeneratedFile> files, List<EnvironmentVariable> vars,
      DeploymentTarget target) {
    PlatformService s = service("token-1");
    PlatformProject p = join(s.createProject(new CreateProjectRequest(name, files, target)));
    join(s.setEnvironmentVariables(p, vars, target));
    UploadResult upload = join(s.uploadFiles(p, files, UploadListener.NONE));
    PlatformDeployment d = join(s.triggerDeployment(p, upload, files, target));
    return new Deployed(s, p, d.id());
  }

  private Deployed deploy(String name) {
    return deploy(name, SITE, List.of(), DeploymentTarget.PRODUCTION);
  }

  private BuildStatus awaitTerminal(Deployed d) {
    List<BuildStatus> last = new CopyOnWriteArrayList<>();
    await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> {
      BuildStatus s = join(d.service().getDeploymentStatus(d.project(), d.id()));
      last.add(s);
      return s.state().isTerminal();
    });
    return last.get(last.size() - 1);
  }

  @Test
  void serviceLoader_findsTheInMemoryPlatform() {
    List<PlatformProvider> found = ServiceLoader.load(PlatformProvider.class).stream()
        .map(ServiceLoader.Provider::get).toList();

    assertThat(found).anySatisfy(p -> {
      assertThat(p).isInstanceOf(InMemoryPlatform.class);
      assertThat(p.id()).isEqualTo("memory");
      assertThat(p.displayName()).isEqualTo("In-memory platform");
    });
  }

  @Nested
  class Projects {
    @Test
    void createProject_whenNameBelongsToAnotherToken_failsWithProjectNameTaken() {
      join(service("token-1").createProject(request("shared-name")));

      DeploymentException e = failure(service("token-2").createProject(request("shared-name")));

      assertThat(e.code()).isEqualTo(ErrorCode.PROJECT_NAME_TAKEN);
      assertThat(e.error().platform()).isEqualTo("memory");
      assertThat(e.error().httpStatus()).isEqualTo(409);
      assertThat(e.getMessage()).contains("shared-name").doesNotContain("token-1", "token-2");
    }

    @Test
    void createProject_whenSameTokenReusesName_returnsItsProject() {
      PlatformProject first = join(service("token-1").createProject(request("my-app")));
      PlatformProject second = join(service("token-1").createProject(request("my-app")));

      assertThat(second).isEqualTo(first);
      assertThat(memory.projectNames()).containsExactly("my-app", "taken-app");
      assertThat(memory.calls(Operation.CREATE_PROJECT)).isEqualTo(2);
    }

    @Test
    void createProject_whenConfiguredAsExisting_failsWithProjectNameTaken() {
      DeploymentException e = failure(service("token-1").createProject(request("taken-app")));

      assertThat(e.code()).isEqualTo(ErrorCode.PROJECT_NAME_TAKEN);
      assertThat(memory.project("taken-app")).hasValueSatisfying(
          p -> assertThat(p.owner()).isEqualTo("another-account"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "My-App", "my app", "app/x", "appé",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
    void createProject_whenNameIsInvalid_failsWithInvalidConfig(String name) {
      DeploymentException e = failure(service("token-1").createProject(request(name)));

      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
      assertThat(e.getMessage()).contains("lower-case letters");
      assertThat(memory.projectNames()).doesNotContain(name);
    }

    @Test
    void project_exposesFilesVariablesAndDeploymentsButNoToken() {
      Deployed d = deploy("inspected", SITE, List.of(
          EnvironmentVariable.builder("APP_NAME").value("demo").build(),
          EnvironmentVariable.builder("API_KEY").value("s3cr3t-canary").sensitive(true).build(),
          EnvironmentVariable.builder("UNSET").build()), DeploymentTarget.PRODUCTION);

      InMemoryPlatform.ProjectState p = memory.project("inspected").orElseThrow();

      assertThat(p.id()).isEqualTo(d.project().id()).startsWith("prj_");
      assertThat(p.files()).containsOnlyKeys("index.html", "assets/app.css");
      assertThat(p.variables()).containsExactly(
          Map.entry("API_KEY", "s3cr3t-canary"), Map.entry("APP_NAME", "demo"));
      assertThat(p.deploymentIds()).containsExactly(d.id());
      assertThat(p.owner()).startsWith("tok_").doesNotContain("token-1");
      assertThat(p.toString()).contains("API_KEY").doesNotContain("s3cr3t-canary", "token-1");
      assertThat(d.service().toString()).doesNotContain("token-1");
    }

    @Test
    void operations_whenProjectBelongsToAnotherToken_failWithInsufficientPermissions() {
      PlatformProject p = join(service("token-1").createProject(request("mine")));

      DeploymentException e = failure(service("token-2").uploadFiles(p, SITE, UploadListener.NONE));

      assertThat(e.code()).isEqualTo(ErrorCode.INSUFFICIENT_PERMISSIONS);
      assertThat(e.error().httpStatus()).isEqualTo(403);
    }

    @Test
    void operations_whenProjectIsUnknown_failWithInvalidConfig() {
      PlatformProject ghost = PlatformProject.of("prj_404", "ghost");

      DeploymentException e = failure(service("token-1").getDeploymentStatus(ghost, "mem_1"));

      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
      assertThat(e.getMessage()).contains("ghost", "createProject");
    }

    @Test
    void getDeploymentStatus_whenDeploymentIsUnknown_failsWithInvalidConfig() {
      PlatformProject p = join(service("token-1").createProject(request("known")));

      DeploymentException e = failure(service("token-1").getDeploymentStatus(p, "mem_999"));

      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
      assertThat(e.getMessage()).contains("mem_999");
    }
  }

  @Nested
  class Deployments {
    @Test
    void uploadFiles_reportsProgressPerFileAndCounts() {
      PlatformService s = service("token-1");
      PlatformProject p = join(s.createProject(request("upload-app")));
      List<UploadProgress> progress = new CopyOnWriteArrayList<>();

      UploadResult result = join(s.uploadFiles(p, SITE, progress::add));

      long total = SITE.stream().mapToLong(GeneratedFile::size).sum();
      assertThat(result.filesUploaded()).isEqualTo(2);
      assertThat(result.filesSkipped()).isZero();
      assertThat(result.bytesUploaded()).isEqualTo(total);
      assertThat(result.deploymentId()).isNull();
      assertThat(progress).containsExactly(
          new UploadProgress(1, 2, SITE.get(0).size(), total), new UploadProgress(2, 2, total, total));
    }

    @Test
    void triggerDeployment_numbersDeploymentsAndBuildsToSuccess() {
      Deployed first = deploy("numbered");
      Deployed second = deploy("numbered");

      assertThat(first.id()).isEqualTo("mem_1");
      assertThat(second.id()).isEqualTo("mem_2");
      BuildStatus status = awaitTerminal(second);
      assertThat(status.state()).isEqualTo(BuildState.SUCCESS);
      assertThat(status.url()).isEqualTo("http://numbered.memory.localhost/");
      assertThat(memory.deployment(second.id())).hasValueSatisfying(d -> {
        assertThat(d.logLines()).containsExactlyElementsOf(InMemoryPlatform.DEFAULT_BUILD_LOGS);
        assertThat(d.projectName()).isEqualTo("numbered");
      });
      assertThat(memory.calls(Operation.BUILD)).isEqualTo(2);
    }

    @Test
    void getDeploymentStatus_isBuildingUntilTheScheduledBuildEnds() {
      memory = InMemoryPlatform.builder().buildDuration(Duration.ofSeconds(30)).build();
      Deployed d = deploy("slow-build");

      BuildStatus status = join(d.service().getDeploymentStatus(d.project(), d.id()));

      assertThat(status.state()).isEqualTo(BuildState.BUILDING);
      assertThat(status.url()).isNull();
    }

    @Test
    void getDeploymentStatus_whenContextClockIsFixed_stillReachesSuccess() {
      PlatformContext fixed = new PlatformContext("memory", Credentials.of("memory", "token-1"),
          HttpClient.newHttpClient(), new ObjectMapper(), scheduler, Runnable::run,
          Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC), Map.of());
      PlatformService s = memory.create(fixed);
      PlatformProject p = join(s.createProject(request("fixed-clock")));
      UploadResult upload = join(s.uploadFiles(p, SITE, UploadListener.NONE));
      String id = join(s.triggerDeployment(p, upload, SITE, DeploymentTarget.PRODUCTION)).id();

      BuildStatus status = awaitTerminal(new Deployed(s, p, id));

      assertThat(status.state()).isEqualTo(BuildState.SUCCESS);
    }

    @Test
    void triggerDeployment_whenUploadStartedADeployment_returnsIt() {
      Deployed d = deploy("started-by-upload");
      UploadResult started = new UploadResult(2, 10, 0, d.id(), Map.of());

      PlatformDeployment again = join(
          d.service().triggerDeployment(d.project(), started, SITE, DeploymentTarget.PRODUCTION));

      assertThat(again.id()).isEqualTo(d.id());
      assertThat(memory.calls(Operation.BUILD)).isEqualTo(1);
    }

    @Test
    void triggerDeployment_forPreview_getsAUrlOfItsOwn() {
      Deployed d = deploy("previewed", SITE, List.of(), DeploymentTarget.PREVIEW);

      assertThat(awaitTerminal(d).url()).isEqualTo("http://previewed-mem-1.memory.localhost/");
    }

    @Test
    void build_whenFailed_endsFailedAfterItsLinesAndAnErrorLine() {
      memory.failNext(Operation.BUILD, ErrorCode.BUILD_FAILED);
      Deployed d = deploy("broken-build");
      RecordingSink sink = new RecordingSink();
      d.service().streamBuildLogs(d.project(), d.id(), sink);

      BuildStatus status = awaitTerminal(d);

      assertThat(status.state()).isEqualTo(BuildState.FAILED);
      assertThat(status.error()).isNotNull();
      assertThat(status.error().code()).isEqualTo(ErrorCode.BUILD_FAILED);
      assertThat(status.error().platform()).isEqualTo("memory");
      List<String> expected = new ArrayList<>(InMemoryPlatform.DEFAULT_BUILD_LOGS.subList(
          0, InMemoryPlatform.DEFAULT_BUILD_LOGS.size() - 1));
      expected.add("Error: " + status.error().message());
      await().atMost(WAIT).until(() -> sink.completions.get() == 1);
      assertThat(sink.lines()).containsExactlyElementsOf(expected);
      assertThat(memory.deployment(d.id()).orElseThrow().logLines()).isEqualTo(expected);
      assertThat(awaitTerminal(deploy("broken-build")).state())
          .as("only the next build fails").isEqualTo(BuildState.SUCCESS);
    }

    @Test
    void cancelDeployment_whileBuilding_endsCancelledAndCompletesStreams() {
      memory = InMemoryPlatform.builder().buildDuration(Duration.ofSeconds(30)).build();
      Deployed d = deploy("cancelled-app");
      RecordingSink sink = new RecordingSink();
      LogStream stream = d.service().streamBuildLogs(d.project(), d.id(), sink);

      join(d.service().cancelDeployment(d.project(), d.id()));

      assertThat(join(d.service().getDeploymentStatus(d.project(), d.id())).state())
          .isEqualTo(BuildState.CANCELLED);
      join(stream.done());
      assertThat(sink.completions).hasValue(1);
      assertThat(memory.deployment(d.id()).orElseThrow().logLines()).last().isEqualTo(
          "Build cancelled");
    }

    @Test
    void cancelDeployment_afterSuccess_changesNothing() {
      Deployed d = deploy("done-app");
      awaitTerminal(d);

      join(d.service().cancelDeployment(d.project(), d.id()));

      assertThat(join(d.service().getDeploymentStatus(d.project(), d.id())).state())
          .isEqualTo(BuildState.SUCCESS);
    }

    @Test
    void streamBuildLogs_whenOpenedAfterTheBuild_replaysEveryLineOnceThenCompletes() {
      Deployed d = deploy("replayed");
      awaitTerminal(d);
      RecordingSink sink = new RecordingSink();

      LogStream stream = d.service().streamBuildLogs(d.project(), d.id(), sink);

      join(stream.done());
      assertThat(sink.lines()).containsExactlyElementsOf(InMemoryPlatform.DEFAULT_BUILD_LOGS);
      assertThat(sink.completions).hasValue(1);
    }

    @Test
    void streamBuildLogs_whenClosedBeforeItOpens_deliversNothing() {
      memory.delay(Operation.STREAM_BUILD_LOGS, Duration.ofMillis(50));
      Deployed d = deploy("closed-early");
      RecordingSink sink = new RecordingSink();

      LogStream stream = d.service().streamBuildLogs(d.project(), d.id(), sink);
      stream.close();
      awaitTerminal(d);

      assertThat(stream.done()).isCompleted();
      await().during(Duration.ofMillis(150)).atMost(WAIT).until(() -> sink.lines().isEmpty());
      assertThat(sink.completions).hasValue(0);
    }

    @Test
    void streamBuildLogs_whenSinkThrows_keepsDelivering() {
      Deployed d = deploy("throwing-sink");
      List<String> seen = new CopyOnWriteArrayList<>();
      LogSink sink = line -> {
        seen.add(line);
        throw new IllegalStateException("sink broke");
      };

      join(d.service().streamBuildLogs(d.project(), d.id(), sink).done());

      assertThat(seen).containsExactlyElementsOf(InMemoryPlatform.DEFAULT_BUILD_LOGS);
    }

    @Test
    void buildLogs_whenConfiguredEmpty_buildStillEndsAfterItsDuration() {
      memory = InMemoryPlatform.builder().buildLogs(List.of()).buildDuration(Duration.ofMillis(20))
          .build();
      Deployed d = deploy("silent");

      assertThat(awaitTerminal(d).state()).isEqualTo(BuildState.SUCCESS);
      assertThat(memory.deployment(d.id()).orElseThrow().logLines()).isEmpty();
    }
  }

  @Nested
  class FailureInjection {
    static Stream<Arguments> operationsAndCodes() {
      List<ErrorCode> codes = List.of(ErrorCode.PLATFORM_UNAVAILABLE, ErrorCode.AUTH_FAILED,
          ErrorCode.RATE_LIMIT_EXCEEDED);
      return Stream.of(Operation.values()).flatMap(op -> codes.stream().map(
          code -> Arguments.of(op, code)));
    }

    /** Arranges what {@code op} needs, injects the failure, calls {@code op}, returns its error. */
    private DeploymentError failOnce(Operation op, ErrorCode code) {
      PlatformService s = service("token-1");
      if (op == Operation.CREATE_PROJECT) {
        memory.failNext(op, code);
        return failure(s.createProject(request("failing"))).error();
      }
      PlatformProject p = join(s.createProject(request("failing")));
      if (op == Operation.SET_ENVIRONMENT_VARIABLES) {
        memory.failNext(op, code);
        return failure(s.setEnvironmentVariables(p, List.of(), DeploymentTarget.PRODUCTION)).error();
      }
      if (op == Operation.UPLOAD_FILES) {
        memory.failNext(op, code);
        return failure(s.uploadFiles(p, SITE, UploadListener.NONE)).error();
      }
      UploadResult upload = join(s.uploadFiles(p, SITE, UploadListener.NONE));
      if (op == Operation.TRIGGER_DEPLOYMENT) {
        memory.failNext(op, code);
        return failure(s.triggerDeployment(p, upload, SITE, DeploymentTarget.PRODUCTION)).error();
      }
      if (op == Operation.BUILD) {
        memory.failNext(op, code);
        String id = join(s.triggerDeployment(p, upload, SITE, DeploymentTarget.PRODUCTION)).id();
        BuildStatus status = awaitTerminal(new Deployed(s, p, id));
        assertThat(status.state()).isEqualTo(BuildState.FAILED);
        return status.error();
      }
      String id = join(s.triggerDeployment(p, upload, SITE, DeploymentTarget.PRODUCTION)).id();
      memory.failNext(op, code);
      return switch (op) {
        case GET_DEPLOYMENT_STATUS -> failure(s.getDeploymentStatus(p, id)).error();
        case CANCEL_DEPLOYMENT -> failure(s.cancelDeployment(p, id)).error();
        case STREAM_BUILD_LOGS -> {
          RecordingSink sink = new RecordingSink();
          LogStream stream = s.streamBuildLogs(p, id, sink);
          DeploymentException e = failure(stream.done());
          assertThat(sink.failure.get()).isSameAs(e);
          assertThat(sink.lines()).isEmpty();
          yield e.error();
        }
        default -> throw new AssertionError(op);
      };
    }

    private void succeeds(Operation op) {
      PlatformService s = service("token-1");
      PlatformProject p = join(s.createProject(request("failing")));
      UploadResult upload = join(s.uploadFiles(p, SITE, UploadListener.NONE));
      String id = join(s.triggerDeployment(p, upload, SITE, DeploymentTarget.PRODUCTION)).id();
      join(s.setEnvironmentVariables(p, List.of(), DeploymentTarget.PRODUCTION));
      join(s.getDeploymentStatus(p, id));
      assertThat(awaitTerminal(new Deployed(s, p, id)).state()).as("after %s failed", op)
          .isEqualTo(BuildState.SUCCESS);
      join(s.streamBuildLogs(p, id, line -> {}).done());
      join(s.cancelDeployment(p, id));
    }

    @ParameterizedTest(name = "{0} fails once with {1}")
    @MethodSource("operationsAndCodes")
    void failNext_failsTheNextCallOnlyWithARealisticError(Operation op, ErrorCode code) {
      DeploymentError error = failOnce(op, code);

      assertThat(error.code()).isEqualTo(code);
      assertThat(error.platform()).isEqualTo("memory");
      assertThat(error.message()).isNotBlank().doesNotContain("token-1");
      assertThat(error.requestId()).startsWith("req_mem_");
      if (code == ErrorCode.RATE_LIMIT_EXCEEDED) {
        assertThat(error.retryAfter()).isEqualTo(Duration.ofMillis(100));
        assertThat(error.httpStatus()).isEqualTo(429);
      }
      if (code == ErrorCode.AUTH_FAILED) {
        assertThat(error.httpStatus()).isEqualTo(401);
      }
      assertThat(memory.calls(op)).isPositive();
      succeeds(op);
    }

    @Test
    void failTimes_failsExactlyThatManyCalls() {
      PlatformService s = service("token-1");
      memory.failTimes(Operation.CREATE_PROJECT, ErrorCode.PLATFORM_UNAVAILABLE, 2);

      assertThat(failure(s.createProject(request("retried"))).code())
          .isEqualTo(ErrorCode.PLATFORM_UNAVAILABLE);
      assertThat(failure(s.createProject(request("retried"))).code())
          .isEqualTo(ErrorCode.PLATFORM_UNAVAILABLE);
      assertThat(join(s.createProject(request("retried"))).name()).isEqualTo("retried");
      assertThat(memory.calls(Operation.CREATE_PROJECT)).isEqualTo(3);
    }

    @Test
    void failAlways_failsUntilReset() {
      PlatformService s = service("token-1");
      memory.failAlways(Operation.CREATE_PROJECT, ErrorCode.INSUFFICIENT_PERMISSIONS);
      for (int i = 0; i < 3; i++) {
        assertThat(failure(s.createProject(request("denied"))).code())
            .isEqualTo(ErrorCode.INSUFFICIENT_PERMISSIONS);
      }

      memory.reset();

      assertThat(memory.calls(Operation.CREATE_PROJECT)).isZero();
      assertThat(join(s.createProject(request("denied"))).name()).isEqualTo("denied");
    }

    @Test
    void failWith_usesTheGivenErrorAsItIs() {
      DeploymentError given = DeploymentError.of(ErrorCode.RATE_LIMIT_EXCEEDED, "Slow down")
          .withRetryAfter(Duration.ofSeconds(7)).withHttpStatus(429);
      memory.failWith(Operation.UPLOAD_FILES, given, 1);
      PlatformService s = service("token-1");
      PlatformProject p = join(s.createProject(request("limited")));

      DeploymentError e = failure(s.uploadFiles(p, SITE, UploadListener.NONE)).error();

      assertThat(e.message()).isEqualTo("Slow down");
      assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(7));
      assertThat(e.platform()).isEqualTo("memory");
      assertThat(memory.project("limited").orElseThrow().files()).isEmpty();
    }

    @Test
    void rateLimitRetryAfter_whenConfigured_isUsedByFailNext() {
      memory = InMemoryPlatform.builder().rateLimitRetryAfter(Duration.ofMillis(5)).build();
      memory.failNext(Operation.CREATE_PROJECT, ErrorCode.RATE_LIMIT_EXCEEDED);

      DeploymentError e = failure(service("token-1").createProject(request("fast"))).error();

      assertThat(e.retryAfter()).isEqualTo(Duration.ofMillis(5));
    }

    @Test
    void controls_rejectBadArguments() {
      assertThatThrownBy(() -> memory.failTimes(Operation.BUILD, ErrorCode.UNKNOWN, 0))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> memory.delay(Operation.BUILD, Duration.ofMillis(-1)))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> memory.failNext(null, ErrorCode.UNKNOWN))
          .isInstanceOf(NullPointerException.class).hasMessageContaining("operation");
      assertThatThrownBy(() -> InMemoryPlatform.builder().buildDuration(Duration.ofMillis(-1)))
          .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void failNext_withEveryCode_makesADeploymentExceptionOfThatCode(ErrorCode code) {
      memory.failNext(Operation.CREATE_PROJECT, code);

      DeploymentException e = failure(service("token-1").createProject(request("any-code")));

      assertThat(e.code()).isEqualTo(code);
      assertThat(e.getMessage()).isNotBlank();
    }
  }

  @Nested
  class Delays {
    @Test
    void delay_answersLaterFromTheSchedulerWithoutBlockingTheCaller() {
      memory.delay(Operation.CREATE_PROJECT, Duration.ofMillis(1000));
      PlatformService s = service("token-1");

      long start = System.nanoTime();
      CompletableFuture<PlatformProject> future = s.createProject(request("delayed"));
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      CompletableFuture<String> thread = future.thenApply(p -> Thread.currentThread().getName());

      assertThat(tookMillis).isLessThan(500);
      assertThat(future).isNotDone();
      assertThat(join(thread)).startsWith("test-scheduler-");
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(990);
    }

    @Test
    void delay_whenFutureIsCancelled_doesNotDoTheWork() {
      memory.delay(Operation.CREATE_PROJECT, Duration.ofMillis(100));
      CompletableFuture<PlatformProject> future = service("token-1").createProject(request("never"));

      future.cancel(true);

      await().during(Duration.ofMillis(200)).atMost(WAIT)
          .until(() -> memory.project("never").isEmpty());
    }

    @Test
    void delay_withAFailure_failsLater() {
      memory.delay(Operation.CREATE_PROJECT, Duration.ofMillis(100));
      memory.failNext(Operation.CREATE_PROJECT, ErrorCode.PLATFORM_UNAVAILABLE);

      CompletableFuture<PlatformProject> future = service("token-1").createProject(request("late"));

      assertThat(future).isNotDone();
      assertThat(failure(future).code()).isEqualTo(ErrorCode.PLATFORM_UNAVAILABLE);
    }

    @Test
    void delay_ofTheBuild_keepsItQueued() {
      memory.delay(Operation.BUILD, Duration.ofSeconds(30));
      Deployed d = deploy("queued");

      BuildStatus status = join(d.service().getDeploymentStatus(d.project(), d.id()));

      assertThat(status.state()).isEqualTo(BuildState.BUILDING);
      assertThat(status.platformState()).isEqualTo("QUEUED");
    }

    @Test
    void delay_ofZero_removesTheDelay() {
      memory.delay(Operation.CREATE_PROJECT, Duration.ofSeconds(30));
      memory.delay(Operation.CREATE_PROJECT, Duration.ZERO);

      assertThat(service("token-1").createProject(request("prompt"))).isDone();
    }
  }

  @Nested
  class NullArguments {
    @Test
    void operations_whenArgumentIsNull_throwNullPointerExceptionNamingIt() {
      PlatformService s = service("token-1");
      PlatformProject p = join(s.createProject(request("nulls")));

      assertThatThrownBy(() -> s.createProject(null)).hasMessage("request");
      assertThatThrownBy(() -> s.setEnvironmentVariables(p, null, DeploymentTarget.PRODUCTION))
          .isInstanceOf(NullPointerException.class).hasMessage("variables");
      assertThatThrownBy(() -> s.uploadFiles(p, SITE, null)).hasMessage("listener");
      assertThatThrownBy(() -> s.triggerDeployment(p, null, SITE, DeploymentTarget.PREVIEW))
          .hasMessage("upload");
      assertThatThrownBy(() -> s.getDeploymentStatus(p, null)).hasMessage("deploymentId");
      assertThatThrownBy(() -> s.streamBuildLogs(p, "mem_1", null)).hasMessage("sink");
      assertThatThrownBy(() -> s.cancelDeployment(null, "mem_1")).hasMessage("project");
      assertThatThrownBy(() -> memory.create(null)).hasMessage("context");
      assertThat(memory.calls(Operation.GET_DEPLOYMENT_STATUS)).isZero();
    }
  }

  @Nested
  class Serving {
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void serve() {
      memory = InMemoryPlatform.builder().buildDuration(Duration.ofMillis(20))
          .serveDeployments(true).build();
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
      return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(WAIT).build(),
          HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void successfulDeployment_isServedWithItsIndexAndFiles() throws Exception {
      Deployed d = deploy("served-site");
      BuildStatus status = awaitTerminal(d);
      assertThat(status.url()).matches("http://127\\.0\\.0\\.1:\\d+/served-site/");

      HttpResponse<String> home = get(status.url());
      HttpResponse<String> css = get(status.url() + "assets/app.css");
      HttpResponse<String> missing = get(status.url() + "nope.js");
      HttpResponse<String> unknownProject = get(memory.serverUrl().orElseThrow() + "other/");

      assertThat(home.statusCode()).isEqualTo(200);
      assertThat(home.body()).isEqualTo(SITE.get(0).text());
      assertThat(home.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
      assertThat(css.statusCode()).isEqualTo(200);
      assertThat(css.body()).isEqualTo("h1 { color: teal; }");
      assertThat(css.headers().firstValue("Content-Type")).hasValue("text/css; charset=utf-8");
      assertThat(missing.statusCode()).isEqualTo(404);
      assertThat(unknownProject.statusCode()).isEqualTo(404);
    }

    @Test
    void deploymentWithoutIndex_servesAPageListingFilesAndVariableNamesNeverValues()
        throws Exception {
      String canary = "canary-9f8e7d6c5b4a";
      Deployed d = deploy("no-index", List.of(GeneratedFile.text("server.js", "// app")),
          List.of(EnvironmentVariable.builder("DATABASE_URL").value(canary).sensitive(true).build(),
              EnvironmentVariable.builder("APP_NAME").value(canary + "-plain").build()),
          DeploymentTarget.PRODUCTION);

      HttpResponse<String> page = get(awaitTerminal(d).url());

      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains("no-index", "server.js", "DATABASE_URL", "APP_NAME")
          .doesNotContain(canary);
    }

    @Test
    void previewDeployment_isServedUnderItsId() throws Exception {
      Deployed d = deploy("preview-site", SITE, List.of(), DeploymentTarget.PREVIEW);
      String url = awaitTerminal(d).url();

      assertThat(url).endsWith("/_deployments/" + d.id() + "/");
      assertThat(get(url).body()).isEqualTo(SITE.get(0).text());
      assertThat(get(memory.serverUrl().orElseThrow() + "preview-site/").statusCode())
          .as("a preview is not production").isEqualTo(404);
    }

    @Test
    void runningDeployment_isNotServedYet() throws Exception {
      memory = InMemoryPlatform.builder().buildDuration(Duration.ofSeconds(30))
          .serveDeployments(true).build();
      Deployed d = deploy("not-yet");
      String url = memory.deployment(d.id()).orElseThrow().url();

      assertThat(get(url).statusCode()).isEqualTo(404);
    }

    @Test
    void close_stopsTheServer() throws Exception {
      Deployed d = deploy("closing");
      String url = awaitTerminal(d).url();
      assertThat(get(url).statusCode()).isEqualTo(200);

      memory.close();
      memory.close();

      assertThat(memory.serverUrl()).isEmpty();
      assertThatThrownBy(() -> get(url)).isInstanceOf(IOException.class);
    }
  }

  /** Records lines; thread-safe. */
  static final class RecordingSink implements LogSink {
    final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger completions = new AtomicInteger();
    final java.util.concurrent.atomic.AtomicReference<Throwable> failure =
        new java.util.concurrent.atomic.AtomicReference<>();

    @Override
    public void line(String line) {
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
