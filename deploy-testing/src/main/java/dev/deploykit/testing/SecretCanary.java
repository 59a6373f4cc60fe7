package dev.deploykit.testing;

import dev.deploykit.core.Deployment;
import dev.deploykit.core.DeploymentOrchestrator;
import dev.deploykit.core.ProgressListener;
import dev.deploykit.core.ProgressUpdate;
import dev.deploykit.core.ServerSentEvents;
import dev.deploykit.env.EnvironmentVariable;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * One test's secret canary: a unique string to put in tokens and sensitive values, and a record of
 * every text the test showed it (messages, stack traces, {@code toString()}s, progress updates, SSE
 * frames, files). {@link SecretCanaryExtension} creates one per test, passes it as a parameter, and
 * fails the test if the canary appears in anything scanned, or in what the test printed or logged.
 *
 * <pre>{@code
 * @ExtendWith(SecretCanaryExtension.class)
 * class MyDeployTest {
 *   @Test
 *   void deploy(SecretCanary canary) {
 *     orchestrator = DeploymentOrchestrator.builder().token("u", "vercel", canary.token())...;
 *     Deployment d = orchestrator.deployAsync(config, "u", canary.listener()).join();
 *     canary.scanDeployment(orchestrator, d); // toString, error, plan, message, progress, SSE
 *   }
 * }
 * }</pre>
 *
 * <p>Thread-safe: scans may come from any thread (e.g. a listener on a tracker thread).
 */
public final class SecretCanary {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String canary;
  private final List<Finding> findings = new ArrayList<>();
  private final AtomicInteger scans = new AtomicInteger();
  private final ServerSentEvents sse = ServerSentEvents.create();

  SecretCanary() {
    byte[] bytes = new byte[6];
    RANDOM.nextBytes(bytes);
    this.canary = "Cnry" + HexFormat.of().formatHex(bytes) + "Leak";
  }

  /** Returns the canary: {@code Cnry}, 12 random hex digits, {@code Leak}; unique per test. */
  public String canary() {
    return canary;
  }

  /** Returns a token-shaped secret holding the canary, e.g. {@code tok_Cnry…Leak_0123456789}. */
  public String token() {
    return "tok_" + canary + "_0123456789";
  }

  /** Returns a database URL whose password is the canary, valid for deploy-env's validator. */
  public String databaseUrl() {
    return "postgresql://app:" + canary + "@db.example.com:5432/app";
  }

  /** Returns a sensitive variable {@code key} whose value is {@code prefix} then the canary. */
  public EnvironmentVariable sensitive(String key, String prefix) {
    return EnvironmentVariable.builder(key).value(prefix + canary).sensitive(true).build();
  }

  /**
   * Scans {@code value} and returns it: a {@link Throwable}'s whole stack trace (messages, causes,
   * suppressed), a {@link Path}'s file content, anything else's {@code toString()}.
   */
  public <T> T scan(String where, T value) {
    Objects.requireNonNull(where, "where");
    if (value instanceof Throwable t) {
      StringWriter w = new StringWriter();
      t.printStackTrace(new PrintWriter(w));
      scanText(where, w.toString());
    } else if (value instanceof Path p) {
      try {
        scanText(where + " (" + p.getFileName() + ")",
            Files.readString(p, StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read " + p + " to scan it", e);
      }
    } else {
      scanText(where, String.valueOf(value));
    }
    return value;
  }

  /** Scans {@code text}. */
  public void scanText(String where, @Nullable CharSequence text) {
    scans.incrementAndGet();
    if (text == null) {
      return;
    }
    String s = text.toString();
    int at = s.indexOf(canary);
    if (at >= 0) {
      synchronized (findings) {
        findings.add(new Finding(where, excerpt(s, at)));
      }
    }
  }

  /**
   * Scans what a user or operator can see of a deployment: its {@code toString()}, its error, the
   * recovery plan and user message for it, and every progress update of its history with its SSE
   * frame.
   */
  public void scanDeployment(DeploymentOrchestrator orchestrator, Deployment deployment) {
    scan("deployment", deployment);
    if (deployment.error() != null) {
      scan("deployment error", deployment.error());
      scan("recovery plan", orchestrator.recoveryPlan(deployment));
      scanText("user message",
          orchestrator.errorHandler().generateUserMessage(deployment.error(), deployment));
    }
    for (ProgressUpdate u : orchestrator.progress().history(deployment.id())) {
      scanUpdate(u);
    }
  }

  /** Returns a listener that scans each update it receives and its SSE frame. */
  public ProgressListener listener() {
    return this::scanUpdate;
  }

  private void scanUpdate(ProgressUpdate u) {
    scan("progress update", u);
    scanText("SSE frame", sse.frame(u));
  }

  /** Returns how many texts were scanned so far. */
  public int scans() {
    return scans.get();
  }

  /** Returns where the canary was found, with the canary masked in each excerpt. */
  public List<Finding> findings() {
    synchronized (findings) {
      return List.copyOf(findings);
    }
  }

  private String excerpt(String s, int at) {
    int from = Math.max(0, at - 60);
    int to = Math.min(s.length(), at + canary.length() + 60);
    return s.substring(from, to).replace(canary, "<CANARY>").replaceAll("\\s+", " ");
  }

  /** Never prints the canary itself. */
  @Override
  public String toString() {
    return "SecretCanary[scans=" + scans.get() + ", findings=" + findings().size() + "]";
  }

  /**
   * Where a canary was found.
   *
   * @param where what was scanned, e.g. {@code progress update} or {@code captured output}
   * @param excerpt the text around it, with the canary replaced by {@code <CANARY>}
   */
  public record Finding(String where, String excerpt) {
    /** Checks the arguments. */
    public Finding {
      Objects.requireNonNull(where, "where");
      Objects.requireNonNull(excerpt, "excerpt");
    }
  }
}
