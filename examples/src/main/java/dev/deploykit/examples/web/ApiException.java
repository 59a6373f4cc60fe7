package dev.deploykit.examples.web;

import org.jspecify.annotations.Nullable;

/**
 * A request the console refuses, answered as {@code {"error":{"code","message","field"}}} with
 * {@link #status()}. The message is shown to the user: it says what to do and never holds a value
 * the user typed into a sensitive field.
 */
class ApiException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;
  private final @Nullable String field;

  ApiException(int status, String code, String message) {
    this(status, code, message, null);
  }

  ApiException(int status, String code, String message, @Nullable String field) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.field = field;
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }

  @Nullable String field() {
    return field;
  }
}
