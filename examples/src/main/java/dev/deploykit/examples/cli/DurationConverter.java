package dev.deploykit.examples.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Reads a positive duration: {@code 90s}, {@code 5m}, {@code 1h30m}, {@code 500ms} or ISO {@code PT5M}. */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
  private static final Pattern PART = Pattern.compile("(\\d{1,9})(ms|s|m|h)");
  private static final Pattern WHOLE = Pattern.compile("(?:\\d{1,9}(?:ms|s|m|h))+");

  @Override
  public Duration convert(String value) {
    Duration d = parse(value);
    if (d.isZero() || d.isNegative()) {
      throw new CommandLine.TypeConversionException(
          "'" + value + "' is not a positive duration: use e.g. 90s, 5m or 1h");
    }
    return d;
  }

  static Duration parse(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (v.startsWith("pt") || v.startsWith("p")) {
      try {
        return Duration.parse(v.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        throw notADuration(value);
      }
    }
    if (!WHOLE.matcher(v).matches()) {
      throw notADuration(value);
    }
    Duration total = Duration.ZERO;
    Matcher m = PART.matcher(v);
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      total = total.plus(switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      });
    }
    return total;
  }

  private static CommandLine.TypeConversionException notADuration(String value) {
    return new CommandLine.TypeConversionException(
        "'" + value + "' is not a duration: use e.g. 90s, 5m, 1h30m, 500ms or PT5M");
  }
}
