package dev.deploykit.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The result of one GET of a deployment's URL after the platform reported success.
 *
 * @param url the URL that was requested
 * @param httpStatus the status it answered with, or {@code null} when it did not answer
 * @param latency how long the answer took
 * @param checkedAt when the request was sent
 * @param problem why there was no answer, or {@code null}
 */
public record UrlCheck(
    String url, @Nullable Integer httpStatus, Duration latency, Instant checkedAt,
    @Nullable String problem) {

  /** Checks the arguments. */
  public UrlCheck {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(latency, "latency");
    Objects.requireNonNull(checkedAt, "checkedAt");
  }

  /** Returns whether the URL answered with a 2xx or 3xx status. */
  public boolean ok() {
    return httpStatus != null && httpStatus >= 200 && httpStatus < 400;
  }
}
