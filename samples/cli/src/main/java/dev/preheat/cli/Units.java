package dev.preheat.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsers for the CLI's human-friendly values: durations ({@code 24h}) and sizes ({@code 256m}). */
final class Units {

  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");
  private static final Pattern SIZE = Pattern.compile("(\\d+)([kmgt]?)(i?b)?");

  private Units() {}

  /**
   * Parses {@code 500ms}, {@code 90s}, {@code 15m}, {@code 24h}, {@code 7d}, or an ISO-8601
   * duration ({@code PT24H}).
   *
   * @throws IllegalArgumentException naming the value and the accepted forms
   */
  static Duration duration(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    Matcher m = DURATION.matcher(t);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      Duration d = switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
      if (d.isZero()) {
        throw new IllegalArgumentException("duration must be > 0 but was '" + text + "'");
      }
      return d;
    }
    try {
      Duration d = Duration.parse(text.trim().toUpperCase(Locale.ROOT));
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("duration must be > 0 but was '" + text + "'");
      }
      return d;
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration: use e.g. 500ms, 90s, 15m, 24h, 7d or PT24H");
    }
  }

  /**
   * Parses a byte size: {@code 1048576}, {@code 512k}, {@code 256m}, {@code 2g}, {@code 1t}
   * (binary multiples; {@code 256MiB} and {@code 256mb} are accepted too).
   *
   * @throws IllegalArgumentException naming the value and the accepted forms
   */
  static long bytes(String text) {
    Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a size: use e.g. 1048576, 512k, 256m, 2g");
    }
    long n = Long.parseLong(m.group(1));
    int shift = switch (m.group(2)) {
      case "k" -> 10;
      case "m" -> 20;
      case "g" -> 30;
      case "t" -> 40;
      default -> 0;
    };
    if (n > (Long.MAX_VALUE >> shift)) {
      throw new IllegalArgumentException("size '" + text + "' is too large");
    }
    if (n == 0) {
      throw new IllegalArgumentException("size must be > 0 but was '" + text + "'");
    }
    return n << shift;
  }

  /**
   * Parses {@code K/N} (in the top set in at least K of the last N windows).
   *
   * @return {@code {k, n}}
   * @throws IllegalArgumentException unless {@code 1 <= K <= N}
   */
  static int[] ratio(String text) {
    String[] parts = text.trim().split("/", -1);
    try {
      if (parts.length == 2) {
        int k = Integer.parseInt(parts[0].trim());
        int n = Integer.parseInt(parts[1].trim());
        if (k >= 1 && k <= n) {
          return new int[] {k, n};
        }
      }
    } catch (NumberFormatException e) {
      // reported below with the accepted form
    }
    throw new IllegalArgumentException(
        "'" + text + "' is not K/N with 1 <= K <= N, e.g. 2/3 (top set in 2 of the last 3 windows)");
  }
}
