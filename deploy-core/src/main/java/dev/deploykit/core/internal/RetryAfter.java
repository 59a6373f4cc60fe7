package dev.deploykit.core.internal;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** Parses {@code Retry-After} and rate-limit reset header values. */
public final class RetryAfter {
  private static final Pattern SECONDS = Pattern.compile("\\d{1,18}(\\.\\d{1,9})?");
  private static final Pattern INTEGER = Pattern.compile("\\d{1,18}");
  /** Reset values at or above this are epoch milliseconds (year 2001 onwards in ms). */
  private static final long EPOCH_MILLIS_FROM = 100_000_000_000L;
  /** Reset values at or above this are epoch seconds (from 2001-09-09); below, seconds to wait. */
  private static final long EPOCH_SECONDS_FROM = 1_000_000_000L;

  /** RFC 9110's three HTTP-date forms: IMF-fixdate, RFC 850 and asctime. */
  private static final List<DateTimeFormatter> HTTP_DATES = List.of(
      DateTimeFormatter.RFC_1123_DATE_TIME,
      DateTimeFormatter.ofPattern("EEEE, dd-MMM-yy HH:mm:ss zzz", Locale.US),
      DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US).withZone(ZoneOffset.UTC));

  private RetryAfter() {}

  /**
   * Parses a {@code Retry-After} value: delta-seconds (fractions rounded up to the millisecond) or an
   * HTTP-date, relative to {@code clock}. A date in the past gives zero; anything else, empty.
   */
  public static Optional<Duration> parse(String value, Clock clock) {
    String v = value.strip();
    if (v.isEmpty()) {
      return Optional.empty();
    }
    if (SECONDS.matcher(v).matches()) {
      BigDecimal millis = new BigDecimal(v).movePointRight(3).setScale(0, RoundingMode.CEILING);
      return Optional.of(Duration.ofMillis(millis.longValueExact()));
    }
    for (DateTimeFormatter format : HTTP_DATES) {
      try {
        Instant at = ZonedDateTime.parse(v, format).toInstant();
        return Optional.of(nonNegative(Duration.between(clock.instant(), at)));
      } catch (DateTimeParseException | ArithmeticException e) {
        // try the next form
      }
    }
    return Optional.empty();
  }

  /**
   * Parses a rate-limit reset value ({@code X-RateLimit-Reset}, {@code Ratelimit-Reset}): epoch
   * milliseconds or epoch seconds when large, else seconds to wait. Never negative.
   */
  public static Optional<Duration> parseReset(String value, Clock clock) {
    String v = value.strip();
    if (!INTEGER.matcher(v).matches()) {
      return SECONDS.matcher(v).matches() ? parse(v, clock) : Optional.empty();
    }
    long n = Long.parseLong(v);
    if (n >= EPOCH_MILLIS_FROM) {
      return Optional.of(nonNegative(Duration.between(clock.instant(), Instant.ofEpochMilli(n))));
    }
    if (n >= EPOCH_SECONDS_FROM) {
      return Optional.of(nonNegative(Duration.between(clock.instant(), Instant.ofEpochSecond(n))));
    }
    return Optional.of(Duration.ofSeconds(n));
  }

  private static Duration nonNegative(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }
}
