package dev.deploykit.examples.bench;

import dev.deploykit.core.Deployment;
import dev.deploykit.core.DeploymentConfig;
import dev.deploykit.core.DeploymentOrchestrator;
import dev.deploykit.core.DeploymentStatus;
import dev.deploykit.core.GeneratedFile;
import dev.deploykit.platform.vercel.VercelPlatform;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Deploys 200 small files to the Node.js Vercel stub with the orchestrator's default settings, with
 * no rate limit, then with the stub answering one request with 429 and {@code Retry-After: 1}:
 * during the upload ({@code POST /v2/files}) and during status polling ({@code GET
 * /v13/deployments/}), and on eight uploads in a row (every upload in flight). Reports what the 429 added to the deployment's wall time (median of the
 * rounds) and that every deployment ended SUCCESS.
 *
 * <p>Run (needs {@code node}): {@code java -cp examples/target/deploykit.jar
 * dev.deploykit.examples.bench.RateLimitBenchmark [rounds=5]}.
 */
public final class RateLimitBenchmark {
  private RateLimitBenchmark() {}

  /** Runs the benchmark. */
  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    byte[][] all = VercelUploadBenchmark.smallContents();
    byte[][] contents = Arrays.copyOf(all, 200);
    System.out.printf(Locale.ROOT, "%d cores, load average %s; 200 files, %d rounds after 1"
            + " warm-up; orchestrator defaults (poll 1 s growing to 5 s)%n",
        Runtime.getRuntime().availableProcessors(), VercelUploadBenchmark.loadAverage(), rounds);
    try (VercelUploadBenchmark.NodeStub stub =
            VercelUploadBenchmark.NodeStub.start(Path.of("examples/src/main/node"));
        DeploymentOrchestrator orchestrator = DeploymentOrchestrator.builder()
            .discoverPlatforms(false)
            .platform(VercelPlatform.create())
            .token("bench", "vercel", "bench-token-not-secret")
            .setting("vercel.apiUrl", stub.url())
            .build()) {
      // "/v2/files x8": every upload in flight (8) is refused once, as a real limit would.
      String[] cases = {"none", "/v2/files", "/v13/deployments/", "/v2/files x8"};
      List<List<Long>> walls = new ArrayList<>();
      for (String c : cases) {
        walls.add(new ArrayList<>());
      }
      int failed = 0;
      int deploys = 0;
      for (int round = 0; round <= rounds; round++) {
        for (int c = 0; c < cases.length; c++) {
          stub.forget(); // every round uploads all files again
          if (!cases[c].equals("none")) {
            String[] pathAndCount = cases[c].split(" x");
            stub.rateLimit(pathAndCount[0],
                pathAndCount.length > 1 ? Integer.parseInt(pathAndCount[1]) : 1);
          }
          List<GeneratedFile> files = VercelUploadBenchmark.files(contents);
          long start = System.nanoTime();
          Deployment d = orchestrator.deploy(DeploymentConfig.builder("rl-" + c + "-" + round,
              "vercel").files(files).verifyUrl(false).build(), "bench");
          long wall = System.nanoTime() - start;
          deploys++;
          if (d.status() != DeploymentStatus.SUCCESS) {
            failed++;
            System.out.println("FAILED (" + cases[c] + "): " + d.error());
          }
          if (round > 0) {
            walls.get(c).add(wall);
          }
        }
      }
      long base = VercelUploadBenchmark.median(walls.get(0));
      System.out.printf(Locale.ROOT, "no 429: wall median %.0f ms%n", base / 1e6);
      for (int c = 1; c < cases.length; c++) {
        long m = VercelUploadBenchmark.median(walls.get(c));
        long worst = walls.get(c).stream().mapToLong(Long::longValue).max().orElse(0);
        System.out.printf(Locale.ROOT, "429 (Retry-After: 1) on %-18s wall median %.0f ms,"
                + " added %.0f ms (worst round %.0f ms)%n", cases[c], m / 1e6, (m - base) / 1e6,
            (worst - base) / 1e6);
      }
      System.out.printf(Locale.ROOT, "deployments %d, failed %d%n", deploys, failed);
    }
    System.out.println("reproduce: java -cp examples/target/deploykit.jar "
        + RateLimitBenchmark.class.getName() + " " + rounds);
  }
}
