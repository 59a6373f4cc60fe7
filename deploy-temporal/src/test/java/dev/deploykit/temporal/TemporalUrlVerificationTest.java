package dev.deploykit.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.deploykit.core.Deployment;
import dev.deploykit.core.DeploymentConfig;
import dev.deploykit.core.DeploymentOrchestrator;
import dev.deploykit.core.DeploymentStatus;
import dev.deploykit.core.DeploymentTarget;
import dev.deploykit.core.GeneratedFile;
import dev.deploykit.core.RetrySettings;
import dev.deploykit.core.UrlCheck;
import dev.deploykit.core.spi.BuildState;
import dev.deploykit.core.spi.BuildStatus;
import dev.deploykit.core.spi.PlatformContext;
import dev.deploykit.core.spi.PlatformDeployment;
import dev.deploykit.core.spi.PlatformProject;
import dev.deploykit.core.spi.PlatformProvider;
import dev.deploykit.core.spi.PlatformService;
import dev.deploykit.core.spi.UploadResult;
import dev.deploykit.env.EnvironmentVariable;
import dev.deploykit.testing.ForwardingPlatformService;
import dev.deploykit.testing.InMemoryPlatform;
import dev.deploykit.testing.RecordingProgressListener;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.WorkerFactoryOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The URL check after a successful build, run by the Temporal workflow, compared with the
 * in-process engine on the same platform and the same served URL: a loopback JDK HttpServer stands
 * in for the deployed site, and the in-memory platform's deployment URL is pointed at it.
 */
class TemporalUrlVerificationTest {
  private static final String QUEUE = "deploykit-verify-test";
  private static final String TOKEN_CANARY = "tok-canary-verify-5be2d4";

  private HttpServer site;
  private final Queue<String> requests = new ConcurrentLinkedQueue<>();
  private TestWorkflowEnvironment env;
  private InMemoryPlatform memory;
  private DeploymentOrchestrator orchestrator;
  private TemporalDeploymentOrchestrator engine;

