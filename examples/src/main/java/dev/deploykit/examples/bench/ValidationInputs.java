package dev.deploykit.examples.bench;

import dev.deploykit.env.EnvironmentVariable;
import dev.deploykit.env.EnvironmentVariableDetector;
import dev.deploykit.env.ScaffoldConfig;
import dev.deploykit.env.SecretGenerator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The inputs of the validation benchmarks, shared by the plain harness {@link ValidationBenchmark}
 * and the JMH benchmark {@link ValidationJmh} so that both measure the same thing: the variables
 * of a full scaffold with valid values, and 19 adversarial value shapes.
 */
final class ValidationInputs {
  private ValidationInputs() {}

  /** The adversarial sizes, in characters: 1 KiB, 64 KiB and 1 MiB. */
  static final int[] SIZES = {1024, 64 * 1024, 1024 * 1024};

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

  /**
   * The 12 variables the detector finds for {@link #fullScaffold()}, filled with
   * {@link #sampleValues()} and, for the generatable secrets ({@code NEXTAUTH_SECRET}), with a
   * generated value.
   */
  static List<EnvironmentVariable> filledVariables() {
    List<EnvironmentVariable> detected = EnvironmentVariableDetector.create().detect(fullScaffold());
    List<EnvironmentVariable> filled = new ArrayList<>();
    Map<String, String> values = sampleValues();
    for (EnvironmentVariable v : detected) {
      filled.add(values.containsKey(v.key()) ? v.withValue(values.get(v.key())) : v);
    }
    return SecretGenerator.create().fillGeneratable(filled);
  }

  /**
   * The adversarial value shapes: each makes a value of about {@code n} characters (long runs,
   * near-miss URLs and keys, separators that invite regex backtracking, whitespace, non-ASCII).
   * The constant names are the values of {@code shape} parameter of {@link ValidationJmh}.
   */
  enum Shape {
    A_RUN("run of 'a'", n -> "a".repeat(n)),
    A_RUN_BANG("run of 'a' then '!'", n -> "a".repeat(n - 1) + "!"),
    POSTGRES_USER_PASS("postgres user:pass repeated",
        n -> "postgresql://" + "a:".repeat(n / 2) + "@"),
    POSTGRES_AT("postgres @ repeated", n -> "postgresql://u:p" + "@a".repeat(n / 2) + "/db"),
    HTTPS_DOTS("https dots", n -> "https://" + "a.".repeat(n / 2)),
    HTTPS_HYPHENS("https hyphens", n -> "https://" + "a-".repeat(n / 2) + ".com"),
    MONGODB_HOSTS("mongodb hosts", n -> "mongodb://" + "h:1,".repeat(n / 4) + "/db"),
    REDIS_COLONS("redis colons", n -> "redis://" + ":".repeat(n) + "@h"),
    IPV6_BRACKETS("ipv6 brackets", n -> "https://[" + ":".repeat(n) + "]"),
    PERCENT_SIGNS("percent signs", n -> "https://h/" + "%".repeat(n)),
    JWT_ISH("jwt-ish", n -> "eyJhbGciOiJIUzI1NiJ9." + "A".repeat(n) + "."),
    JWT_DOTS("jwt dots", n -> "eyJ" + ".eyJ".repeat(n / 4)),
    SK_HYPHENS("sk- hyphens", n -> "sk-" + "-".repeat(n)),
    SK_ANT_SPACE("sk-ant- then space", n -> "sk-ant-api03-" + "A".repeat(n) + " "),
    WHITESPACE("whitespace", n -> " \t".repeat(n / 2) + "x"),
    NON_ASCII("non-ASCII", n -> "é".repeat(n / 2)),
    PLACEHOLDERS("placeholders", n -> "${".repeat(n / 2)),
    ANGLE_PLACEHOLDERS("angle placeholders",
        n -> "<".repeat(n / 2) + "your-key" + ">".repeat(n / 2)),
    NEWLINES("newlines", n -> "a\n".repeat(n / 2));

    private final String description;
    private final IntFunction<String> maker;

    Shape(String description, IntFunction<String> maker) {
      this.description = description;
      this.maker = maker;
    }

    /** A few words saying what the value looks like. */
    String description() {
      return description;
    }

    /** A value of this shape, of about {@code n} characters. */
    String make(int n) {
      return maker.apply(n);
    }
  }

  /** Adversarial value makers, by description, in the order of {@link Shape}. */
  static Map<String, IntFunction<String>> adversarial() {
    Map<String, IntFunction<String>> m = new LinkedHashMap<>();
    for (Shape s : Shape.values()) {
      m.put(s.description(), s::make);
    }
    return m;
  }
}
