package dev.deploykit.examples.bench;

import dev.deploykit.env.EnvironmentVariable;
import dev.deploykit.env.EnvironmentVariableValidator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Times {@link EnvironmentVariableValidator#validateAll} over the variables of a full scaffold (with
 * valid values), and the worst single {@code validate} call over adversarial values of 1 KiB, 64
 * KiB and 1 MiB (long runs, near-miss URLs and keys, separators that invite regex backtracking,
 * whitespace, non-ASCII) for every variable of that scaffold. A plain harness with warm-up rounds
 * (the issue allows it instead of JMH): each figure is a median over many calls after the JIT has
 * compiled the code, and the worst case is the slowest single call seen in the measured rounds.
 * {@link ValidationJmh} measures the same inputs ({@link ValidationInputs}) with JMH.
 *
 * <p>Run: {@code java -cp examples/target/deploykit.jar
 * dev.deploykit.examples.bench.ValidationBenchmark}.
 */
public final class ValidationBenchmark {
  private ValidationBenchmark() {}

  /** Runs the benchmark. */
  public static void main(String[] args) {
    EnvironmentVariableValidator validator = EnvironmentVariableValidator.create();
    List<EnvironmentVariable> filled = ValidationInputs.filledVariables();
    System.out.printf(Locale.ROOT, "%d cores, load average %s; full scaffold: %d variables %s%n",
        Runtime.getRuntime().availableProcessors(), VercelUploadBenchmark.loadAverage(),
        filled.size(), filled.stream().map(EnvironmentVariable::key).toList());

    // validateAll of the full scaffold
    int calls = 20_000;
    long[] t = new long[calls];
    Object sink = null;
    for (int round = 0; round < 2; round++) { // round 0 warms up
      for (int i = 0; i < calls; i++) {
        long s = System.nanoTime();
        sink = validator.validateAll(filled);
        t[i] = System.nanoTime() - s;
      }
    }
    Arrays.sort(t);
    long invalid = validator.validateAll(filled).values().stream().filter(r -> !r.isValid()).count();
    validator.getErrors(filled).forEach((k, e) -> System.out.println("  invalid sample " + k + ": " + e));
    System.out.printf(Locale.ROOT, "validateAll(%d variables): median %.1f us, p99 %.1f us, max %.1f"
            + " us over %d calls (%d of the values judged invalid)%n", filled.size(),
        t[calls / 2] / 1e3, t[calls * 99 / 100] / 1e3, t[calls - 1] / 1e3, calls, invalid);

    // adversarial values, each variable, three sizes
    Map<String, IntFunction<String>> makers = ValidationInputs.adversarial();
    int[] sizes = ValidationInputs.SIZES;
    long worst = 0;
    String worstWhat = "";
    List<Long> perCallMedians = new ArrayList<>();
    Map<String, Long> minPerInput = new LinkedHashMap<>();
    int total = 0;
    for (int round = 0; round < 7; round++) { // rounds 0 and 1 warm up
      for (int size : sizes) {
        for (Map.Entry<String, IntFunction<String>> m : makers.entrySet()) {
          String value = m.getValue().apply(size);
          for (EnvironmentVariable v : filled) {
            long s = System.nanoTime();
            sink = validator.validate(v, value);
            long d = System.nanoTime() - s;
            if (round >= 2) {
              total++;
              if (d > worst) {
                worst = d;
                worstWhat = v.key() + " (" + v.kind() + ") <- " + m.getKey() + ", "
                    + value.length() + " chars";
              }
              if (size == 1024 * 1024) {
                perCallMedians.add(d);
              }
              minPerInput.merge(v.key() + " (" + v.kind() + ") <- " + m.getKey() + ", "
                  + value.length() + " chars", d, Math::min);
            }
          }
        }
      }
    }
    perCallMedians.sort(null);
    Map.Entry<String, Long> worstInput = minPerInput.entrySet().stream()
        .max(Map.Entry.comparingByValue()).orElseThrow();
    System.out.printf(Locale.ROOT, "adversarial: %d calls measured (%d makers x %d variables x 3"
            + " sizes x 5 rounds); worst single call %.2f ms: %s; the costliest input (its fastest"
            + " of 5 calls, so without GC or scheduling noise) %.2f ms: %s; 1 MiB calls median"
            + " %.3f ms%n",
        total, makers.size(), filled.size(), worst / 1e6, worstWhat, worstInput.getValue() / 1e6,
        worstInput.getKey(), perCallMedians.get(perCallMedians.size() / 2) / 1e6);
    System.out.println("reproduce: java -cp examples/target/deploykit.jar "
        + ValidationBenchmark.class.getName() + (sink == null ? "" : ""));
  }
}
