package dev.deploykit.examples.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deploykit.core.Deployment;
import dev.deploykit.core.DeploymentConfig;
import dev.deploykit.core.DeploymentOrchestrator;
import dev.deploykit.core.DeploymentStatus;
import dev.deploykit.core.GeneratedFile;
import dev.deploykit.core.ProjectFiles;
import dev.deploykit.platform.vercel.VercelPlatform;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Whole processes, JVM start included: the time from launching {@code java} to the first {@code
 * deploy} call (orchestrator built, files read), the deploy itself (2,000 small files, first deploy,
 * against the Node.js Vercel stub) and the process's wall time, for several JVM flag sets; then the
 * command line ({@code java -jar examples/target/deploykit.jar deploy ...}) the same way.
 *
 * <p>Run (needs {@code node}, from the repository root): {@code java -cp
 * examples/target/deploykit.jar dev.deploykit.examples.bench.ColdStartBenchmark [rounds=5]}.
 */
public final class ColdStartBenchmark {
  private static final String CHILD = "--child";

  private ColdStartBenchmark() {}

  /** Runs the benchmark, or (with {@code --child}) one measured process. */
  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals(CHILD)) {
      child(args[1], Path.of(args[2]), Long.parseLong(args[3]));
      return;
    }
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    String jar = Path.of("examples/target/deploykit.jar").toAbsolutePath().toString();
    Path dir = Files.createTempDirectory("deploykit-cold");
    Path jsa = dir.resolveSibling(dir.getFileName() + ".jsa");
    Path tokenFile = dir.resolveSibling(dir.getFileName() + ".token");
    Files.writeString(tokenFile, "bench-token-not-secret\n");
    byte[][] contents = VercelUploadBenchmark.smallContents();
    for (int i = 0; i < contents.length; i++) {
      Files.write(dir.resolve(String.format(Locale.ROOT, "file-%05d.bin", i)), contents[i]);
    }
    System.out.printf(Locale.ROOT, "%d cores, load average %s; %d rounds per flag set%n",
        Runtime.getRuntime().availableProcessors(), VercelUploadBenchmark.loadAverage(), rounds);
    try (VercelUploadBenchmark.NodeStub stub =
             VercelUploadBenchmark.NodeStub.start(Path.of("examples/src/main/node"))) {
      // A class-data-sharing archive of what a deploy loads, made by one training run.
      stub.forget();
      run(List.of("java", "-XX:ArchiveClassesAtExit=" + jsa, "-cp", jar,
          ColdStartBenchmark.class.getName(), CHILD, stub.url(), dir.toString(), "0"));
      Map<String, List<String>> flagSets = new LinkedHashMap<>();
      flagSets.put("default", List.of());
      flagSets.put("-XX:TieredStopAtLevel=1", List.of("-XX:TieredStopAtLevel=1"));
      flagSets.put("AppCDS archive", List.of("-XX:SharedArchiveFile=" + jsa));
      flagSets.put("AppCDS + C1 only + SerialGC", List.of("-XX:SharedArchiveFile=" + jsa,
          "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
      for (Map.Entry<String, List<String>> e : flagSets.entrySet()) {
        List<double[]> runs = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
          stub.forget();
          List<String> cmd = new ArrayList<>(List.of("java"));
          cmd.addAll(e.getValue());
          long launched = System.currentTimeMillis();
          cmd.addAll(List.of("-cp", jar, ColdStartBenchmark.class.getName(), CHILD, stub.url(),
              dir.toString(), Long.toString(launched)));
          long t0 = System.nanoTime();
          JsonNode out = new ObjectMapper().readTree(run(cmd));
          double wall = (System.nanoTime() - t0) / 1e6;
          runs.add(new double[] {out.path("toFirstDeployMs").asDouble(),
              out.path("deployMs").asDouble(), wall});
        }
        print(e.getKey(), runs);
      }
      // The command line, as a user runs it: plain java -jar, with flags, and the launcher
      // script (examples/src/main/sh/deploykit: C1, serial GC, an AppCDS archive made on its
      // first run, which is not timed).
      Path cache = dir.resolveSibling(dir.getFileName() + ".cache");
      String launcher = Path.of("examples/src/main/sh/deploykit").toAbsolutePath().toString();
      Map<String, List<String>> clis = new LinkedHashMap<>();
      clis.put("java -jar deploykit.jar", List.of("java", "-jar", jar));
      clis.put("java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar deploykit.jar",
          List.of("java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", jar));
      clis.put("examples/src/main/sh/deploykit (launcher)", List.of("sh", launcher));
      for (Map.Entry<String, List<String>> e : clis.entrySet()) {
        List<Double> walls = new ArrayList<>();
        for (int r = -1; r < rounds; r++) { // round -1 makes the launcher's archive; not timed
          stub.forget();
          List<String> cmd = new ArrayList<>(e.getValue());
          cmd.addAll(List.of("deploy", "-p", "vercel", "-n", "cold-cli-" + r,
              "--dir", dir.toString(), "--set", "vercel.apiUrl=" + stub.url(), "--token-file",
              tokenFile.toString(), "--no-verify", "--plain"));
          ProcessBuilder pb = new ProcessBuilder(cmd);
          pb.environment().put("XDG_CACHE_HOME", cache.toString());
          pb.environment().put("DEPLOYKIT_JAR", jar);
          long t0 = System.nanoTime();
          run(pb);
          if (r >= 0) {
            walls.add((System.nanoTime() - t0) / 1e6);
          }
        }
        walls.sort(null);
        System.out.printf(Locale.ROOT, "%-62s deploy (2,000 files): wall median %.0f ms (min"
                + " %.0f, max %.0f)%n", e.getKey(), walls.get(walls.size() / 2), walls.get(0),
            walls.get(walls.size() - 1));
      }
      try (var s = Files.walk(cache)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    } finally {
      try (var s = Files.walk(dir)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
      Files.deleteIfExists(jsa);
      Files.deleteIfExists(tokenFile);
    }
    System.out.println("reproduce: java -cp examples/target/deploykit.jar "
        + ColdStartBenchmark.class.getName() + " " + rounds);
  }

  private static void print(String what, List<double[]> runs) {
    double[] first = runs.stream().mapToDouble(r -> r[0]).sorted().toArray();
    double[] deploy = runs.stream().mapToDouble(r -> r[1]).sorted().toArray();
    double[] wall = runs.stream().mapToDouble(r -> r[2]).sorted().toArray();
    System.out.printf(Locale.ROOT, "%-30s to first deploy call median %5.0f ms (min %5.0f, max"
            + " %5.0f); deploy median %5.0f ms (min %5.0f, max %5.0f); process wall median %5.0f"
            + " ms%n", what, first[first.length / 2], first[0], first[first.length - 1],
        deploy[deploy.length / 2], deploy[0], deploy[deploy.length - 1], wall[wall.length / 2]);
  }

  private static String run(List<String> cmd) throws IOException, InterruptedException {
    return run(new ProcessBuilder(cmd));
  }

  private static String run(ProcessBuilder pb) throws IOException, InterruptedException {
    Process p = pb.redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", pb.command()) + " failed: " + out);
    }
    return out;
  }

  /** One measured process: build the orchestrator, read the files, deploy once. */
  private static void child(String apiUrl, Path dir, long launchedAtMillis) throws Exception {
    try (DeploymentOrchestrator orchestrator = DeploymentOrchestrator.builder()
        .discoverPlatforms(false)
        .platform(VercelPlatform.create())
        .token("bench", "vercel", "bench-token-not-secret")
        .setting("vercel.apiUrl", apiUrl)
        .build()) {
      List<GeneratedFile> files = ProjectFiles.fromDirectory(dir);
      DeploymentConfig config = DeploymentConfig.builder("cold-" + System.nanoTime(), "vercel")
          .files(files).verifyUrl(false).build();
      long firstCall = System.currentTimeMillis();
      long t0 = System.nanoTime();
      Deployment d = orchestrator.deploy(config, "bench");
      long deploy = System.nanoTime() - t0;
      if (d.status() != DeploymentStatus.SUCCESS) {
        throw new IllegalStateException("deploy failed: " + d.error());
      }
      System.out.printf(Locale.ROOT, "{\"toFirstDeployMs\":%d,\"deployMs\":%.1f}%n",
          launchedAtMillis == 0 ? 0 : firstCall - launchedAtMillis, deploy / 1e6);
    }
  }
}
