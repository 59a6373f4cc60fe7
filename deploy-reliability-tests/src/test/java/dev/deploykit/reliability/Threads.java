package dev.deploykit.reliability;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Live threads, without those the JVM, the build, WireMock's Jetty and the suite's own shared HTTP
 * client own; what is left after a deployment ended and its orchestrator closed is a leak.
 */
final class Threads {
  private static final List<Pattern> KNOWN = List.of(
      // the JVM and the test runner
      Pattern.compile("main|Reference Handler|Finalizer|Signal Dispatcher|Common-Cleaner"
          + "|Attach Listener|Notification Thread|process reaper|surefire-.*|Keep-Alive-.*"
          + "|ForkJoinPool.commonPool-worker-\\d+|JFR .*|C[12] CompilerThread\\d+|Sweeper thread"
          + "|Service Thread|Monitor Ctrl-Break|junit-.*|awaitility.*"),
      // WireMock and Jetty
      Pattern.compile("qtp\\d+-\\d+.*|WireMock.*|Jetty.*|(Connector-)?Scheduler-.*|Timer-\\d+"
          + "|pool-\\d+-thread-\\d+ \\(wiremock\\)"),
      // the suite's shared HTTP client and its executor
      Pattern.compile("HttpClient-\\d+-SelectorManager|reliability-http-\\d+"));

  private Threads() {}

  static Set<String> live() {
    Set<String> names = new TreeSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive() && KNOWN.stream().noneMatch(p -> p.matcher(t.getName()).matches())) {
        names.add(t.getName() + "#" + t.getId());
      }
    }
    return names;
  }

  /** Waits (at most 3 s) until no thread is alive that was not alive {@code before}. */
  static void assertNoneLeft(Set<String> before, String cell) {
    try {
      await("threads of " + cell + " to end").atMost(Duration.ofSeconds(3)).pollInSameThread()
          .pollInterval(Duration.ofMillis(20))
          .until(() -> newSince(before).isEmpty());
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(cell + " left threads running: " + newSince(before));
    }
  }

  /** The new threads, for a failure message. */
  static Set<String> newSince(Set<String> before) {
    Set<String> now = live();
    now.removeAll(before);
    return now;
  }
}
