package dev.deploykit.reliability;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.deploykit.core.DeploymentStatus;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.RecoveryAction;
import dev.deploykit.testing.SecretCanary;
import dev.deploykit.testing.SecretCanaryExtension;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fault matrix: every adapter, every operation, every fault, against WireMock (the in-memory
 * platform through its own fault injection). Each cell deploys with the fault on every request,
 * then, for a temporary fault, with the fault on the first request only: the deployment must end
 * in the documented status with the documented code and recovery action, within the deployment
 * timeout plus one second, leave no thread running, and show the canary nowhere. Writes
 * target/reliability-matrix.md and compares its tables with docs/reliability.md.
 */
@ExtendWith(SecretCanaryExtension.class)
class FaultMatrixTest {
  @RegisterExtension
  static WireMockExtension wm = WireMockExtension.newInstance()
      .options(wireMockConfig().dynamicPort().containerThreads(200))
      .build();

  static final List<Target> TARGETS = List.of(new VercelTarget(), new RailwayTarget(),
      new RenderTarget(), new GitHubTarget(), new MemoryTarget());
  static final MatrixReport REPORT = new MatrixReport();

  private static final AtomicBoolean WARMED = new AtomicBoolean();
  private static ExecutorService httpExecutor;
  private static HttpClient client;
  /** The matrix as docs/reliability.md documents it; empty before it was first generated. */
  private static Map<String, String> documented = Map.of();
  private static String documentedTables;

  @BeforeAll
  static void sharedClient() {
    AtomicInteger n = new AtomicInteger();
    httpExecutor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "reliability-http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    // One client for the whole suite, as a server shares one; it never follows redirects.
    Path docs = Path.of(System.getProperty("reliability.docs", "../docs/reliability.md"));
    try {
      String doc = Files.exists(docs) ? Files.readString(docs, StandardCharsets.UTF_8) : "";
      documentedTables = MatrixReport.between(doc);
      documented = documentedTables == null ? Map.of() : MatrixReport.parse(documentedTables);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    client = HttpClient.newBuilder().executor(httpExecutor).connectTimeout(Duration.ofSeconds(2))
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  static Stream<Arguments> cells() {
    return TARGETS.stream().flatMap(t -> t.ops().stream().flatMap(op ->
        Stream.of(Fault.values()).map(f -> Arguments.of(t, op, f))));
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("cells")
  void cell(Target target, Op op, Fault fault, SecretCanary canary) throws Exception {
    String name = target.id() + " / " + op.name() + " / " + fault.label;
    if (WARMED.compareAndSet(false, true)) {
      warmUp(canary);
    }
    wm.resetAll();
    String token = canary.token();
    int deployments = 0;

    prepare(target, op, fault, false, token);
    Set<String> before = Threads.live();
    Outcome always = target.deploy(wm, client, canary);
    deployments++;
    check(name, always);
    Threads.assertNoneLeft(before, name);

    String once = null;
    if (fault.temporary && !(target instanceof MemoryTarget && fault == Fault.NO_RESPONSE)) {
      prepare(target, op, fault, true, token);
      Outcome first = target.deploy(wm, client, canary);
      deployments++;
      check(name + " (once)", first);
      if (first.status().equals("SUCCESS")) {
        once = "SUCCESS";
      } else {
        assertThat(first.action()).as("%s: a temporary fault's plan", name)
            .isEqualTo(RecoveryAction.RETRY);
        Outcome again = target.deploy(wm, client, canary);
        deployments++;
        check(name + " (redeployed)", again);
        assertThat(again.status()).as("%s: redeploying as the plan says, after the fault"
            + " cleared: %s", name, again.message()).isEqualTo("SUCCESS");
        once = first.code() + ", redeploy SUCCESS";
      }
      Threads.assertNoneLeft(before, name);
    }
    REPORT.add(new MatrixReport.Cell(target, op, fault, always, once, deployments,
        canary.scans() + 1));
    String key = target.id() + "|" + op.name() + "|" + fault.label;
    if (!documented.isEmpty()) {
      assertThat(MatrixReport.text(always, once))
          .as("%s: the outcome docs/reliability.md documents (first message: %s)", name,
              always.message())
          .isEqualTo(documented.get(key));
    }
  }

  /**
   * One clean deployment per target before the first cell, its outcome not recorded: in a cold JVM
   * on a loaded machine, the first requests spend the cells' 300 ms request timeout on class
   * loading, JIT and the stub's own warm-up rather than on the fault under test.
   */
  private static void warmUp(SecretCanary canary) throws Exception {
    for (Target t : TARGETS) {
      wm.resetAll();
      t.stubHappyPath(wm, canary.token());
      t.deploy(wm, client, canary);
    }
  }

  private static void prepare(Target target, Op op, Fault fault, boolean once, String token) {
    wm.resetAll();
    target.stubHappyPath(wm, token);
    target.inject(wm, op, fault, once, token);
  }

  /** What holds for every outcome, whatever the cell. */
  private static void check(String name, Outcome o) {
    assertThat(DeploymentStatus.valueOf(o.status()).isTerminal()).as(name).isTrue();
    assertThat(o.millis()).as("%s: ended within the deployment timeout plus one second", name)
        .isLessThanOrEqualTo(Target.DEPLOYMENT_TIMEOUT.toMillis() + 1_000);
    if (o.code() != null) {
      assertThat(o.action()).as("%s: the plan for %s", name, o.code())
          .isEqualTo(expectedAction(o.code(), o));
      assertThat(o.message()).as(name).doesNotContain(Fault.HTML_MARKER)
          .doesNotContain("com.fasterxml").doesNotContain("\tat ");
    }
  }

  /** DeploymentErrorHandler's documented table, written out independently. */
  static RecoveryAction expectedAction(ErrorCode code, Outcome o) {
    return switch (code) {
      case AUTH_FAILED, INSUFFICIENT_PERMISSIONS -> RecoveryAction.RECONNECT;
      case PLATFORM_UNAVAILABLE, RATE_LIMIT_EXCEEDED, TIMEOUT -> RecoveryAction.RETRY;
      case UPLOAD_FAILED -> o.action() == RecoveryAction.RETRY
          ? RecoveryAction.RETRY : RecoveryAction.FALLBACK;
      case PROJECT_NAME_TAKEN, INVALID_CONFIG -> RecoveryAction.MANUAL;
      case BUILD_FAILED -> RecoveryAction.CHECK;
      case UNKNOWN -> RecoveryAction.FALLBACK;
    };
  }

  @AfterAll
  static void writeReport() throws Exception {
    httpExecutor.shutdownNow();
    String tables = REPORT.tables(TARGETS);
    String text = "# Fault matrix (generated)\n\n" + MatrixReport.START + tables + MatrixReport.END
        + "\n\n## Counts\n\n" + REPORT.counts();
    MatrixReport.write(Path.of("target", "reliability-matrix.md"), text);
    long all = cells().count();
    if (REPORT.size() == all) {
      assertThat(tables).as("The matrix in docs/reliability.md differs from the one generated;"
          + " if the change is intended, copy the tables of target/reliability-matrix.md into it")
          .isEqualTo(documentedTables);
    }
  }
}
