package dev.deploykit.env;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * Declared constraints on a variable's value, checked on top of the rules of its {@link
 * VariableKind}.
 *
 * @param pattern a regular expression the whole value must match, or {@code null}
 * @param minLength the least number of characters, or {@code null}
 * @param maxLength the most characters, or {@code null}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Validation(
    @Nullable String pattern, @Nullable Integer minLength, @Nullable Integer maxLength) {

  /** Constraints that allow anything. */
  public static final Validation NONE = new Validation(null, null, null);

  /**
   * Checks the constraints are coherent.
   *
   * @throws IllegalArgumentException if the pattern does not compile or a length is negative or
   *     the minimum exceeds the maximum
   */
  public Validation {
    if (pattern != null) {
      try {
        Pattern.compile(pattern);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(
            "Validation pattern '" + pattern + "' is not a valid regular expression: "
                + e.getDescription(),
            e);
      }
    }
    if (minLength != null && minLength < 0) {
      throw new IllegalArgumentException("minLength must be at least 0, was " + minLength);
    }
    if (maxLength != null && maxLength < 0) {
      throw new IllegalArgumentException("maxLength must be at least 0, was " + maxLength);
    }
    if (minLength != null && maxLength != null && minLength > maxLength) {
      throw new IllegalArgumentException(
          "minLength " + minLength + " is greater than maxLength " + maxLength);
    }
  }

  /** Returns constraints with only a pattern. */
  public static Validation pattern(String pattern) {
    return new Validation(pattern, null, null);
  }

  /** Returns constraints with only lengths; either may be {@code null}. */
  public static Validation length(@Nullable Integer minLength, @Nullable Integer maxLength) {
    return new Validation(null, minLength, maxLength);
  }
}
