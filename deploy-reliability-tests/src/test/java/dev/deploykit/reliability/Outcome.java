package dev.deploykit.reliability;

import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.RecoveryAction;
import org.jspecify.annotations.Nullable;

/**
 * How one deployment (or one fallback publish) ended.
 *
 * @param status SUCCESS, FAILED, TIMED_OUT or CANCELLED
 * @param code the error's code, null on success
 * @param action the recovery plan's action, null on success
 * @param millis how long it took
 * @param message the error's message, null on success
 */
record Outcome(String status, @Nullable ErrorCode code, @Nullable RecoveryAction action,
    long millis, @Nullable String message) {

  /** The table cell: {@code FAILED PLATFORM_UNAVAILABLE → RETRY}, or {@code SUCCESS}. */
  String cell() {
    if (code == null) {
      return status;
    }
    return status + " " + code + " → " + action;
  }
}
