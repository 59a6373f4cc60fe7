package dev.deploykit.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.strings;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** Properties over arbitrary and hostile input: no call throws, every call is fast. */
class EnvironmentVariableValidatorPropertiesTest {
  /**
   * A bound that catastrophic backtracking (seconds to forever) cannot meet and ordinary calls (well
   * under a millisecond) always do, even on a loaded two-core machine. The tight figure (10 ms for
   * the worst case) is a benchmark's job, not a unit test's.
   */
  private static final long MAX_NANOS_PER_CALL = 1_000_000_000L;

  private static final List<String> PATTERNS = List.of("[a-z]{3,40}", "(a+)+$", "((a+)+)+b",
      "(.*a){12}", "(a|b)*", "((((((((((x))))))))))*y", "(?:(?:(?:a*)*)*)*!", "[\\s\\S]*=+$",
      "(\\w+\\s?)+$", "^(([a-z])+.)+[A-Z]([a-z])+$");

  private static final EnvironmentVariableValidator VALIDATOR = EnvironmentVariableValidator.create();

  /** Real-shaped valid values of every kind, to mutate. */
  private static final List<String> SEEDS = List.of(
      "https://my-app.example.com:8443/a?b=c",
      "postgresql://postgres.abcdefghijklmnopqrst:pw@aws-0-eu-central-1.pooler.supabase.com:6543/postgres",
      "mongodb+srv://user:pw@cluster0.ab1cd.mongodb.net/db?retryWrites=true&w=majority",
      "mongodb://h1:27017,h2:27017,[::1]:27017/db?replicaSet=rs0",
      "rediss://default:pw@eu1-x.upstash.io:6379/0",
      ValidatorFixtures.anthropicKey(1), ValidatorFixtures.openAiProjectKey(2),
      ValidatorFixtures.googleKey(3), ValidatorFixtures.clerkPublishable("test"),
      ValidatorFixtures.clerkSecret("live", 4), "AKIAIOSFODNN7EXAMPLE",
      "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-gov-west-1",
      ValidatorFixtures.supabaseJwt("anon"), ValidatorFixtures.supabaseJwt("service_role"),
      "sb_publishable_AbCdEfGhIjKlMnOpQrStUv_1a2b3c4d", ValidatorFixtures.secret(5), "your-api-key");

  @BeforeAll
  static void warmUp() {
    for (int i = 0; i < 3; i++) {
      for (String seed : SEEDS) {
        for (EnvironmentVariable v : variables()) {
          VALIDATOR.validate(v, seed);
          VALIDATOR.validate(v, seed + "!");
        }
      }
    }
  }

  private static List<EnvironmentVariable> variables() {
    List<EnvironmentVariable> vars = new ArrayList<>();
    for (VariableKind kind : VariableKind.values()) {
      vars.add(EnvironmentVariable.builder("PLAIN").kind(kind).build());
      vars.add(EnvironmentVariable.builder("SECRET_ONE").kind(kind).required(true).sensitive(true)
          .example("example-value").validation(new Validation(null, 20, 30_000)).build());
    }
    return vars;
  }

  private static Gen<EnvironmentVariable> variablesGen() {
    return arbitrary().pick(variables());
  }

  /** Strings of any UTF-16 units, lone surrogates and NUL included. */
  private static Gen<String> anyUtf16() {
    return Generate.intArrays(integers().between(0, 300), integers().between(0, 0xFFFF)).map(units -> {
      char[] chars = new char[units.length];
      for (int i = 0; i < units.length; i++) {
        chars[i] = (char) units[i];
      }
      return new String(chars);
    });
  }

