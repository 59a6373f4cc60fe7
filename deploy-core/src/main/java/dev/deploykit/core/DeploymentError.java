package dev.deploykit.core;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A failure, as data: what kind, a message safe to show a user (it never holds a token or a sensitive
 * value), and what the platform said about it.
 *
 * @param code the kind of failure
 * @param message what went wrong and, where known, how to fix it
 * @param platform the platform id, or {@code null} when no platform was involved
 * @param httpStatus the HTTP status the platform answered with, or {@code null}
 * @param retryAfter how long the platform asked us to wait, or {@code null}
 * @param requestId the platform's request id for support tickets, or {@code null}
 * @param details further lines, e.g. every invalid variable of an {@code INVALID_CONFIG} error
 */
public record DeploymentError(
    ErrorCode code,
    String message,
    @Nullable String platform,
    @Nullable Integer httpStatus,
    @Nullable Duration retryAfter,
    @Nullable String requestId,
    List<String> details) {

  /** Checks the arguments and copies {@code details}. */
  public DeploymentError {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
    details = details == null ? List.of() : List.copyOf(details);
  }

  /** Returns an error with only a code and a message. */
  public static DeploymentError of(ErrorCode code, String message) {
    return new DeploymentError(code, message, null, null, null, null, List.of());
  }

  /** Returns a copy naming {@code platform}. */
  public DeploymentError withPlatform(@Nullable String platform) {
    return new DeploymentError(code, message, platform, httpStatus, retryAfter, requestId, details);
  }

  /** Returns a copy with the HTTP status. */
  public DeploymentError withHttpStatus(@Nullable Integer status) {
    return new DeploymentError(code, message, platform, status, retryAfter, requestId, details);
  }

  /** Returns a copy with the wait the platform asked for. */
  public DeploymentError withRetryAfter(@Nullable Duration wait) {
    return new DeploymentError(code, message, platform, httpStatus, wait, requestId, details);
  }

  /** Returns a copy with the platform's request id. */
  public DeploymentError withRequestId(@Nullable String id) {
    return new DeploymentError(code, message, platform, httpStatus, retryAfter, id, details);
  }

  /** Returns a copy with further detail lines. */
  public DeploymentError withDetails(List<String> lines) {
    return new DeploymentError(code, message, platform, httpStatus, retryAfter, requestId, lines);
  }

  /** Returns a copy with another message. */
  public DeploymentError withMessage(String newMessage) {
    return new DeploymentError(code, newMessage, platform, httpStatus, retryAfter, requestId, details);
  }
}
