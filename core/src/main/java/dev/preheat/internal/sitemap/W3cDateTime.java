package dev.preheat.internal.sitemap;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the W3C datetime profile of ISO 8601 used by sitemap {@code <lastmod>}
 * (https://www.w3.org/TR/NOTE-datetime).
 *
 * <p>Accepted: {@code YYYY}, {@code YYYY-MM}, {@code YYYY-MM-DD} (start of that year, month or day
 * in UTC), and {@code YYYY-MM-DDThh:mm}, {@code ...:ss}, {@code ...:ss.s+} each followed by a
 * mandatory zone designator {@code Z} or {@code ±hh:mm}. A time without a zone is rejected: it
 * names no instant. Fractions beyond nanoseconds are truncated.
 */
public final class W3cDateTime {

  private static final Pattern FORMAT =
      Pattern.compile(
          "(\\d{4})(?:-(\\d{2})(?:-(\\d{2})"
              + "(?:T(\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d+))?)?(Z|[+-]\\d{2}:\\d{2})?)?)?)?");

  private W3cDateTime() {}

  /**
   * Parses {@code text}.
   *
   * @param text the datetime, without surrounding whitespace
   * @return the instant it denotes
   * @throws IllegalArgumentException if {@code text} is not a valid W3C datetime; the message
   *     says what is wrong
   */
  public static Instant parse(String text) {
    Matcher m = FORMAT.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "not a W3C datetime (expected YYYY-MM-DD or YYYY-MM-DDThh:mm:ss+hh:mm)");
    }
    if (m.group(4) != null && m.group(8) == null) {
      throw new IllegalArgumentException(
          "time without zone designator; add Z or an offset such as +01:00");
    }
    try {
      int year = Integer.parseInt(m.group(1));
      int month = m.group(2) == null ? 1 : Integer.parseInt(m.group(2));
      int day = m.group(3) == null ? 1 : Integer.parseInt(m.group(3));
      LocalDate date = LocalDate.of(year, month, day);
      if (m.group(4) == null) {
        return date.atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      int hour = Integer.parseInt(m.group(4));
      int minute = Integer.parseInt(m.group(5));
      int second = m.group(6) == null ? 0 : Integer.parseInt(m.group(6));
      int nanos = m.group(7) == null ? 0 : nanos(m.group(7));
      ZoneOffset offset =
          "Z".equals(m.group(8)) ? ZoneOffset.UTC : ZoneOffset.of(m.group(8));
      return OffsetDateTime.of(date, LocalTime.of(hour, minute, second, nanos), offset)
          .toInstant();
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("invalid date or time: " + e.getMessage(), e);
    }
  }

  private static int nanos(String fraction) {
    String digits = fraction.length() > 9 ? fraction.substring(0, 9) : fraction;
    StringBuilder padded = new StringBuilder(digits);
    while (padded.length() < 9) {
      padded.append('0');
    }
    return Integer.parseInt(padded.toString());
  }
}