  @BeforeEach
  void startSite() throws IOException {
    site = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    site.createContext("/", exchange -> {
      String path = exchange.getRequestURI().getPath();
      requests.add(exchange.getRequestMethod() + " " + path);
      int status = switch (path) {
        case "/health-ok" -> 200;
        case "/health-404" -> 404;
        case "/health-500" -> 500;
        default -> 418;
      };
      exchange.getResponseHeaders().add("Content-Type", "text/plain");
      byte[] body = ("status " + status).getBytes(java.nio.charset.StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    site.start();
  }

  /** Starts the engines over the in-memory platform, whose URLs {@code siteUrl} replaces if set. */
  private void start(@Nullable String siteUrl, boolean serve) {
    memory = InMemoryPlatform.builder().buildDuration(Duration.ofMillis(50))
        .serveDeployments(serve).build();
    orchestrator = DeploymentOrchestrator.builder()
        .discoverPlatforms(false)
        .platform(siteUrl == null ? memory : new RedirectedPlatform(memory, siteUrl))
        .token("user-1", InMemoryPlatform.ID, "Bearer-" + TOKEN_CANARY)
        .deploymentTimeout(Duration.ofMinutes(5))
        .pollInterval(Duration.ofMillis(20), Duration.ofMillis(100))
        .verifyTimeout(Duration.ofSeconds(5))
        .uploadRetry(new RetrySettings(3, Duration.ofMillis(10), Duration.ofMillis(40), 0.25,
            Duration.ofSeconds(5)))
        .build();
    env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
        .setWorkflowClientOptions(WorkflowClientOptions.newBuilder()
            .setDataConverter(TemporalDeploymentOrchestrator.dataConverter()).build())
        // Every workflow task replays the history from the start: the check must be deterministic.
        .setWorkerFactoryOptions(WorkerFactoryOptions.newBuilder().setWorkflowCacheSize(0).build())
        .build());
    engine = TemporalDeploymentOrchestrator.create(orchestrator, env.getWorkflowClient(), QUEUE);
    DeploymentWorker.register(env.newWorker(QUEUE), engine);
    env.start();
  }

  /** The tests ran with deploykit's debug logging on: none of it may hold the token. */
  @AfterAll
  static void logsHoldNoToken() throws IOException {
    Path log = Path.of(System.getProperty("org.slf4j.simpleLogger.logFile", "target/test-logs.txt"));
    assertThat(log).exists();
    assertThat(Files.readString(log)).contains("started as a Temporal workflow")
        .doesNotContain(TOKEN_CANARY);
  }

  @AfterEach
  void tearDown() {
    if (env != null) {
      env.close();
    }
    if (orchestrator != null) {
      orchestrator.close();
    }
    if (memory != null) {
      memory.close();
    }
    site.stop(0);
  }

  private String siteUrl() {
    return "http://127.0.0.1:" + site.getAddress().getPort() + "/";
  }

  private static DeploymentConfig config(String name, boolean verify, String healthPath) {
    return DeploymentConfig.builder(name, InMemoryPlatform.ID)
        .files(List.of(GeneratedFile.text("index.html", "<h1>" + name + "</h1>")))
        .environmentVariables(List.of(EnvironmentVariable.builder("GREETING").value("hi").build()))
        .verifyUrl(verify)
        .healthPath(healthPath)
        .build();
  }

  private Deployment temporal(DeploymentConfig config) {
    return engine.deployAsync(config, "user-1").orTimeout(30, TimeUnit.SECONDS).join();
  }

  private Deployment inProcess(DeploymentConfig config) {
    return orchestrator.deployAsync(config, "user-1").orTimeout(30, TimeUnit.SECONDS).join();
  }

  private String history(Deployment d) {
    return env.getWorkflowClient().fetchHistory(d.id()).getEvents().stream()
        .map(Object::toString).collect(Collectors.joining("\n"));
  }

  @Test
  void deploy_withVerifyUrlWhenTheUrlAnswers200_endsSuccessWithTheCheckAndOneGet() {
    start(siteUrl(), false);
    RecordingProgressListener listener = new RecordingProgressListener();

    Deployment d = engine.deployAsync(config("ok-app", true, "/health-ok"), "user-1", listener)
        .orTimeout(30, TimeUnit.SECONDS).join();

    assertThat(d.status()).isEqualTo(DeploymentStatus.SUCCESS);
    assertThat(d.error()).isNull();
    assertThat(d.deploymentUrl()).isEqualTo(siteUrl());
    UrlCheck check = d.urlCheck();
    assertThat(check).isNotNull();
    assertThat(check.url()).isEqualTo(siteUrl() + "health-ok");
    assertThat(check.httpStatus()).isEqualTo(200);
    assertThat(check.ok()).isTrue();
    assertThat(check.problem()).isNull();
    assertThat(requests).containsExactly("GET /health-ok");
    assertThat(listener.updates()).anySatisfy(u -> assertThat(u.message())
        .isEqualTo("Checking " + siteUrl() + "health-ok"));
    // The check ran as its own activity, and the flag travelled in the request's checkpoint.
    assertThat(history(d)).contains("DeploykitVerifyUrl").doesNotContain(TOKEN_CANARY);
    assertThat(engine.find(d.id()).orElseThrow().urlCheck()).isEqualTo(check);
    assertThat(d.toString()).doesNotContain(TOKEN_CANARY);
  }

  @ParameterizedTest
  @ValueSource(ints = {404, 500})
  void deploy_withVerifyUrlWhenTheUrlAnswersAnError_endsAsTheInProcessEngineDoes(int status) {
    start(siteUrl(), false);
    String path = "/health-" + status;

    Deployment t = temporal(config("err-app-t", true, path));
    Deployment p = inProcess(config("err-app-p", true, path));

    assertThat(p.status()).isEqualTo(DeploymentStatus.SUCCESS);
    assertThat(p.error()).isNull();
    assertThat(p.urlCheck()).isNotNull();
    assertThat(p.urlCheck().httpStatus()).isEqualTo(status);
    assertSameOutcome(t, p);
    assertThat(t.urlCheck().ok()).isFalse();
    assertThat(requests).containsExactly("GET " + path, "GET " + path);
  }

  @Test
  void deploy_withVerifyUrlWhenTheUrlRefusesConnections_endsAsTheInProcessEngineDoes()
      throws IOException {
    String refused;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      refused = "http://127.0.0.1:" + socket.getLocalPort() + "/";
    }
    start(refused, false);

    Deployment t = temporal(config("down-app-t", true, "/"));
    Deployment p = inProcess(config("down-app-p", true, "/"));

    assertThat(p.status()).isEqualTo(DeploymentStatus.SUCCESS);
    assertThat(p.urlCheck()).isNotNull();
    assertThat(p.urlCheck().httpStatus()).isNull();
    assertThat(p.urlCheck().problem()).isEqualTo("ConnectException");
    assertSameOutcome(t, p);
    assertThat(t.urlCheck().url()).isEqualTo(refused);
  }

  @Test
  void deploy_withoutVerifyUrl_makesNoGetAndRecordsNoCheck() {
    start(siteUrl(), false);

    Deployment d = temporal(config("quiet-app", false, "/health-ok"));

    assertThat(d.status()).isEqualTo(DeploymentStatus.SUCCESS);
    assertThat(d.deploymentUrl()).isEqualTo(siteUrl());
    assertThat(d.urlCheck()).isNull();
    assertThat(requests).isEmpty();
    assertThat(history(d)).doesNotContain("DeploykitVerifyUrl");
  }

  @Test
  void deploy_withServedInMemoryDeployments_verifiesTheUrlAnswers() {
    // As deploy-testing checks the in-process engine: the in-memory platform serves the site.
    start(null, true);

    Deployment d = temporal(config("served-app", true, "/"));

    assertThat(d.status()).isEqualTo(DeploymentStatus.SUCCESS);
    assertThat(d.deploymentUrl()).startsWith(memory.serverUrl().orElseThrow());
    assertThat(d.urlCheck()).isNotNull();
    assertThat(d.urlCheck().httpStatus()).isEqualTo(200);
    assertThat(d.urlCheck().ok()).isTrue();
  }

  /** Both engines ended alike: status, error and the check's URL, status and problem. */
  private static void assertSameOutcome(Deployment temporal, Deployment inProcess) {
    assertThat(temporal.status()).isEqualTo(inProcess.status());
    assertThat(temporal.error()).isEqualTo(inProcess.error());
    assertThat(temporal.deploymentUrl()).isEqualTo(inProcess.deploymentUrl());
    UrlCheck t = temporal.urlCheck();
    UrlCheck p = inProcess.urlCheck();
    assertThat(t).isNotNull();
    assertThat(t.url()).isEqualTo(p.url());
    assertThat(t.httpStatus()).isEqualTo(p.httpStatus());
    assertThat(t.problem()).isEqualTo(p.problem());
    assertThat(t.ok()).isEqualTo(p.ok());
  }

  /** The in-memory platform, with every deployment's URL replaced by {@code url}. */
  private static final class RedirectedPlatform implements PlatformProvider {
    private final InMemoryPlatform delegate;
    private final String url;

    RedirectedPlatform(InMemoryPlatform delegate, String url) {
      this.delegate = delegate;
      this.url = url;
    }

    @Override
    public String id() {
      return delegate.id();
    }

    @Override
    public String displayName() {
      return delegate.displayName();
    }

    @Override
    public PlatformService create(PlatformContext context) {
      PlatformService s = delegate.create(context);
      return new ForwardingPlatformService(s) {
        @Override
        public CompletableFuture<PlatformDeployment> triggerDeployment(PlatformProject project,
            UploadResult upload, List<GeneratedFile> files, DeploymentTarget target) {
          return super.triggerDeployment(project, upload, files, target)
              .thenApply(d -> new PlatformDeployment(d.id(), url));
        }

        @Override
        public CompletableFuture<BuildStatus> getDeploymentStatus(PlatformProject project,
            String deploymentId) {
          return super.getDeploymentStatus(project, deploymentId).thenApply(b ->
              b.state() == BuildState.SUCCESS
                  ? new BuildStatus(BuildState.SUCCESS, url, b.error(), b.platformState()) : b);
        }
      };
    }
  }
}