  /** A seed value with a few characters replaced, inserted or deleted. */
  private static Gen<String> mutatedSeeds() {
    return arbitrary().pick(SEEDS).zip(integers().between(0, Integer.MAX_VALUE),
        integers().between(1, 4), (seed, where, edits) -> {
          StringBuilder b = new StringBuilder(seed);
          Random r = new Random(where);
          String specials = ":/@?#%[].,=&-_+$\u0000 \ud800\u00e9";
          for (int i = 0; i < edits; i++) {
            int at = r.nextInt(b.length() + 1);
            char c = specials.charAt(r.nextInt(specials.length()));
            switch (r.nextInt(3)) {
              case 0 -> b.insert(at, c);
              case 1 -> {
                if (at < b.length()) {
                  b.deleteCharAt(at);
                }
              }
              default -> {
                if (at < b.length()) {
                  b.setCharAt(at, c);
                }
              }
            }
          }
          return b.toString();
        });
  }

  /**
   * Validates and checks the call was fast. A slow call is timed twice more and the fastest run
   * counts: a garbage collection or a busy neighbour slows one run, a slow input slows all three.
   */
  private static void checkFastAndSafe(EnvironmentVariable v, String value) {
    long took = Long.MAX_VALUE;
    ValidationResult r = null;
    for (int run = 0; run < 3 && took >= MAX_NANOS_PER_CALL; run++) {
      long start = System.nanoTime();
      r = VALIDATOR.validate(v, value);
      took = Math.min(took, System.nanoTime() - start);
    }
    assertThat(r).isNotNull();
    r.error().ifPresent(m -> assertThat(m).startsWith(v.key() + " "));
    assertThat(took).as("%s over %d chars", v.kind(), value.length()).isLessThan(MAX_NANOS_PER_CALL);
  }

  @Test
  void validate_whenArbitraryString_expectedNoExceptionAndFast() {
    qt().withExamples(3000).withFixedSeed(20_260_101L)
        .forAll(variablesGen(), strings().allPossible().ofLengthBetween(0, 200))
        .checkAssert(EnvironmentVariableValidatorPropertiesTest::checkFastAndSafe);
  }

  @Test
  void validate_whenArbitraryUtf16Units_expectedNoExceptionAndFast() {
    qt().withExamples(3000).withFixedSeed(7L).forAll(variablesGen(), anyUtf16())
        .checkAssert(EnvironmentVariableValidatorPropertiesTest::checkFastAndSafe);
  }

  @Test
  void validate_whenMutatedRealValue_expectedNoExceptionAndFast() {
    qt().withExamples(5000).withFixedSeed(11L).forAll(variablesGen(), mutatedSeeds())
        .checkAssert(EnvironmentVariableValidatorPropertiesTest::checkFastAndSafe);
  }

  @Test
  void validate_whenArbitraryValueAgainstHostilePattern_expectedNoExceptionAndFast() {
    qt().withExamples(1000).withFixedSeed(13L)
        .forAll(arbitrary().pick(PATTERNS), strings().basicLatinAlphabet().ofLengthBetween(0, 80),
            integers().between(0, 60))
        .checkAssert((pattern, text, as) -> checkFastAndSafe(
            EnvironmentVariable.builder("CODE").validation(Validation.pattern(pattern)).build(),
            "a".repeat(as) + text));
  }

