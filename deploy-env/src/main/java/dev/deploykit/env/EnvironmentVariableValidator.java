package dev.deploykit.env;

import dev.deploykit.env.internal.CrossVariableRules;
import dev.deploykit.env.internal.ValueRules;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Checks environment variable values against the rules of their {@link VariableKind}, their
 * declared {@link Validation} and each other.
 *
 * <p>Rules applied to one value, in order:
 *
 * <ol>
 *   <li>An unset or blank value is an error when the variable is required and valid otherwise; no
 *       other rule runs on it.
 *   <li>A value longer than 65,536 characters is rejected without further checks.
 *   <li>A required, sensitive value that looks copied from documentation ({@code your-api-key},
 *       {@code changeme}, {@code xxxx}, a single repeated character, the variable's own example...)
 *       is rejected as a placeholder.
 *   <li>The kind's format: URLs and connection strings are parsed by hand, provider keys checked
 *       for their prefix, alphabet and length, JWT headers decoded. A Postgres URL on port 6543
 *       for Prisma (feature {@code prisma-postgres} or none) must carry {@code pgbouncer=true}.
 *   <li>The declared minimum and maximum length, counted in UTF-16 {@code char}s as {@link
 *       String#length()} does, and the declared pattern, which must match the whole value. A
 *       pattern match is abandoned after a bounded amount of work and reported as not checkable
 *       in time, so no pattern can hang a call; values longer than 4,096 characters are not
 *       matched against a pattern and are reported as too long to check.
 * </ol>
 *
 * <p>{@link #validateAll}, {@link #getErrors} and {@link #areAllValid} add rules between
 * variables: a Clerk secret key must come from the same instance (test or live) as the publishable
 * key (found by kind), and {@code NEXTAUTH_URL}, when set, must equal {@code NEXT_PUBLIC_APP_URL}
 * (ignoring the case of scheme and host, a default port and a trailing {@code /}).
 *
 * <p>Every message names the variable and shows the shape of a right value; it never contains the
 * value of a sensitive variable, and quotes at most 60 characters of a non-sensitive URL, region or
 * free-text value. No method throws on any value, and each call does a bounded amount of work.
 *
 * <p>Thread-safe: instances hold only a bounded cache of compiled declared patterns.
 */
public final class EnvironmentVariableValidator {
  private final ValueRules rules;

  private EnvironmentVariableValidator(ValueRules rules) {
    this.rules = rules;
  }

  /** Returns a validator. */
  public static EnvironmentVariableValidator create() {
    return new EnvironmentVariableValidator(ValueRules.create());
  }

  /**
   * Checks {@code value} against the rules of {@code var}, ignoring {@code var.value()}. Rules
   * between variables are not applied.
   *
   * @return valid, or invalid with every problem found joined by {@code "; "}
   * @throws NullPointerException if {@code var} is null
   */
  public ValidationResult validate(EnvironmentVariable var, @Nullable String value) {
    Objects.requireNonNull(var, "var");
    return result(rules.problems(var, value));
  }

  /**
   * Checks {@code var.value()} against the rules of {@code var}.
   *
   * @throws NullPointerException if {@code var} is null
   */
  public ValidationResult validate(EnvironmentVariable var) {
    Objects.requireNonNull(var, "var");
    return validate(var, var.value());
  }

  /**
   * Checks every variable's value, then the rules between variables.
   *
   * @return an unmodifiable map from key to result, in the order of {@code vars}; a key listed
   *     twice appears once, with the problems of both
   * @throws NullPointerException if {@code vars} is or contains null
   */
  public Map<String, ValidationResult> validateAll(List<EnvironmentVariable> vars) {
    Map<String, List<String>> problems = problems(vars);
    Map<String, ValidationResult> out = new LinkedHashMap<>();
    problems.forEach((key, list) -> out.put(key, result(list)));
    return Collections.unmodifiableMap(out);
  }

  /**
   * Returns whether every variable and every rule between them is valid.
   *
   * @throws NullPointerException if {@code vars} is or contains null
   */
  public boolean areAllValid(List<EnvironmentVariable> vars) {
    for (List<String> list : problems(vars).values()) {
      if (!list.isEmpty()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Returns the message of every invalid variable by key, in the order of {@code vars}; a variable
   * with several problems has them joined by {@code "; "}.
   *
   * @return an unmodifiable map, empty when everything is valid
   * @throws NullPointerException if {@code vars} is or contains null
   */
  public Map<String, String> getErrors(List<EnvironmentVariable> vars) {
    Map<String, String> out = new LinkedHashMap<>();
    problems(vars).forEach((key, list) -> {
      if (!list.isEmpty()) {
        out.put(key, String.join("; ", list));
      }
    });
    return Collections.unmodifiableMap(out);
  }

  private Map<String, List<String>> problems(List<EnvironmentVariable> vars) {
    Objects.requireNonNull(vars, "vars");
    Map<String, List<String>> byKey = new LinkedHashMap<>();
    for (EnvironmentVariable var : vars) {
      Objects.requireNonNull(var, "vars contains null");
      addAll(byKey.computeIfAbsent(var.key(), k -> new ArrayList<>()), rules.problems(var, var.value()));
    }
    CrossVariableRules.problems(vars).forEach(
        (key, list) -> addAll(byKey.computeIfAbsent(key, k -> new ArrayList<>()), list));
    return byKey;
  }

  private static void addAll(List<String> into, List<String> messages) {
    for (String m : messages) {
      if (!into.contains(m)) {
        into.add(m);
      }
    }
  }

  private static ValidationResult result(List<String> problems) {
    return problems.isEmpty()
        ? ValidationResult.valid()
        : ValidationResult.invalid(String.join("; ", problems));
  }

  @Override
  public String toString() {
    return "EnvironmentVariableValidator";
  }
}
