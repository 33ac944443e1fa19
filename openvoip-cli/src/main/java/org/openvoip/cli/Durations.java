package org.openvoip.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Durations written as a number and a unit: {@code 250ms}, {@code 30s}, {@code 10m},
 * {@code 1.4m}, {@code 3h}, {@code 2d}. The number may have a fraction; the result is rounded to
 * whole milliseconds and must be positive.
 */
final class Durations {
  private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)");

  private Durations() {}

  /**
   * Milliseconds in {@code text}.
   *
   * @throws IllegalArgumentException saying what is wrong with it
   */
  static long parseMillis(String text) {
    String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
    Matcher m = FORM.matcher(t);
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a duration: write a number and"
          + " a unit (ms, s, m, h or d), like 30s, 10m, 1.4m or 3h");
    }
    double unit = switch (m.group(2)) {
      case "ms" -> 1;
      case "s" -> 1_000;
      case "m" -> 60_000;
      case "h" -> 3_600_000;
      default -> 86_400_000;
    };
    double millis = Double.parseDouble(m.group(1)) * unit;
    if (millis > 1e15) {
      throw new IllegalArgumentException("'" + text + "' is too long a duration");
    }
    long rounded = Math.round(millis);
    if (rounded <= 0) {
      throw new IllegalArgumentException("'" + text + "' is not a positive duration");
    }
    return rounded;
  }

  /** Picocli converter: a bad duration is a usage error (exit 2) naming the problem. */
  static final class Converter implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      try {
        return parseMillis(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /** {@code 1h02m03s}, {@code 4m05s}, {@code 12.3s}. */
  static String format(long millis) {
    long s = millis / 1000;
    if (s >= 3600) {
      return String.format(Locale.ROOT, "%dh%02dm%02ds", s / 3600, s / 60 % 60, s % 60);
    }
    if (s >= 60) {
      return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
  }
}
