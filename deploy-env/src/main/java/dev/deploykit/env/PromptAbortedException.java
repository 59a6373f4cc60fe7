package dev.deploykit.env;

import java.util.Objects;

/**
 * Thrown by {@link ConsolePrompter#prompt(java.util.List)} when it gives up on a variable: the input
 * ended, or too many values in a row were invalid. The message names the variable, never a value.
 */
public final class PromptAbortedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String key;

  /**
   * Creates the exception.
   *
   * @param key the variable being asked for
   * @param message what happened, without any value
   */
  public PromptAbortedException(String key, String message) {
    super(Objects.requireNonNull(message, "message"));
    this.key = Objects.requireNonNull(key, "key");
  }

  /** Returns the key of the variable being asked for when the prompt gave up. */
  public String key() {
    return key;
  }
}
