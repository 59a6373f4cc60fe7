package dev.deploykit.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * A JUnit Jupiter extension that fails any test that lets a secret show: it gives each test a
 * fresh {@link SecretCanary} (as a test method parameter) to put in tokens and sensitive values,
 * and after the test fails it if the canary appears in:
 *
 * <ul>
 *   <li>everything the test {@linkplain SecretCanary#scan scanned}: exception messages and stack
 *       traces, {@code toString()} of public objects, progress updates and their SSE frames
 *       ({@link SecretCanary#listener()}, {@link SecretCanary#scanDeployment}), files such as a
 *       generated {@code .env.example};
 *   <li>whatever was written to {@code System.out} and {@code System.err} while the test ran, from
 *       any thread: SLF4J output when the backend writes there (slf4j-simple does by default);
 *   <li>what was appended, while the test ran, to the log files given to {@link #withLogFile(Path)}
 *       (for a backend configured to write to a file);
 *   <li>an exception the test itself throws.
 * </ul>
 *
 * <p>Use {@code @ExtendWith(SecretCanaryExtension.class)} for the defaults, or {@code
 * @RegisterExtension static SecretCanaryExtension canary =
 * SecretCanaryExtension.create().withLogFile(Path.of("target/test-logs.txt"));}. The failure names
 * where the canary was found with an excerpt in which the canary is masked. For the canary to be
 * found in logs, log at DEBUG in tests.
 *
 * <p>Thread-safety: tests using it must not run in parallel with each other (the extension swaps
 * {@code System.out} and {@code System.err} for the duration of each test). An instance is
 * immutable; {@link #withLogFile(Path)} returns a new one.
 */
public final class SecretCanaryExtension implements BeforeEachCallback, AfterEachCallback,
    ParameterResolver, TestExecutionExceptionHandler {
  private static final Namespace NAMESPACE = Namespace.create(SecretCanaryExtension.class);
  private static final AtomicLong TOTAL_SCANS = new AtomicLong();
  private static final AtomicLong TOTAL_TESTS = new AtomicLong();

  private final List<Path> logFiles;

  /** Creates the extension that captures {@code System.out}/{@code System.err} only. */
  public SecretCanaryExtension() {
    this(List.of());
  }

  private SecretCanaryExtension(List<Path> logFiles) {
    this.logFiles = List.copyOf(logFiles);
  }

  /** Returns the extension that captures {@code System.out}/{@code System.err} only. */
  public static SecretCanaryExtension create() {
    return new SecretCanaryExtension();
  }

  /** Returns an extension that also scans what each test appends to {@code logFile}. */
  public SecretCanaryExtension withLogFile(Path logFile) {
    List<Path> files = new ArrayList<>(logFiles);
    files.add(Objects.requireNonNull(logFile, "logFile"));
    return new SecretCanaryExtension(files);
  }

  /** Returns how many texts every test in this JVM scanned, captured output included. */
  public static long totalScans() {
    return TOTAL_SCANS.get();
  }

  /** Returns how many tests in this JVM ran with a canary. */
  public static long totalTests() {
    return TOTAL_TESTS.get();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    State state = new State(new SecretCanary(), System.out, System.err);
    for (Path p : logFiles) {
      state.logOffsets.add(size(p));
    }
    System.setOut(new PrintStream(new Tee(state.out, state.captured), true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(new Tee(state.err, state.captured), true, StandardCharsets.UTF_8));
    context.getStore(NAMESPACE).put(State.class, state);
  }

  @Override
  public void afterEach(ExtensionContext context) throws IOException {
    State state = context.getStore(NAMESPACE).remove(State.class, State.class);
    if (state == null) {
      return;
    }
    System.out.flush();
    System.err.flush();
    System.setOut(state.out);
    System.setErr(state.err);
    SecretCanary canary = state.canary;
    String captured;
    synchronized (state.captured) {
      captured = state.captured.toString(StandardCharsets.UTF_8);
    }
    canary.scanText("captured System.out/System.err", captured);
    for (int i = 0; i < logFiles.size(); i++) {
      canary.scanText("log file " + logFiles.get(i), readFrom(logFiles.get(i),
          state.logOffsets.get(i)));
    }
    TOTAL_SCANS.addAndGet(canary.scans());
    TOTAL_TESTS.incrementAndGet();
    List<SecretCanary.Finding> findings = canary.findings();
    if (!findings.isEmpty()) {
      StringBuilder sb = new StringBuilder("The secret canary leaked in ")
          .append(findings.size()).append(" place(s):");
      for (SecretCanary.Finding f : findings) {
        sb.append("\n  ").append(f.where()).append(": ...").append(f.excerpt()).append("...");
      }
      throw new AssertionError(sb.toString());
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == SecretCanary.class;
  }

  @Override
  public SecretCanary resolveParameter(ParameterContext parameter, ExtensionContext context) {
    State state = context.getStore(NAMESPACE).get(State.class, State.class);
    if (state == null) {
      throw new org.junit.jupiter.api.extension.ParameterResolutionException(
          "A SecretCanary is only available to test methods (not constructors or lifecycle"
              + " methods other than @BeforeEach)");
    }
    return state.canary;
  }

  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable throwable)
      throws Throwable {
    State state = context.getStore(NAMESPACE).get(State.class, State.class);
    if (state != null) {
      state.canary.scan("exception thrown by the test", throwable);
    }
    throw throwable;
  }

  private static long size(Path p) {
    try {
      return Files.exists(p) ? Files.size(p) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  private static String readFrom(Path p, long offset) throws IOException {
    if (!Files.exists(p)) {
      return "";
    }
    try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "r")) {
      long length = f.length();
      long from = length < offset ? 0 : offset; // the file was truncated: read it all
      byte[] bytes = new byte[(int) Math.min(Integer.MAX_VALUE - 8, length - from)];
      f.seek(from);
      f.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  private static final class State {
    final SecretCanary canary;
    final PrintStream out;
    final PrintStream err;
    final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    final List<Long> logOffsets = new ArrayList<>();

    State(SecretCanary canary, PrintStream out, PrintStream err) {
      this.canary = canary;
      this.out = out;
      this.err = err;
    }
  }

  /** Writes to the original stream and to the capture. */
  private static final class Tee extends OutputStream {
    private final OutputStream original;
    private final ByteArrayOutputStream capture;

    Tee(OutputStream original, ByteArrayOutputStream capture) {
      this.original = original;
      this.capture = capture;
    }

    @Override
    public void write(int b) throws IOException {
      synchronized (capture) {
        capture.write(b);
      }
      original.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      synchronized (capture) {
        capture.write(b, off, len);
      }
      original.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
      original.flush();
    }
  }
}
