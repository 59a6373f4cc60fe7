package dev.deploykit.env.internal;

import dev.deploykit.env.EnvironmentVariable;
import dev.deploykit.env.Validation;
import dev.deploykit.env.VariableKind;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The rules one variable's value must follow on its own: required, length ceiling, placeholder,
 * kind and declared constraints. Thread-safe; holds a bounded cache of compiled declared patterns.
 */
public final class ValueRules {
  /** Values longer than this are rejected without further checks. */
  public static final int MAX_LENGTH = 65_536;

  private static final int SHOWN_LIMIT = 80;

  private final DeclaredPatterns patterns = new DeclaredPatterns();

  private ValueRules() {}

  /** Returns rules with an empty pattern cache. */
  public static ValueRules create() {
    return new ValueRules();
  }

  /** Returns every problem of {@code value} as a value of {@code var}, empty when it is valid. */
  public List<String> problems(EnvironmentVariable var, @Nullable String value) {
    String key = var.key();
    if (value == null || Chars.isBlank(value)) {
      return var.required() ? List.of(required(var)) : List.of();
    }
    if (value.length() > MAX_LENGTH) {
      return List.of(key + " is longer than " + MAX_LENGTH + " characters");
    }
    if (var.required() && var.sensitive() && Placeholders.looksLikePlaceholder(value, var.example())) {
      return List.of(key + " looks like a placeholder copied from an example; paste your real value");
    }
    String got = got(var, value);
    List<String> out = new ArrayList<>(2);
    KindRules.Problem problem = KindRules.check(var.kind(), value);
    if (problem != null) {
      out.add(key + " " + problem.phrase() + ", like " + problem.shape() + got);
    } else if (var.kind() == VariableKind.POSTGRES_URL) {
      String pgbouncer = KindRules.pgbouncer(value, var.feature());
      if (pgbouncer != null) {
        out.add(key + " " + pgbouncer);
      }
    }
    declared(var, value, got, out);
    return out;
  }

  private static String required(EnvironmentVariable var) {
    StringBuilder m = new StringBuilder(var.key()).append(" is required");
    if (!var.description().isEmpty()) {
      m.append(": ").append(var.description());
    }
    String shape = KindRules.shape(var.kind());
    if (shape == null) {
      shape = var.example() == null ? null : shorten(var.example());
    }
    if (shape != null) {
      m.append(m.charAt(m.length() - 1) == '.' ? " " : ". ").append("Expected a value like ")
          .append(shape);
    }
    return m.toString();
  }

  private void declared(EnvironmentVariable var, String value, String got, List<String> out) {
    Validation rules = var.validation();
    String key = var.key();
    String like = like(var, value);
    Integer min = rules.minLength();
    if (min != null && value.length() < min && min > KindRules.inherentMinLength(var.kind())) {
      out.add(key + " must be at least " + min + " characters long" + like + got);
    }
    Integer max = rules.maxLength();
    if (max != null && value.length() > max) {
      out.add(key + " must be at most " + max + " characters long" + like + got);
    }
    String regex = rules.pattern();
    if (regex == null) {
      return;
    }
    switch (patterns.match(regex, value)) {
      case MATCH -> { }
      case NO_MATCH -> out.add(key + " must match the pattern " + shorten(regex) + like + got);
      case TOO_LONG -> out.add(key + " is longer than " + DeclaredPatterns.MAX_INPUT
          + " characters, too long to check against its pattern " + shorten(regex) + like);
      case TOO_SLOW -> out.add(key + " could not be checked against its pattern in time; simplify"
          + " the pattern " + shorten(regex) + " or shorten the value");
      case FAILED -> out.add(key + " could not be checked against its pattern " + shorten(regex)
          + "; simplify the pattern or shorten the value");
    }
  }

  /** ", like EXAMPLE" from the variable's example, or empty. Never the value itself. */
  private static String like(EnvironmentVariable var, String value) {
    String example = var.example();
    if (example == null || example.isEmpty() || example.equals(value)) {
      return "";
    }
    return ", like " + shorten(example);
  }

  /**
   * A quote of a non-sensitive value for kinds where it helps and cannot hold a secret, or empty.
   */
  private static String got(EnvironmentVariable var, String value) {
    if (var.sensitive()) {
      return "";
    }
    boolean quotable = switch (var.kind()) {
      case URL -> value.indexOf('@') < 0;
      case AWS_REGION, TEXT -> true;
      default -> false;
    };
    return quotable ? " (got \"" + Chars.forMessage(value) + "\")" : "";
  }

  private static String shorten(String s) {
    if (s.length() <= SHOWN_LIMIT) {
      return s;
    }
    int end = SHOWN_LIMIT;
    if (Character.isHighSurrogate(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(0, end) + "...";
  }
}
