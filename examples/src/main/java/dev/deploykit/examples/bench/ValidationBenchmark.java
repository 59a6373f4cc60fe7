package dev.deploykit.examples.bench;

import dev.deploykit.env.EnvironmentVariable;
import dev.deploykit.env.EnvironmentVariableDetector;
import dev.deploykit.env.EnvironmentVariableValidator;
import dev.deploykit.env.ScaffoldConfig;
import dev.deploykit.env.SecretGenerator;
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
 *
 * <p>Run: {@code java -cp examples/target/deploykit.jar
 * dev.deploykit.examples.bench.ValidationBenchmark}.
 */
public final class ValidationBenchmark {
  private ValidationBenchmark() {}

  /** The scaffold with every feature group the detector knows. */
  static ScaffoldConfig fullScaffold() {
    return ScaffoldConfig.builder()
        .database("prisma-postgres")
        .auth("nextauth")
        .oauthProvider("github")
        .oauthProvider("google")
        .aiTemplate("chatbot")
        .aiProvider("bedrock")
        .service("redis")
        .build();
  }

  /** Values shaped like real ones (not real), for the variables of {@link #fullScaffold()}. */
  static Map<String, String> sampleValues() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("DATABASE_URL", "postgresql://app_user:Xk29fLq8Zr@db.internal.example.com:5432/app");
    m.put("NEXTAUTH_URL", "https://app.example.com");
    m.put("GITHUB_CLIENT_ID", "Iv1.8a61f9b3a7aba766");
    m.put("GITHUB_CLIENT_SECRET", "1f8a9c3e5b7d2a4c6e8f0b1d3f5a7c9e2b4d6f8a");
    m.put("GOOGLE_CLIENT_ID",
        "431298765012-k3j4h5g6f7d8s9a0q1w2e3r4t5y6u7i8.apps.googleusercontent.com");
    m.put("GOOGLE_CLIENT_SECRET", "GOCSPX-Rk7Tq2Lm9Xv4Bn6Zc8Wd1Fh3Js5");
    m.put("AWS_ACCESS_KEY_ID", "AKIA4R7TQ2LM9XV4BN6Z");
    m.put("AWS_SECRET_ACCESS_KEY", "Rk7Tq2Lm9Xv4Bn6Zc8Wd1Fh3Js5Gp0Ny2Mb4Vc6X");
    m.put("AWS_REGION", "us-east-1");
    m.put("REDIS_URL", "redis://default:Xk29fLq8Zr@cache.internal.example.com:6379");
    m.put("NEXT_PUBLIC_APP_URL", "https://app.example.com");
    return m;
  }

  /** Adversarial value makers, by name: each returns a value of about {@code n} characters. */
  static Map<String, IntFunction<String>> adversarial() {
    Map<String, IntFunction<String>> m = new LinkedHashMap<>();
    m.put("run of 'a'", n -> "a".repeat(n));
    m.put("run of 'a' then '!'", n -> "a".repeat(n - 1) + "!");
    m.put("postgres user:pass repeated", n -> "postgresql://" + "a:".repeat(n / 2) + "@");
    m.put("postgres @ repeated", n -> "postgresql://u:p" + "@a".repeat(n / 2) + "/db");
    m.put("https dots", n -> "https://" + "a.".repeat(n / 2));
    m.put("https hyphens", n -> "https://" + "a-".repeat(n / 2) + ".com");
    m.put("mongodb hosts", n -> "mongodb://" + "h:1,".repeat(n / 4) + "/db");
    m.put("redis colons", n -> "redis://" + ":".repeat(n) + "@h");
    m.put("ipv6 brackets", n -> "https://[" + ":".repeat(n) + "]");
    m.put("percent signs", n -> "https://h/" + "%".repeat(n));
    m.put("jwt-ish", n -> "eyJhbGciOiJIUzI1NiJ9." + "A".repeat(n) + ".");
    m.put("jwt dots", n -> "eyJ" + ".eyJ".repeat(n / 4));
    m.put("sk- hyphens", n -> "sk-" + "-".repeat(n));
    m.put("sk-ant- then space", n -> "sk-ant-api03-" + "A".repeat(n) + " ");
    m.put("whitespace", n -> " \t".repeat(n / 2) + "x");
    m.put("non-ASCII", n -> "é".repeat(n / 2));
    m.put("placeholders", n -> "${".repeat(n / 2));
    m.put("angle placeholders", n -> "<".repeat(n / 2) + "your-key" + ">".repeat(n / 2));
    m.put("newlines", n -> "a\n".repeat(n / 2));
    return m;
  }

  /** Runs the benchmark. */
  public static void main(String[] args) {
    EnvironmentVariableValidator validator = EnvironmentVariableValidator.create();
    List<EnvironmentVariable> detected = EnvironmentVariableDetector.create().detect(fullScaffold());
    List<EnvironmentVariable> filled = new ArrayList<>();
    Map<String, String> values = sampleValues();
    for (EnvironmentVariable v : detected) {
      filled.add(values.containsKey(v.key()) ? v.withValue(values.get(v.key())) : v);
    }
    filled = SecretGenerator.create().fillGeneratable(filled);
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
    Map<String, IntFunction<String>> makers = adversarial();
    int[] sizes = {1024, 64 * 1024, 1024 * 1024};
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
