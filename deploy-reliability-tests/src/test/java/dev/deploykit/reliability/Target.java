package dev.deploykit.reliability;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.deploykit.core.Deployment;
import dev.deploykit.core.DeploymentConfig;
import dev.deploykit.core.DeploymentOrchestrator;
import dev.deploykit.core.GeneratedFile;
import dev.deploykit.core.RecoveryAction;
import dev.deploykit.core.RetrySettings;
import dev.deploykit.env.EnvironmentVariable;
import dev.deploykit.testing.SecretCanary;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** An adapter under test: its operations, its happy path on WireMock, and one deployment. */
abstract class Target {
  static final String PROJECT = "my-app";
  static final String USER = "user-1";
  static final Duration DEPLOYMENT_TIMEOUT = Duration.ofSeconds(3);
  static final String REQUEST_TIMEOUT_MILLIS = "300";
  static final RetrySettings UPLOAD_RETRY =
      new RetrySettings(3, Duration.ofMillis(10), Duration.ofMillis(40), 0.25, Duration.ofSeconds(5));

  abstract String id();

  abstract List<Op> ops();

  /** Stubs every request of a successful deployment, at WireMock's default priority. */
  abstract void stubHappyPath(WireMockExtension wm, String token);

  /** An orchestrator for one deployment to WireMock. */
  abstract DeploymentOrchestrator orchestrator(WireMockExtension wm, HttpClient client,
      String token);

  /** Makes {@code op} fail with {@code fault}: every time, or once and then never again. */
  void inject(WireMockExtension wm, Op op, Fault fault, boolean once, String token) {
    var mapping = op.request().get().atPriority(1);
    if (once) {
      mapping = mapping.inScenario("fault").whenScenarioStateIs(Scenario.STARTED)
          .willSetStateTo("cleared");
    }
    wm.stubFor(mapping.willReturn(fault.response(token)));
  }

  /** Deploys once and reports how it ended, scanning everything a user sees for the canary. */
  Outcome deploy(WireMockExtension wm, HttpClient client, SecretCanary canary) throws Exception {
    try (DeploymentOrchestrator o = orchestrator(wm, client, canary.token())) {
      long start = System.nanoTime();
      Deployment d;
      try {
        d = o.deployAsync(config(canary), USER, canary.listener())
            .get(DEPLOYMENT_TIMEOUT.toMillis() + 10_000, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        // A deployment that outlives its own timeout is a hang: show where every thread is.
        System.err.println("A " + id() + " deployment did not end; the threads:\n" + threadDump());
        throw e;
      }
      long millis = (System.nanoTime() - start) / 1_000_000;
      canary.scanDeployment(o, d);
      if (d.error() == null) {
        return new Outcome(d.status().name(), null, null, millis, null);
      }
      RecoveryAction action = o.recoveryPlan(d).action();
      return new Outcome(d.status().name(), d.error().code(), action, millis, d.error().message());
    }
  }

  /** Every live thread's stack, with the locks each holds and waits for. */
  static String threadDump() {
    StringBuilder sb = new StringBuilder();
    for (java.lang.management.ThreadInfo t : java.lang.management.ManagementFactory
        .getThreadMXBean().dumpAllThreads(true, true)) {
      sb.append('"').append(t.getThreadName()).append("\" ").append(t.getThreadState());
      if (t.getLockName() != null) {
        sb.append(" on ").append(t.getLockName());
      }
      if (t.getLockOwnerName() != null) {
        sb.append(" owned by \"").append(t.getLockOwnerName()).append('"');
      }
      sb.append('\n');
      for (StackTraceElement f : t.getStackTrace()) {
        sb.append("    at ").append(f).append('\n');
      }
      for (java.lang.management.MonitorInfo m : t.getLockedMonitors()) {
        sb.append("    holds ").append(m).append(" (frame ").append(m.getLockedStackDepth())
            .append(")\n");
      }
      for (java.lang.management.LockInfo l : t.getLockedSynchronizers()) {
        sb.append("    holds ").append(l).append('\n');
      }
    }
    return sb.toString();
  }

  DeploymentConfig config(SecretCanary canary) {
    return DeploymentConfig.builder(PROJECT, id()).files(files())
        .environmentVariables(variables(canary)).verifyUrl(false).build();
  }

  static List<GeneratedFile> files() {
    return List.of(
        GeneratedFile.text("package.json", "{\"name\":\"my-app\",\"private\":true,"
            + "\"scripts\":{\"build\":\"next build\",\"start\":\"next start\"},"
            + "\"dependencies\":{\"next\":\"15.0.0\",\"react\":\"19.0.0\"}}\n"),
        GeneratedFile.text("app/page.tsx",
            "export default function Page() {\n  return <h1>Hello</h1>;\n}\n"));
  }

  static List<EnvironmentVariable> variables(SecretCanary canary) {
    return List.of(
        EnvironmentVariable.builder("DATABASE_URL").value(canary.databaseUrl()).sensitive(true)
            .build(),
        EnvironmentVariable.builder("APP_NAME").value("Hello").build());
  }

  /** The builder every target starts from: short timeouts, fast polls and retries. */
  static DeploymentOrchestrator.Builder base(HttpClient client) {
    return DeploymentOrchestrator.builder()
        .discoverPlatforms(false)
        .httpClient(client)
        .deploymentTimeout(DEPLOYMENT_TIMEOUT)
        .pollInterval(Duration.ofMillis(20), Duration.ofMillis(100))
        .logDrainTimeout(Duration.ofMillis(50))
        .uploadRetry(UPLOAD_RETRY);
  }

  @Override
  public String toString() {
    return id();
  }
}
