package dev.deploykit.env;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of validating one value: valid, or invalid with a message a person can act on. A
 * message never contains a sensitive value.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class ValidationResult {
  private static final ValidationResult VALID = new ValidationResult(null);

  private final @Nullable String error;

  private ValidationResult(@Nullable String error) {
    this.error = error;
  }

  /** Returns the valid result. */
  public static ValidationResult valid() {
    return VALID;
  }

  /** Returns an invalid result with the given message. */
  public static ValidationResult invalid(String message) {
    return new ValidationResult(Objects.requireNonNull(message, "message"));
  }

  @JsonCreator
  static ValidationResult fromJson(
      @JsonProperty("valid") boolean valid, @JsonProperty("error") @Nullable String error) {
    if (valid) {
      return VALID;
    }
    return invalid(error == null ? "invalid" : error);
  }

  /** Returns whether the value passed every rule. */
  @JsonProperty("valid")
  public boolean isValid() {
    return error == null;
  }

  /** Returns what is wrong, or empty when the value is valid. */
  @JsonIgnore
  public Optional<String> error() {
    return Optional.ofNullable(error);
  }

  @JsonProperty("error")
  @Nullable
  String errorOrNull() {
    return error;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof ValidationResult other && Objects.equals(error, other.error);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(error);
  }

  @Override
  public String toString() {
    return error == null ? "ValidationResult[valid]" : "ValidationResult[invalid: " + error + "]";
  }
}
