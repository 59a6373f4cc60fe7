package dev.deploykit.env;

import java.util.List;
import java.util.Objects;

/**
 * Thrown when a {@link ScaffoldConfig} names an option nobody knows, or combines options that do not
 * fit together. The message names the field, the value and the accepted values.
 */
public final class InvalidScaffoldConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String field;
  private final String value;
  private final List<String> acceptedValues;

  /**
   * Creates the exception.
   *
   * @param field the field in its JSON spelling, e.g. {@code database}
   * @param value the value that was refused
   * @param acceptedValues what the field accepts
   * @param message a message a person can act on
   */
  public InvalidScaffoldConfigException(
      String field, String value, List<String> acceptedValues, String message) {
    super(message);
    this.field = Objects.requireNonNull(field, "field");
    this.value = Objects.requireNonNull(value, "value");
    this.acceptedValues = List.copyOf(acceptedValues);
  }

  static InvalidScaffoldConfigException unknownOption(
      String field, String value, List<String> accepted) {
    return new InvalidScaffoldConfigException(
        field,
        value,
        accepted,
        "Unknown " + field + " '" + value + "': accepted values are " + String.join(", ", accepted)
            + ".");
  }

  /** Returns the refused field, in its JSON spelling. */
  public String field() {
    return field;
  }

  /** Returns the refused value. */
  public String value() {
    return value;
  }

  /** Returns the values the field accepts. */
  public List<String> acceptedValues() {
    return acceptedValues;
  }
}
