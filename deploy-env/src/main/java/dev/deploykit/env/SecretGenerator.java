package dev.deploykit.env;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Makes secure random values for the variables marked {@link EnvironmentVariable#generatable()},
 * such as {@code NEXTAUTH_SECRET}.
 *
 * <p>By default a value is 32 random bytes in standard Base64 with padding: 44 characters, the same
 * as {@code openssl rand -base64 32}. When the variable declares a {@link Validation#minLength()}
 * above that, or a {@link Validation#maxLength()} below it, more random bytes are drawn and the text
 * is cut to exactly the declared bound; every character still carries 4 (hex) or 6 (Base64) random
 * bits. When the variable declares a {@link Validation#pattern()} that Base64 text does not match,
 * unpadded URL-safe Base64 (43 characters by default) and then lower-case hex (64 characters by
 * default) are tried, with the same length rules.
 *
 * <p>Instances are immutable and thread-safe: {@link SecureRandom} is safe for concurrent use.
 */
public final class SecretGenerator {
  /** The number of random bytes in a value when the variable declares no lengths. */
  public static final int DEFAULT_BYTES = 32;

  private final SecureRandom random;

  private SecretGenerator(SecureRandom random) {
    this.random = random;
  }

  /** Returns a generator backed by a new {@link SecureRandom}. */
  public static SecretGenerator create() {
    return new SecretGenerator(new SecureRandom());
  }

  /**
   * Returns a generator that draws its bytes from {@code random}; meant for tests that need a seeded
   * or instrumented source.
   */
  public static SecretGenerator create(SecureRandom random) {
    return new SecretGenerator(Objects.requireNonNull(random, "random"));
  }

  /**
   * Returns a new secure random value for {@code var}; see the class documentation for its shape.
   * The variable's current value is ignored.
   *
   * @throws IllegalArgumentException if {@code var} is not {@link EnvironmentVariable#generatable()
   *     generatable}, or its declared pattern accepts none of Base64, URL-safe Base64 or hex text of
   *     the declared length
   */
  public String generate(EnvironmentVariable var) {
    Objects.requireNonNull(var, "var");
    if (!var.generatable()) {
      throw new IllegalArgumentException(
          var.key() + " is not generatable: deploykit only generates values for variables marked"
              + " generatable; ask for a value instead");
    }
    Validation validation = var.validation();
    Integer min = validation.minLength();
    Integer max = validation.maxLength();
    if (max != null && max == 0) {
      throw new IllegalArgumentException(
          var.key() + " declares maxLength 0, so no secret can be generated for it");
    }
    Pattern pattern = validation.pattern() == null ? null : Pattern.compile(validation.pattern());
    String last = "";
    for (Encoding encoding : Encoding.values()) {
      last = encode(encoding, min, max);
      if (pattern == null || pattern.matcher(last).matches()) {
        return last;
      }
    }
    throw new IllegalArgumentException(
        var.key() + " declares a pattern that no generated Base64 or hex value of length "
            + last.length() + " matches; set its value yourself");
  }

  /**
   * Returns a copy of {@code vars}, in the same order, in which every generatable variable that has
   * no value ({@link EnvironmentVariable#hasValue()} is false) holds a newly generated one. Other
   * variables, and generatable ones that already have a value, are returned unchanged.
   *
   * @throws IllegalArgumentException as {@link #generate(EnvironmentVariable)} does
   */
  public List<EnvironmentVariable> fillGeneratable(List<EnvironmentVariable> vars) {
    Objects.requireNonNull(vars, "vars");
    List<EnvironmentVariable> out = new ArrayList<>(vars.size());
    for (EnvironmentVariable var : vars) {
      Objects.requireNonNull(var, "vars contains null");
      out.add(var.generatable() && !var.hasValue() ? var.withValue(generate(var)) : var);
    }
    return List.copyOf(out);
  }

  private String encode(Encoding encoding, @Nullable Integer min, @Nullable Integer max) {
    String natural = encoding.encode(randomBytes(DEFAULT_BYTES));
    int length = natural.length();
    if ((min == null || length >= min) && (max == null || length <= max)) {
      return natural;
    }
    int target = max != null && length > max ? max : Objects.requireNonNull(min);
    // Each encoding yields at least one character per byte, so target bytes always suffice.
    String longer = encoding.encode(randomBytes(target));
    return longer.substring(0, target);
  }

  private byte[] randomBytes(int count) {
    byte[] bytes = new byte[count];
    random.nextBytes(bytes);
    return bytes;
  }

  /** The text forms tried in order; the first the declared pattern accepts wins. */
  private enum Encoding {
    BASE64 {
      @Override
      String encode(byte[] bytes) {
        return bytes.length == DEFAULT_BYTES
            ? Base64.getEncoder().encodeToString(bytes)
            : Base64.getEncoder().withoutPadding().encodeToString(bytes);
      }
    },
    BASE64_URL {
      @Override
      String encode(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
      }
    },
    HEX {
      @Override
      String encode(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
      }
    };

    abstract String encode(byte[] bytes);
  }

  @Override
  public String toString() {
    return "SecretGenerator[" + random.getAlgorithm() + "]";
  }
}
