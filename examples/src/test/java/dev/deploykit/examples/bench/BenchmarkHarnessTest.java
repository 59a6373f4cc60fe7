package dev.deploykit.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deploykit.core.DeploymentOrchestrator;
import dev.deploykit.platform.vercel.VercelPlatform;
import dev.deploykit.testing.InMemoryPlatform;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The benchmark harnesses run end to end at tiny sizes and measure what they claim to (requests,
 * bytes, outcomes). No timing is asserted: the figures are for docs/benchmarks.md, by hand.
 */
class BenchmarkHarnessTest {

  @Test
  void uploadHarness_firstDeployUploadsEveryFileAndRedeploySendsThreeRequestsWithoutFileBytes()
      throws Exception {
    byte[][] contents = Arrays.copyOf(VercelUploadBenchmark.smallContents(), 20);
    long fileBytes = Arrays.stream(contents).mapToLong(c -> c.length).sum();
    try (VercelUploadBenchmark.JavaStub stub = VercelUploadBenchmark.JavaStub.start();
        DeploymentOrchestrator orchestrator = DeploymentOrchestrator.builder()
            .discoverPlatforms(false)
            .platform(VercelPlatform.create())
            .token("bench", "vercel", "bench-token-not-secret")
            .setting("vercel.apiUrl", stub.url())
            .pollInterval(Duration.ofMillis(20), Duration.ofMillis(50))
            .build()) {
      long[] first = VercelUploadBenchmark.deploy(orchestrator, stub, contents, "harness-app");
      long[] again = VercelUploadBenchmark.deploy(orchestrator, stub, contents, "harness-app");

      // {wall, upload phase, requests, body bytes, files uploaded, CPU}
      assertThat(first[4]).isEqualTo(20);
      // project, create-deployment twice, 20 uploads, status, events (a retried upload may add one)
      assertThat(first[2]).isBetween(25L, 26L);
      assertThat(first[3]).isGreaterThan(fileBytes);
      assertThat(again[4]).isZero();
      assertThat(again[2]).isEqualTo(3);
      assertThat(again[3]).as("only the manifest is sent").isLessThan(fileBytes);
    }
  }

  @Test
  void inFlightHarness_runsEveryDeploymentToSuccessAndCountsItsLogLines() throws Exception {
    InFlightBenchmark.Result r = InFlightBenchmark.run(20, Duration.ofMillis(200),
        Duration.ofMillis(20), Duration.ofMillis(50));

    assertThat(r.succeeded()).isEqualTo(20);
    // every line of the in-memory platform's default build log reached the listeners
    assertThat(r.logLines()).isEqualTo(20L * InMemoryPlatform.DEFAULT_BUILD_LOGS.size());
    assertThat(r.libraryThreads()).containsKey("deploykit-scheduler-N");
  }
}
