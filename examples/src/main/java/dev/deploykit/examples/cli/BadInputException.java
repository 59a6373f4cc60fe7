package dev.deploykit.examples.cli;

/**
 * Bad input found while running a command (a missing file, a malformed line, an unknown platform):
 * the command line prints the message and exits with {@link ExitCodes#BAD_INPUT}. The message says
 * what to do and never holds a token or a sensitive value.
 */
final class BadInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  BadInputException(String message) {
    super(message);
  }

  BadInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
