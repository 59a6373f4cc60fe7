package dev.deploykit.examples.bench;

import dev.deploykit.core.DeploymentStatus;
import dev.deploykit.core.ProgressTracker;
import dev.deploykit.core.ProgressUpdate;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One deployment, {@code subscribers} listeners on the default {@link ProgressTracker} (its own
 * executor of two threads), {@code lines} build-log lines published one per update (as the
 * orchestrator does), then the terminal update. Run twice: with every listener quick, then with one
 * listener that blocks for a second on its first log line. Reports how long the quick listeners
 * took to see the terminal update after it was published (their delay), the lines they received,
 * and the peak heap (sampled every 5 ms).
 *
 * <p>Run: {@code java -Xmx1g -cp examples/target/deploykit.jar
 * dev.deploykit.examples.bench.FanOutBenchmark [subscribers=1000] [lines=100000]}.
 */
public final class FanOutBenchmark {
  private FanOutBenchmark() {}

  /** Runs the benchmark. */
  public static void main(String[] args) throws Exception {
    int subscribers = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
    int lines = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    System.out.printf(Locale.ROOT, "%d cores, load average %s%n",
        Runtime.getRuntime().availableProcessors(), VercelUploadBenchmark.loadAverage());
    run(Math.min(subscribers, 50), Math.min(lines, 5_000), false); // warm-up
    System.out.println(run(subscribers, lines, false));
    System.out.println(run(subscribers, lines, true));
    System.out.println("reproduce: java -Xmx1g -cp examples/target/deploykit.jar "
        + FanOutBenchmark.class.getName() + " " + subscribers + " " + lines);
  }

  static String run(int subscribers, int lines, boolean oneBlocks) throws Exception {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    System.gc();
    long heapBefore = memory.getHeapMemoryUsage().getUsed();
    AtomicLong peak = new AtomicLong();
    AtomicBoolean sampling = new AtomicBoolean(true);
    Thread sampler = new Thread(() -> {
      while (sampling.get()) {
        peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "bench-heap-sampler");
    sampler.setDaemon(true);
    sampler.start();

    String id = "dep-fanout";
    long[] terminalAt = new long[subscribers];
    long[] linesSeen = new long[subscribers];
    CountDownLatch quickDone = new CountDownLatch(oneBlocks ? subscribers - 1 : subscribers);
    CountDownLatch allDone = new CountDownLatch(subscribers);
    try (ProgressTracker tracker = ProgressTracker.create()) {
      tracker.update(id, DeploymentStatus.BUILDING, "Building");
      for (int s = 0; s < subscribers; s++) {
        int me = s;
        boolean blocker = oneBlocks && s == 0;
        boolean[] blocked = {false};
        tracker.subscribe(id, (ProgressUpdate u) -> {
          linesSeen[me] += u.logLines().size();
          if (blocker && !blocked[0] && !u.logLines().isEmpty()) {
            blocked[0] = true;
            try {
              Thread.sleep(1_000); // the listener under test blocks; the library must not care
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          if (u.status().isTerminal()) {
            terminalAt[me] = System.nanoTime();
            if (!blocker) {
              quickDone.countDown();
            }
            allDone.countDown();
          }
        });
      }
      long start = System.nanoTime();
      for (int i = 0; i < lines; i++) {
        tracker.updateLogs(id, List.of("line " + i + " of the build log"));
      }
      long published = System.nanoTime();
      tracker.complete(id, "https://app.example.com");
      long ended = System.nanoTime();
      if (!quickDone.await(10, TimeUnit.MINUTES)) {
        throw new IllegalStateException("the quick listeners did not finish");
      }
      long quickAllDone = System.nanoTime();
      allDone.await(10, TimeUnit.MINUTES);
      sampling.set(false);
      sampler.join();
      long[] delays = new long[oneBlocks ? subscribers - 1 : subscribers];
      long[] seen = new long[delays.length];
      for (int s = oneBlocks ? 1 : 0, k = 0; s < subscribers; s++, k++) {
        delays[k] = terminalAt[s] - ended;
        seen[k] = linesSeen[s];
      }
      Arrays.sort(delays);
      Arrays.sort(seen);
      return String.format(Locale.ROOT, "%s: %d subscribers, %d lines: publishing took %.0f ms;"
              + " quick listeners saw the terminal update %.0f ms (median) / %.0f ms (max) after it"
              + " was published (all quick ones done %.0f ms after the first line);"
              + " lines received per quick listener min %d median %d%s;"
              + " peak heap %.1f MiB (%.1f MiB before)",
          oneBlocks ? "one listener blocks 1 s" : "all listeners quick", subscribers, lines,
          (published - start) / 1e6, delays[delays.length / 2] / 1e6,
          delays[delays.length - 1] / 1e6, (quickAllDone - start) / 1e6, seen[0],
          seen[seen.length / 2], oneBlocks ? "; the blocking one received " + linesSeen[0] : "",
          peak.get() / 1048576.0, heapBefore / 1048576.0);
    }
  }
}
