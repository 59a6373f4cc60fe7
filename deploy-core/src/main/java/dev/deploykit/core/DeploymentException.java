package dev.deploykit.core;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The one unchecked exception deploykit throws at its users and adapters: it carries a {@link
 * DeploymentError}. Its message is the error's message, safe to show a user.
 */
public class DeploymentException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient DeploymentError error;

  /** Creates an exception for {@code error}. */
  public DeploymentException(DeploymentError error) {
    this(error, null);
  }

  /** Creates an exception for {@code error} caused by {@code cause}. */
  public DeploymentException(DeploymentError error, @Nullable Throwable cause) {
    super(Objects.requireNonNull(error, "error").message(), cause);
    this.error = error;
  }

  /** Creates an exception with only a code and a message. */
  public DeploymentException(ErrorCode code, String message) {
    this(DeploymentError.of(code, message));
  }

  /** Returns the error. */
  public DeploymentError error() {
    return error;
  }

  /** Returns the error's code. */
  public ErrorCode code() {
    return error.code();
  }
}
