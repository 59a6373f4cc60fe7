package dev.deploykit.env;

import java.util.Objects;

/**
 * Thrown when a {@code .env} text cannot be read: a line without {@code =}, an invalid variable
 * name, an unterminated quote or text after a closing quote.
 *
 * <p>The message names the source and the 1-based line, e.g. {@code .env line 7: expected KEY=value
 * but found no '='}. It may name a variable, but never contains the text of a value, which may be a
 * secret.
 */
public final class DotEnvParseException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String sourceName;
  private final int lineNumber;
  private final String reason;

  /**
   * Creates the exception.
   *
   * @param sourceName what was parsed, e.g. {@code .env} or a file path
   * @param lineNumber the 1-based line the problem is on
   * @param reason what is wrong, without any value text
   */
  public DotEnvParseException(String sourceName, int lineNumber, String reason) {
    super(Objects.requireNonNull(sourceName, "sourceName") + " line " + lineNumber + ": "
        + Objects.requireNonNull(reason, "reason"));
    this.sourceName = sourceName;
    this.lineNumber = lineNumber;
    this.reason = reason;
  }

  /** Returns what was parsed, e.g. {@code .env} or a file path. */
  public String sourceName() {
    return sourceName;
  }

  /** Returns the 1-based line the problem is on. */
  public int lineNumber() {
    return lineNumber;
  }

  /** Returns what is wrong, without the source and line. */
  public String reason() {
    return reason;
  }
}
