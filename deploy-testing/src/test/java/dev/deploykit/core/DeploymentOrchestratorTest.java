package dev.deploykit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.deploykit.env.EnvironmentVariable;
import dev.deploykit.testing.InMemoryPlatform;
import dev.deploykit.testing.InMemoryPlatform.Operation;
import dev.deploykit.testing.RecordingProgressListener;
import java.io.ByteArrayOutputStream;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DeploymentOrchestratorTest {
  private InMemoryPlatform platform;
  private DeploymentOrchestrator orchestrator;

  @BeforeEach
  void setUp() {
    platform = InMemoryPlatform.builder().buildDuration(Duration.ofMillis(100)).build();
    orchestrator = orchestrator(platform, Duration.ofSeconds(20));
  }

  private static DeploymentOrchestrator orchestrator(InMemoryPlatform platform, Duration timeout) {
    return DeploymentOrchestrator.builder()
        .discoverPlatforms(false)
        .platform(platform)
        .deploymentTimeout(timeout)
        .pollInterval(Duration.ofMillis(20), Duration.ofMillis(100))
        .uploadRetry(new RetrySettings(3, Duration.ofMillis(10), Duration.ofMillis(40), 0.25,
            Duration.ofSeconds(5)))
        .build();
  }

  @AfterEach
  void tearDown() {
    orchestrator.close();
    platform.close();
  }

  @Test
  void deploy_whenEverythingWorks_endsSuccessWithUrlAndEveryStepReported() {
    DeploymentConfig config = Fixtures.config("happy-app").build();
    RecordingProgressListener listener = new RecordingProgressListener();

    CompletableFuture<Deployment> future = orchestrator.deployAsync(config, "user-1", listener);
    Deployment d = future.join();

    assertThat(d.status()).isEqualTo(DeploymentStatus.SUCCESS);
    assertThat(d.deploymentUrl()).isNotBlank();
    assertThat(d.platformProjectId()).isNotBlank();
    assertThat(d.platformDeploymentId()).isNotBlank();
    assertThat(d.error()).isNull();
    assertThat(orchestrator.find(d.id())).contains(d);
    listener.awaitTerminal(Duration.ofSeconds(10));
    assertThat(listener.last()).map(ProgressUpdate::status).contains(DeploymentStatus.SUCCESS);
    assertThat(listener.updates().get(0).status()).isEqualTo(DeploymentStatus.PENDING);
    assertThat(listener.logLines()).isNotEmpty();
    var project = platform.project("happy-app").orElseThrow();
    assertThat(project.files()).containsKeys("package.json", ".env.example");
    assertThat(project.variables()).containsKeys("DATABASE_URL", "NEXTAUTH_SECRET", "ANTHROPIC_API_KEY");
  }

  @Test
  void deploy_statusesComeInTheOrderOfTheSteps() {
    List<DeploymentStatus> seen = new ArrayList<>();
    Deployment d = orchestrator.deploy(Fixtures.config("ordered-app").build(), "user-1");

    orchestrator.progress().history(d.id()).forEach(u -> {
      if (seen.isEmpty() || seen.get(seen.size() - 1) != u.status()) {
        seen.add(u.status());
      }
    });
    assertThat(seen).containsSubsequence(
        DeploymentStatus.PENDING, DeploymentStatus.GENERATING, DeploymentStatus.CREATING_PROJECT,
        DeploymentStatus.CONFIGURING, DeploymentStatus.UPLOADING, DeploymentStatus.BUILDING,
        DeploymentStatus.SUCCESS);
    assertThat(orchestrator.progress().history(d.id()))
        .flatExtracting(ProgressUpdate::logLines).isNotEmpty();
    List<Long> sequences = orchestrator.progress().history(d.id()).stream()
        .map(ProgressUpdate::sequence).toList();
    assertThat(sequences).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void deploy_whenVariablesInvalid_failsInvalidConfigListingEveryProblemBeforeCreatingAnything() {
    List<EnvironmentVariable> vars = new ArrayList<>();
    for (EnvironmentVariable v : Fixtures.validVariables("x9")) {
      vars.add(switch (v.key()) {
        case "DATABASE_URL" -> v.withValue("mysql://nope");
        case "ANTHROPIC_API_KEY" -> v.withValue(null);
        default -> v;
      });
    }
    Deployment d = orchestrator.deploy(
        Fixtures.config("invalid-app").environmentVariables(vars).build(), "user-1");

    assertThat(d.status()).isEqualTo(DeploymentStatus.FAILED);
    assertThat(d.error().code()).isEqualTo(ErrorCode.INVALID_CONFIG);
    assertThat(d.error().details()).hasSize(2)
        .anySatisfy(line -> assertThat(line).startsWith("DATABASE_URL"))
        .anySatisfy(line -> assertThat(line).startsWith("ANTHROPIC_API_KEY"));
    assertThat(platform.calls(Operation.CREATE_PROJECT)).isZero();
    assertThat(orchestrator.recoveryPlan(d).action()).isEqualTo(RecoveryAction.MANUAL);
  }

  static Stream<Arguments> failingSteps() {
    List<Arguments> out = new ArrayList<>();
    for (Operation op : List.of(Operation.CREATE_PROJECT, Operation.SET_ENVIRONMENT_VARIABLES,
        Operation.TRIGGER_DEPLOYMENT)) {
      for (ErrorCode code : List.of(ErrorCode.AUTH_FAILED, ErrorCode.INSUFFICIENT_PERMISSIONS,
          ErrorCode.PROJECT_NAME_TAKEN, ErrorCode.PLATFORM_UNAVAILABLE,
          ErrorCode.RATE_LIMIT_EXCEEDED, ErrorCode.INVALID_CONFIG, ErrorCode.UNKNOWN)) {
        out.add(Arguments.of(op, code));
      }
    }
    out.add(Arguments.of(Operation.BUILD, ErrorCode.BUILD_FAILED));
    out.add(Arguments.of(Operation.UPLOAD_FILES, ErrorCode.AUTH_FAILED));
    out.add(Arguments.of(Operation.UPLOAD_FILES, ErrorCode.INVALID_CONFIG));
    out.add(Arguments.of(Operation.GET_DEPLOYMENT_STATUS, ErrorCode.AUTH_FAILED));
    return out.stream();
  }

  @ParameterizedTest(name = "{0} fails with {1}")
  @MethodSource("failingSteps")
  void deploy_whenAStepFails_endsFailedWithItsCodeAndAPlan(Operation op, ErrorCode code) {
    platform.failAlways(op, code);

    Deployment d = orchestrator.deploy(Fixtures.config("failing-app").build(), "user-1");

    assertThat(d.status()).isEqualTo(DeploymentStatus.FAILED);
    assertThat(d.error().code()).isEqualTo(code);
    assertThat(d.error().message()).isNotBlank();
    RecoveryPlan plan = orchestrator.recoveryPlan(d);
    assertThat(plan.userMessage()).isNotBlank();
    assertThat(plan.action()).isEqualTo(switch (code) {
      case AUTH_FAILED, INSUFFICIENT_PERMISSIONS -> RecoveryAction.RECONNECT;
      case PLATFORM_UNAVAILABLE, RATE_LIMIT_EXCEEDED, TIMEOUT -> RecoveryAction.RETRY;
      case PROJECT_NAME_TAKEN, INVALID_CONFIG -> RecoveryAction.MANUAL;
      case BUILD_FAILED -> RecoveryAction.CHECK;
      case UPLOAD_FAILED -> RecoveryAction.RETRY;
      case UNKNOWN -> RecoveryAction.FALLBACK;
    });
    assertThat(plan.alternativePlatforms()).doesNotContain("memory");
  }

  @Test
  void deploy_whenBuildFails_keepsTheLogTail() {
    platform.failAlways(Operation.BUILD, ErrorCode.BUILD_FAILED);

    Deployment d = orchestrator.deploy(Fixtures.config("broken-build").build(), "user-1");

    assertThat(d.error().code()).isEqualTo(ErrorCode.BUILD_FAILED);
    assertThat(d.logTail()).isNotEmpty();
  }

  @Test
  void deploy_whenUploadFailsTwiceThenWorks_retriesAndSucceeds() {
    platform.failTimes(Operation.UPLOAD_FILES, ErrorCode.PLATFORM_UNAVAILABLE, 2);

    Deployment d = orchestrator.deploy(Fixtures.config("flaky-upload").build(), "user-1");

    assertThat(d.status()).as("%s", d.error()).isEqualTo(DeploymentStatus.SUCCESS);
    assertThat(platform.calls(Operation.UPLOAD_FILES)).isEqualTo(3);
  }

  @Test
  void deploy_whenUploadRateLimitedOnce_waitsAndSucceeds() {
    platform.failTimes(Operation.UPLOAD_FILES, ErrorCode.RATE_LIMIT_EXCEEDED, 1);

    Deployment d = orchestrator.deploy(Fixtures.config("limited-upload").build(), "user-1");

    assertThat(d.status()).isEqualTo(DeploymentStatus.SUCCESS);
    assertThat(platform.calls(Operation.UPLOAD_FILES)).isEqualTo(2);
  }

  @Test
  void deploy_whenUploadRetriesExhausted_failsUploadFailedAndTheZipFallbackWorks() throws Exception {
    platform.failAlways(Operation.UPLOAD_FILES, ErrorCode.PLATFORM_UNAVAILABLE);

    Deployment d = orchestrator.deploy(Fixtures.config("dead-upload").build(), "user-1");

    assertThat(d.status()).isEqualTo(DeploymentStatus.FAILED);
    assertThat(d.error().code()).isEqualTo(ErrorCode.UPLOAD_FAILED);
    assertThat(d.error().message()).contains("4 attempts");
    assertThat(platform.calls(Operation.UPLOAD_FILES)).isEqualTo(4);
    RecoveryPlan plan = orchestrator.recoveryPlan(d);
    assertThat(plan.fallbackOptions()).contains(FallbackOption.ZIP);

    ByteArrayOutputStream zip = new ByteArrayOutputStream();
    orchestrator.exportZip(d.id(), zip);
    List<String> names = new ArrayList<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip.toByteArray()))) {
      for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        names.add(e.getName());
      }
    }
    assertThat(names).contains("package.json", ".env.example");
  }

  @Test
  void deploy_whenBuildOutlastsTheTimeout_endsTimedOutSayingItMayStillFinish() {
    try (InMemoryPlatform slow = InMemoryPlatform.builder().buildDuration(Duration.ofMinutes(5)).build();
        DeploymentOrchestrator o = orchestrator(slow, Duration.ofMillis(500))) {
      Deployment d = o.deploy(Fixtures.config("slow-app").build(), "user-1");

      assertThat(d.status()).isEqualTo(DeploymentStatus.TIMED_OUT);
      assertThat(d.error().code()).isEqualTo(ErrorCode.TIMEOUT);
      assertThat(d.error().message()).contains("may still finish");
      assertThat(o.recoveryPlan(d).action()).isEqualTo(RecoveryAction.RETRY);
    }
  }

  @Test
  void cancel_whileBuilding_endsCancelledAndAsksThePlatform() {
    try (InMemoryPlatform slow = InMemoryPlatform.builder().buildDuration(Duration.ofMinutes(5)).build();
        DeploymentOrchestrator o = orchestrator(slow, Duration.ofMinutes(1))) {
      CompletableFuture<Deployment> future = o.deployAsync(Fixtures.config("cancel-me").build(), "u");
      String id = slowId(o);
      await().atMost(Duration.ofSeconds(10))
          .until(() -> o.find(id).map(Deployment::status).orElse(null) == DeploymentStatus.BUILDING
              && o.find(id).get().platformDeploymentId() != null);

      assertThat(o.cancel(id)).isTrue();
      Deployment d = future.join();

      assertThat(d.status()).isEqualTo(DeploymentStatus.CANCELLED);
      await().atMost(Duration.ofSeconds(5)).until(() -> slow.calls(Operation.CANCEL_DEPLOYMENT) == 1);
      assertThat(o.cancel(id)).isFalse();
    }
  }

  private static String slowId(DeploymentOrchestrator o) {
    return await().atMost(Duration.ofSeconds(5)).until(() -> findRunning(o), Optional::isPresent).get();
  }

  private static Optional<String> findRunning(DeploymentOrchestrator o) {
    return o.running().stream().map(Deployment::id).findFirst();
  }

  @Test
  void deploy_withTheSameIdempotencyKey_returnsTheFirstDeployment() {
    DeploymentConfig config = Fixtures.config("idem-app").idempotencyKey("order-42").build();

    CompletableFuture<Deployment> first = orchestrator.deployAsync(config, "user-1");
    CompletableFuture<Deployment> second = orchestrator.deployAsync(config, "user-1");
    Deployment a = first.join();
    Deployment b = second.join();
    Deployment c = orchestrator.deploy(config, "user-1");

    assertThat(a.status()).isEqualTo(DeploymentStatus.SUCCESS);
    assertThat(b.id()).isEqualTo(a.id());
    assertThat(c.id()).isEqualTo(a.id());
    assertThat(platform.calls(Operation.TRIGGER_DEPLOYMENT)).isEqualTo(1);
  }

  @Test
  void deploy_whenSameProjectRunsAndFailFast_failsAtOnce() {
    platform.delay(Operation.CREATE_PROJECT, Duration.ofMillis(300));
    CompletableFuture<Deployment> first =
        orchestrator.deployAsync(Fixtures.config("busy-app").build(), "user-1");

    Deployment second = orchestrator.deploy(Fixtures.config("busy-app")
        .onConcurrentDeploy(ConcurrentDeployPolicy.FAIL_FAST).build(), "user-1");

    assertThat(second.status()).isEqualTo(DeploymentStatus.FAILED);
    assertThat(second.error().code()).isEqualTo(ErrorCode.INVALID_CONFIG);
    assertThat(second.error().message()).contains("being deployed");
    assertThat(first.join().status()).isEqualTo(DeploymentStatus.SUCCESS);
  }

  @Test
  void deploy_whenSameProjectRunsAndWait_runsOneAfterTheOther() {
    CompletableFuture<Deployment> first =
        orchestrator.deployAsync(Fixtures.config("queued-app").build(), "user-1");
    CompletableFuture<Deployment> second =
        orchestrator.deployAsync(Fixtures.config("queued-app").build(), "user-1");

    Deployment a = first.join();
    Deployment b = second.join();

    assertThat(a.status()).isEqualTo(DeploymentStatus.SUCCESS);
    assertThat(b.status()).isEqualTo(DeploymentStatus.SUCCESS);
    assertThat(b.updatedAt()).isAfterOrEqualTo(a.updatedAt());
    assertThat(platform.projectNames()).containsOnlyOnce("queued-app");
  }

  @Test
  void deploy_whenPlatformUnknown_failsNamingTheInstalledOnes() {
    Deployment d = orchestrator.deploy(
        DeploymentConfig.builder("x-app", "fly").scaffold(Fixtures.scaffold())
            .environmentVariables(Fixtures.validVariables("k")).build(), "user-1");

    assertThat(d.error().code()).isEqualTo(ErrorCode.INVALID_CONFIG);
    assertThat(d.error().message()).contains("'fly'", "memory", "deploy-platform-fly");
  }

  @Test
  void deploy_whenNoCredentials_failsAuthFailedNamingTheVariable() {
    try (DeploymentOrchestrator o = DeploymentOrchestrator.builder().discoverPlatforms(false)
        .platform(platform).credentials((user, p) -> Optional.empty()).build()) {
      Deployment d = o.deploy(Fixtures.config("no-token").build(), "user-1");

      assertThat(d.error().code()).isEqualTo(ErrorCode.AUTH_FAILED);
      assertThat(d.error().message()).contains("MEMORY_TOKEN");
    }
  }

  @Test
  void deploy_thousandAtOnce_allSucceedWithABoundedNumberOfThreads() {
    int before = Thread.activeCount();
    List<CompletableFuture<Deployment>> futures = new ArrayList<>();
    int[] peak = {0};
    for (int i = 0; i < 1000; i++) {
      futures.add(orchestrator.deployAsync(
          Fixtures.config("bulk-" + i).build(), "user-" + (i % 10)));
      peak[0] = Math.max(peak[0], Thread.activeCount());
    }
    for (CompletableFuture<Deployment> f : futures) {
      while (!f.isDone()) {
        peak[0] = Math.max(peak[0], Thread.activeCount());
        Thread.onSpinWait();
        try {
          f.get(10, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (Exception ignored) {
          // keep sampling the thread count while waiting
        }
      }
    }

    assertThat(futures).allSatisfy(f -> assertThat(f.join().status()).isEqualTo(DeploymentStatus.SUCCESS));
    assertThat(peak[0] - before).as("threads created while 1,000 deployments ran").isLessThanOrEqualTo(8);
  }

  @Test
  void fallback_zip_writesTheFilesOfAFailedDeployment() throws Exception {
    platform.failAlways(Operation.UPLOAD_FILES, ErrorCode.AUTH_FAILED);
    Deployment d = orchestrator.deploy(Fixtures.config("zip-me").build(), "user-1");

    FallbackResult zip = orchestrator.fallback(d, FallbackOption.ZIP).join();

    assertThat(zip.option()).isEqualTo(FallbackOption.ZIP);
    java.nio.file.Path file = java.nio.file.Path.of(zip.location());
    List<String> names = new ArrayList<>();
    try (ZipInputStream in = new ZipInputStream(java.nio.file.Files.newInputStream(file))) {
      for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        names.add(e.getName());
      }
    }
    assertThat(names).contains("package.json", "app/page.tsx");
  }

  @Test
  void fallback_githubWithoutThePublisher_failsNamingTheArtifact() {
    platform.failAlways(Operation.UPLOAD_FILES, ErrorCode.AUTH_FAILED);
    Deployment d = orchestrator.deploy(Fixtures.config("no-github").build(), "user-1");

    assertThat(orchestrator.fallback(d, FallbackOption.GITHUB_REPO))
        .failsWithin(Duration.ofSeconds(5))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .havingCause()
        .isInstanceOf(DeploymentException.class)
        .withMessageContaining("deploy-github");
  }

  @Test
  void deploy_whenTheLogStreamFails_theStatusStillDecides() {
    platform.failAlways(Operation.STREAM_BUILD_LOGS, ErrorCode.PLATFORM_UNAVAILABLE);

    Deployment d = orchestrator.deploy(Fixtures.config("no-logs").build(), "user-1");

    assertThat(d.status()).isEqualTo(DeploymentStatus.SUCCESS);
  }

  @Test
  void deploy_whenStatusPollingIsRateLimitedOnce_waitsAndSucceeds() {
    platform.failTimes(Operation.GET_DEPLOYMENT_STATUS, ErrorCode.RATE_LIMIT_EXCEEDED, 1);

    Deployment d = orchestrator.deploy(Fixtures.config("limited-poll").build(), "user-1");

    assertThat(d.status()).isEqualTo(DeploymentStatus.SUCCESS);
  }

  @Test
  void deploy_fromAFolder_uploadsItsFilesSkippingIgnoredOnes(@org.junit.jupiter.api.io.TempDir
      java.nio.file.Path dir) throws Exception {
    java.nio.file.Files.writeString(dir.resolve("index.html"), "<h1>hello</h1>");
    java.nio.file.Files.createDirectories(dir.resolve("node_modules/x"));
    java.nio.file.Files.writeString(dir.resolve("node_modules/x/index.js"), "x");
    java.nio.file.Files.writeString(dir.resolve(".deployignore"), "*.log\n");
    java.nio.file.Files.writeString(dir.resolve("debug.log"), "noise");

    Deployment d = orchestrator.deploy(DeploymentConfig.builder("static-site", "memory")
        .sourceDirectory(dir).verifyUrl(false).build(), "user-1");

    assertThat(d.status()).isEqualTo(DeploymentStatus.SUCCESS);
    assertThat(platform.project("static-site").orElseThrow().files())
        .containsKey("index.html").doesNotContainKeys("node_modules/x/index.js", "debug.log");
  }

  @Test
  void deploy_fromAFolderThatIsMissing_failsInvalidConfig() {
    Deployment d = orchestrator.deploy(DeploymentConfig.builder("ghost-site", "memory")
        .sourceDirectory(java.nio.file.Path.of("/no/such/folder")).build(), "user-1");

    assertThat(d.status()).isEqualTo(DeploymentStatus.FAILED);
    assertThat(d.error().code()).isEqualTo(ErrorCode.INVALID_CONFIG);
    assertThat(platform.calls(Operation.CREATE_PROJECT)).isZero();
  }

  @Test
  void deploy_withServedDeployments_verifiesTheUrlAnswers() {
    try (InMemoryPlatform served = InMemoryPlatform.builder().buildDuration(Duration.ofMillis(50))
            .serveDeployments(true).build();
        DeploymentOrchestrator o = orchestrator(served, Duration.ofSeconds(20))) {
      Deployment d = o.deploy(Fixtures.config("served-app").verifyUrl(true).build(), "user-1");

      assertThat(d.status()).isEqualTo(DeploymentStatus.SUCCESS);
      assertThat(d.urlCheck()).isNotNull();
      assertThat(d.urlCheck().httpStatus()).isEqualTo(200);
      assertThat(d.urlCheck().ok()).isTrue();
    }
  }
}
