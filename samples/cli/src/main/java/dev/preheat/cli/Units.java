package dev.preheat.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsers for the CLI's human-friendly values: durations ({@code 24h}) and sizes ({@code 256m}). */
final class Units {

  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");
  private static final Pattern RATE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*/\\s*(s|sec|m|min|h)");
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

  /** Formats a duration the way {@link #duration} reads it: {@code 24h}, {@code 90m}, {@code 1500ms}. */
  static String format(Duration d) {
    long ms = d.toMillis();
    if (ms % 86_400_000L == 0 && ms >= 7 * 86_400_000L) {
      return ms / 86_400_000L + "d";
    }
    if (ms % 3_600_000L == 0) {
      return ms / 3_600_000L + "h";
    }
    if (ms % 60_000L == 0) {
      return ms / 60_000L + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
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

  /**
   * Parses a request rate: {@code 50/s}, {@code 600/m}, {@code 3600/h} (decimals allowed), or
   * {@code unlimited}.
   *
   * @return requests per second; {@link Double#POSITIVE_INFINITY} for {@code unlimited}
   * @throws IllegalArgumentException naming the value and the accepted forms
   */
  static double rate(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.equals("unlimited")) {
      return Double.POSITIVE_INFINITY;
    }
    Matcher m = RATE.matcher(t);
    if (m.matches()) {
      double n = Double.parseDouble(m.group(1));
      double perSecond = switch (m.group(2)) {
        case "m", "min" -> n / 60;
        case "h" -> n / 3600;
        default -> n;
      };
      if (perSecond > 0 && !Double.isInfinite(perSecond)) {
        return perSecond;
      }
      throw new IllegalArgumentException("rate must be > 0 but was '" + text + "'");
    }
    throw new IllegalArgumentException(
        "'" + text + "' is not a rate: use e.g. 50/s, 600/m, 3600/h or unlimited");
  }

  /**
   * An SLO: at least {@code share} of the targets warm within {@code within}.
   *
   * @param share 0 < share <= 1
   * @param within the time allowed
   */
  record Slo(double share, Duration within) {}

  /**
   * Parses an SLO {@code SHARE/DURATION}, e.g. {@code 0.95/15m} or {@code 95%/15m}.
   *
   * @throws IllegalArgumentException naming the value and the accepted form
   */
  static Slo slo(String text) {
    String[] parts = text.trim().split("/", -1);
    if (parts.length == 2) {
      String s = parts[0].trim();
      double share;
      try {
        share = s.endsWith("%") ? Double.parseDouble(s.substring(0, s.length() - 1)) / 100
            : Double.parseDouble(s);
      } catch (NumberFormatException e) {
        share = Double.NaN;
      }
      if (share > 0 && share <= 1) {
        return new Slo(share, duration(parts[1]));
      }
    }
    throw new IllegalArgumentException("'" + text + "' is not SHARE/DURATION with 0 < SHARE <= 1, "
        + "e.g. 0.95/15m (95% of the targets warm within 15 minutes)");
  }
}