  @Test
  void validate_whenHugeOrAdversarialValue_expectedNoExceptionAndFast() {
    String jwtHeader = "{\"alg\":\"HS256\",\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
    List<String> hostile = List.of(
        "a".repeat(100_000) + "!",
        "a".repeat(65_536),
        "a".repeat(65_535) + "!",
        "x".repeat(1 << 20),
        "\ud83d\ude00".repeat(1 << 19),
        "(".repeat(65_536),
        "\u0000".repeat(65_000),
        "\ud800".repeat(65_000),
        "https://" + "a.".repeat(32_000) + "com",
        "https://" + "a".repeat(65_000) + ".com",
        "https://[" + ":".repeat(65_000) + "]",
        "postgresql://" + "u:p@".repeat(16_000) + "h/db",
        "postgresql://u:" + "%".repeat(65_000) + "@h/db",
        "mongodb://" + ",".repeat(65_000),
        "mongodb://" + "h:1,".repeat(16_000) + "h",
        "mongodb+srv://" + "h.".repeat(32_000) + "net",
        "redis://h/" + "9".repeat(65_000),
        "sk-ant-" + "a".repeat(65_000),
        "sk-" + "-".repeat(65_000),
        "AIza" + "A".repeat(65_000),
        "pk_test_" + "$".repeat(65_000),
        "us-" + "east-".repeat(13_000) + "1",
        "us-east-" + "1".repeat(65_000) + "a",
        ".".repeat(65_000),
        "e".repeat(30_000) + "." + "e".repeat(30_000) + "." + "e".repeat(5_000),
        Base64.getUrlEncoder().withoutPadding().encodeToString(jwtHeader.getBytes(StandardCharsets.UTF_8))
            + ".eyJyb2xlIjoiYW5vbiJ9.c2ln",
        "eyJhbGciOiJIUzI1NiJ9." + "A".repeat(8_000) + ".c2ln",
        "your-" + "y".repeat(65_000),
        "x".repeat(7) + "y".repeat(65_000));
    List<Validation> validations = new ArrayList<>();
    validations.add(Validation.NONE);
    validations.add(new Validation(null, 10, 20));
    PATTERNS.forEach(p -> validations.add(Validation.pattern(p)));
    for (VariableKind kind : VariableKind.values()) {
      for (Validation validation : validations) {
        EnvironmentVariable v = EnvironmentVariable.builder("HOSTILE").kind(kind).required(true)
            .sensitive(true).validation(validation).build();
        for (String value : hostile) {
          checkFastAndSafe(v, value);
        }
      }
    }
    assertThat(VALIDATOR.validate(EnvironmentVariable.builder("HOSTILE").build(), "x".repeat(1 << 20))
        .error()).hasValue("HOSTILE is longer than 65536 characters");
  }

  @Test
  void validateAll_whenArbitraryValuesForEveryKind_expectedNoException() {
    qt().withExamples(300).withFixedSeed(17L)
        .forAll(anyUtf16(), mutatedSeeds(), arbitrary().pick(SEEDS))
        .checkAssert((a, b, c) -> {
          List<EnvironmentVariable> vars = new ArrayList<>();
          for (VariableKind kind : VariableKind.values()) {
            vars.add(EnvironmentVariable.builder(kind.name() + "_A").kind(kind).value(a).build());
            vars.add(EnvironmentVariable.builder(kind.name() + "_B").kind(kind).value(b).build());
            vars.add(EnvironmentVariable.builder(kind.name() + "_C").kind(kind).value(c).build());
          }
          vars.add(EnvironmentVariable.builder("NEXTAUTH_URL").kind(VariableKind.URL).value(b).build());
          vars.add(EnvironmentVariable.builder("NEXT_PUBLIC_APP_URL").kind(VariableKind.URL).value(c).build());
          assertThat(VALIDATOR.validateAll(vars)).hasSize(vars.size());
          assertThat(VALIDATOR.getErrors(vars).keySet()).isSubsetOf(VALIDATOR.validateAll(vars).keySet());
        });
  }

  @Test
  void validate_whenCalledFromManyThreads_expectedSameResultsAsSequential() throws Exception {
    List<EnvironmentVariable> vars = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      vars.add(EnvironmentVariable.builder("CODE_" + i).required(true)
          .validation(Validation.pattern("[a-z]{" + (i % 7) + ",}" + i)).value("abcdef" + i).build());
    }
    EnvironmentVariableValidator shared = EnvironmentVariableValidator.create();
    Map<String, ValidationResult> expected = EnvironmentVariableValidator.create().validateAll(vars);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Map<String, ValidationResult>>> futures = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        futures.add(pool.submit(() -> shared.validateAll(vars)));
      }
      for (Future<Map<String, ValidationResult>> f : futures) {
        assertThat(f.get()).isEqualTo(expected);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(expected.values()).allMatch(ValidationResult::isValid);
  }
}
