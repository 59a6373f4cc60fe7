package dev.deploykit.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deploykit.core.DeploymentOrchestrator;
import dev.deploykit.platform.vercel.VercelPlatform;
import dev.deploykit.testing.InMemoryPlatform;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Param;

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

  @Test
  void validationJmh_isListedForJmhMainAndItsParametersAreTheHarnessInputs() throws Exception {
    // the annotation processor ran on the main sources: org.openjdk.jmh.Main finds both benchmarks
    String list;
    try (InputStream in = ValidationJmh.class.getResourceAsStream("/META-INF/BenchmarkList")) {
      assertThat(in).as("META-INF/BenchmarkList generated").isNotNull();
      list = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(list).contains(ValidationJmh.class.getName(), "validateAll", "adversarialValidate",
        "AverageTime", "SampleTime");

    String[] sizes = ValidationJmh.Adversarial.class.getField("size").getAnnotation(Param.class)
        .value();
    assertThat(Arrays.stream(sizes).mapToInt(Integer::parseInt).toArray())
        .containsExactly(ValidationInputs.SIZES);

    ValidationJmh.Scaffold scaffold = new ValidationJmh.Scaffold();
    scaffold.setUp(); // throws unless the 12 variables are all valid
    assertThat(new ValidationJmh().validateAll(scaffold)).hasSize(12)
        .allSatisfy((k, r) -> assertThat(r.isValid()).as(k).isTrue());
  }

  @Test
  void validationJmh_adversarialCallsCycleThroughEveryShapeAndVariableOnce() {
    ValidationJmh.Adversarial a = new ValidationJmh.Adversarial();
    a.size = 1024;
    a.shape = "ALL";
    a.setUp();
    assertThat(a.values).hasSize(ValidationInputs.Shape.values().length).hasSize(19);
    assertThat(a.variables).hasSize(12);

    Set<String> pairs = new HashSet<>();
    for (int i = 0; i < 19 * 12; i++) {
      pairs.add(a.variables[a.nextVariable].key() + " <- " + a.nextValue);
      new ValidationJmh().adversarialValidate(a);
    }
    assertThat(pairs).hasSize(19 * 12);
    assertThat(a.nextVariable).isZero(); // wrapped around to the first pair
    assertThat(a.nextValue).isZero();

    a.shape = "WHITESPACE";
    a.setUp();
    assertThat(a.values).containsExactly(ValidationInputs.Shape.WHITESPACE.make(1024));
    a.shape = "NO_SUCH_SHAPE";
    assertThatThrownBy(a::setUp).hasMessageContaining("unknown shape 'NO_SUCH_SHAPE'")
        .hasMessageContaining("WHITESPACE");
  }
}
