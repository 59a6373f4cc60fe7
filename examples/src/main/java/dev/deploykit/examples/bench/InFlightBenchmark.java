package dev.deploykit.examples.bench;

import dev.deploykit.core.Deployment;
import dev.deploykit.core.DeploymentConfig;
import dev.deploykit.core.DeploymentOrchestrator;
import dev.deploykit.core.DeploymentStatus;
import dev.deploykit.core.GeneratedFile;
import dev.deploykit.testing.InMemoryPlatform;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Starts N deployments at once on the in-memory platform (each build lasting a few seconds, polled
 * on the orchestrator's schedule, its log lines streamed to the progress tracker) and reports the
 * JVM's peak live threads, the threads the library created (by name), the heap per deployment in
 * flight, and how many ended SUCCESS.
 *
 * <p>Run one count per JVM so that heap figures do not mix: {@code java -Xmx2g -cp
 * examples/target/deploykit.jar dev.deploykit.examples.bench.InFlightBenchmark 10000 [buildSeconds]}.
 * Not a test: the figures depend on the machine.
 */
public final class InFlightBenchmark {
  private InFlightBenchmark() {}

  /** Runs the benchmark with the count given (default 1,000) and a build of 5 s (or as given). */
  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
    Duration build = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 5);
    // Warm-up: loads the classes and fills the one-time caches, so the heap figure is per deployment.
    run(50, Duration.ofMillis(200), Duration.ofMillis(50), Duration.ofMillis(100));
    Result r = run(count, build, Duration.ofSeconds(1), Duration.ofSeconds(5));
    System.out.println(r.report());
    System.out.println("reproduce: java -Xmx2g -cp examples/target/deploykit.jar "
        + InFlightBenchmark.class.getName() + " " + count + " " + build.toSeconds());
  }

  /** What one run measured. */
  record Result(int count, int succeeded, int peakThreads, int baselineThreads,
      Map<String, Integer> libraryThreads, long heapBefore, long heapInFlight, int inFlightAtSample,
      long fileBytes, long logLines, long wallMillis) {
    long heapPerDeployment() {
      return inFlightAtSample == 0 ? 0 : (heapInFlight - heapBefore) / inFlightAtSample;
    }

    String report() {
      int libraryTotal = libraryThreads.values().stream().mapToInt(Integer::intValue).sum();
      return String.format(Locale.ROOT, "deployments %d: SUCCESS %d; wall %d ms; peak live threads"
              + " %d (before the orchestrator: %d); threads the library created %d %s;"
              + " heap before %.1f MiB, with %d in flight %.1f MiB = %.2f KiB per deployment"
              + " (its files: %d bytes); log lines delivered %d",
          count, succeeded, wallMillis, peakThreads, baselineThreads, libraryTotal, libraryThreads,
          heapBefore / 1048576.0, inFlightAtSample, heapInFlight / 1048576.0,
          heapPerDeployment() / 1024.0, fileBytes, logLines);
    }
  }

  /** Runs {@code count} deployments at once; returns what was measured. */
  static Result run(int count, Duration build, Duration pollInitial, Duration pollMax)
      throws Exception {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    byte[] index = "<!doctype html><title>app</title><h1>Hello</h1>\n"
        .getBytes(StandardCharsets.UTF_8);
    byte[] pkg = "{\"name\":\"app\",\"private\":true}\n".getBytes(StandardCharsets.UTF_8);
    InMemoryPlatform memoryPlatform = InMemoryPlatform.builder().buildDuration(build).build();
    long heapBefore = usedHeapAfterGc(memory);
    int baselineThreads = threads.getThreadCount();
    threads.resetPeakThreadCount();
    AtomicLong logLines = new AtomicLong();
    long start = System.nanoTime();
    List<CompletableFuture<Deployment>> futures = new ArrayList<>(count);
    long heapInFlight;
    int inFlight;
    Map<String, Integer> libraryThreads;
    try (DeploymentOrchestrator orchestrator = DeploymentOrchestrator.builder()
        .discoverPlatforms(false)
        .platform(memoryPlatform)
        .token("bench", InMemoryPlatform.ID, "bench-token-not-secret")
        .pollInterval(pollInitial, pollMax)
        .deploymentTimeout(Duration.ofMinutes(10))
        .build()) {
      for (int i = 0; i < count; i++) {
        // Each deployment has its own files (as real ones do); their bytes are reported apart.
        List<GeneratedFile> files = List.of(GeneratedFile.of("index.html", index, 0644),
            GeneratedFile.of("package.json", pkg, 0644));
        DeploymentConfig config = DeploymentConfig.builder("app-" + i, InMemoryPlatform.ID)
            .files(files).verifyUrl(false).build();
        futures.add(orchestrator.deployAsync(config, "bench", u -> {
          if (!u.logLines().isEmpty()) {
            logLines.addAndGet(u.logLines().size());
          }
        }));
      }
      // Sample the heap when the most deployments are building at once.
      int best = -1;
      long deadline = System.nanoTime() + build.toNanos() + TimeUnit.SECONDS.toNanos(120);
      while (System.nanoTime() < deadline) {
        int building = (int) orchestrator.running().stream()
            .filter(d -> d.status() == DeploymentStatus.BUILDING).count();
        if (building < best || building == count) {
          break;
        }
        best = building;
        Thread.sleep(100); // the benchmark's own sampling, not the library's
      }
      inFlight = orchestrator.running().size();
      heapInFlight = usedHeapAfterGc(memory);
      libraryThreads = libraryThreads();
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
    }
    long wall = (System.nanoTime() - start) / 1_000_000;
    int ok = (int) futures.stream().filter(f -> f.join().status() == DeploymentStatus.SUCCESS)
        .count();
    return new Result(count, ok, threads.getPeakThreadCount(), baselineThreads, libraryThreads,
        heapBefore, heapInFlight, inFlight, (long) (index.length + pkg.length),
        logLines.get(), wall);
  }

  /** Live threads that are not the JVM's own, counted by name with digits dropped. */
  static Map<String, Integer> libraryThreads() {
    Map<String, Integer> byName = new TreeMap<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      String name = t.getName();
      if (name.equals("main") || name.equals("Reference Handler") || name.equals("Finalizer")
          || name.equals("Signal Dispatcher") || name.equals("Common-Cleaner")
          || name.equals("Notification Thread") || name.equals("Attach Listener")) {
        continue;
      }
      byName.merge(name.replaceAll("\\d+", "N"), 1, Integer::sum);
    }
    return byName;
  }

  static long usedHeapAfterGc(MemoryMXBean memory) throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(50);
    }
    return memory.getHeapMemoryUsage().getUsed();
  }
}
