package dev.deploykit.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/** The extension fails a test for each way a canary can leak, and passes a clean one. */
class SecretCanaryExtensionTest {

  /** Run only through the launcher below (its name keeps surefire from running it directly). */
  @ExtendWith(SecretCanaryExtension.class)
  static class Cases {
    @Test
    void clean(SecretCanary canary) {
      canary.scan("a message", "nothing to see");
      System.err.println("a log line without secrets");
    }

    @Test
    void leaksInAToString(SecretCanary canary) {
      canary.scan("an object", List.of("token=" + canary.token()));
    }

    @Test
    void leaksInACauseOfAnException(SecretCanary canary) {
      canary.scan("an exception", new RuntimeException("outer",
          new IllegalStateException("inner " + canary.databaseUrl())));
    }

    @Test
    void leaksOnStandardError(SecretCanary canary) {
      System.err.println("DEBUG Sending Authorization: Bearer " + canary.token());
    }

    @Test
    void leaksFromAnotherThread(SecretCanary canary) throws Exception {
      Thread t = new Thread(() -> System.out.println("value " + canary.canary()));
      t.start();
      t.join();
    }

    @Test
    void throwsAnExceptionHoldingIt(SecretCanary canary) {
      throw new IllegalArgumentException("bad value " + canary.canary());
    }
  }

  @Test
  void extension_failsEveryLeakingTestAndOnlyThose() {
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
        .selectors(selectClass(Cases.class)).build();
    Launcher launcher = LauncherFactory.create();
    launcher.execute(request, listener);
    TestExecutionSummary summary = listener.getSummary();

    assertThat(summary.getTestsSucceededCount()).isEqualTo(1);
    List<String> failed = new ArrayList<>();
    for (TestExecutionSummary.Failure f : summary.getFailures()) {
      failed.add(f.getTestIdentifier().getDisplayName());
      String all = f.getException().toString();
      for (Throwable s : f.getException().getSuppressed()) {
        all += s.toString();
      }
      assertThat(all).as(f.getTestIdentifier().getDisplayName()).contains("canary leaked")
          .contains("<CANARY>");
    }
    assertThat(failed).containsExactlyInAnyOrder("leaksInAToString(SecretCanary)",
        "leaksInACauseOfAnException(SecretCanary)", "leaksOnStandardError(SecretCanary)",
        "leaksFromAnotherThread(SecretCanary)", "throwsAnExceptionHoldingIt(SecretCanary)");
  }
}
