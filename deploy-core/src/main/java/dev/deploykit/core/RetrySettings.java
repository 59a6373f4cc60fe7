package dev.deploykit.core;

import java.time.Duration;
import java.util.Objects;

/**
 * How uploads are retried: exponential backoff with jitter, honouring a platform's {@code
 * Retry-After}. Only temporary errors are retried.
 *
 * @param maxRetries retries after the first attempt; default 3
 * @param initialDelay the first backoff delay; default 1 second
 * @param maxDelay the longest backoff delay; default 30 seconds
 * @param jitter the random share of each delay, between 0 and 1; default 0.25
 * @param maxRetryAfter the longest {@code Retry-After} honoured; a platform asking for longer fails
 *     the step; default 2 minutes
 */
public record RetrySettings(
    int maxRetries, Duration initialDelay, Duration maxDelay, double jitter, Duration maxRetryAfter) {

  /** The defaults: 3 retries, 1 s growing to 30 s, 25% jitter, Retry-After up to 2 minutes. */
  public static final RetrySettings DEFAULT =
      new RetrySettings(3, Duration.ofSeconds(1), Duration.ofSeconds(30), 0.25, Duration.ofMinutes(2));

  /** Checks the arguments. */
  public RetrySettings {
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries must be at least 0, was " + maxRetries);
    }
    Objects.requireNonNull(initialDelay, "initialDelay");
    Objects.requireNonNull(maxDelay, "maxDelay");
    Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
    if (initialDelay.isNegative() || initialDelay.isZero() || maxDelay.compareTo(initialDelay) < 0) {
      throw new IllegalArgumentException("Need 0 < initialDelay <= maxDelay, was " + initialDelay
          + " and " + maxDelay);
    }
    if (jitter < 0 || jitter > 1) {
      throw new IllegalArgumentException("jitter must be between 0 and 1, was " + jitter);
    }
  }

  /** Returns settings with no retries. */
  public static RetrySettings none() {
    return new RetrySettings(0, Duration.ofMillis(1), Duration.ofMillis(1), 0, Duration.ZERO);
  }
}
