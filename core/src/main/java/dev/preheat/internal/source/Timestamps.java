package dev.preheat.internal.source;


/**
 * Parses the timestamps access logs use, without {@code java.time} on the hot path. One instance
 * per worker: it remembers the last CLF timestamp so consecutive lines within the same minute cost
 * a byte comparison and two digits.
 */
final class Timestamps {

  /** Returned for a timestamp that does not parse or names an impossible date. */
  static final long INVALID = Long.MIN_VALUE;

  private static final int CLF_LENGTH = 26; // 17/May/2015:10:05:03 +0000
  private static final int CLF_SECONDS = 18;
  private static final byte[] MONTHS =
      "JanFebMarAprMayJunJulAugSepOctNovDec".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /**
   * The last CLF timestamp parsed, as three words (see {@link #clfWord2}) of all its bytes but
   * the two seconds digits; compared with the next line's in three steps instead of two range
   * comparisons.
   */
  private long lastClf0;
  private long lastClf1;
  private long lastClf2;
  private boolean haveLastClf;
  private long lastMinuteMillis;

  /** Parses {@code dd/MMM/yyyy:HH:mm:ss ±hhmm} (nginx {@code $time_local}, Apache {@code %t}). */
  long clf(byte[] b, int off, int end) {
    if (end - off != CLF_LENGTH) {
      return INVALID;
    }
    if (haveLastClf
        && Bytes.word(b, off) == lastClf0
        && Bytes.word(b, off + 8) == lastClf1
        && clfWord2(b, off) == lastClf2) {
      int ss = twoDigits(b, off + CLF_SECONDS);
      return ss < 0 || ss > 59 ? INVALID : lastMinuteMillis + ss * 1000L;
    }
    if (b[off + 2] != '/' || b[off + 6] != '/' || b[off + 11] != ':' || b[off + 14] != ':'
        || b[off + 17] != ':' || b[off + 20] != ' ') {
      return INVALID;
    }
    int day = twoDigits(b, off);
    int month = month(b, off + 3);
    int year = fourDigits(b, off + 7);
    int hh = twoDigits(b, off + 12);
    int mm = twoDigits(b, off + 15);
    int ss = twoDigits(b, off + CLF_SECONDS);
    int zoneSign = b[off + 21] == '+' ? 1 : b[off + 21] == '-' ? -1 : 0;
    int zh = twoDigits(b, off + 22);
    int zm = twoDigits(b, off + 24);
    if (month < 0 || year < 0 || zoneSign == 0 || zh < 0 || zh > 18 || zm < 0 || zm > 59
        || ss < 0 || ss > 59) {
      return INVALID;
    }
    long minute = minuteMillis(year, month, day, hh, mm, zoneSign * (zh * 60 + zm));
    if (minute == INVALID) {
      return INVALID;
    }
    lastClf0 = Bytes.word(b, off);
    lastClf1 = Bytes.word(b, off + 8);
    lastClf2 = clfWord2(b, off);
    haveLastClf = true;
    lastMinuteMillis = minute;
    return minute + ss * 1000L;
  }

  /**
   * Bytes [16, 26) of the CLF timestamp at {@code off} but the seconds digits [18, 20), in one
   * word: the little-endian word of bytes [16, 24) with bytes [24, 26) in place of the seconds.
   */
  private static long clfWord2(byte[] b, int off) {
    return (Bytes.word(b, off + 16) & 0xFFFFFFFF0000FFFFL)
        | ((Bytes.word(b, off + CLF_SECONDS) >>> 48) << 16);
  }

  /**
   * Parses ISO-8601 {@code yyyy-MM-ddTHH:mm:ss[.fraction][Z|±hh:mm|±hhmm]} (nginx
   * {@code $time_iso8601}, JSON logs). A space may stand for {@code T}; no zone means UTC.
   */
  static long iso(byte[] b, int off, int end) {
    if (end - off < 19 || b[off + 4] != '-' || b[off + 7] != '-'
        || (b[off + 10] != 'T' && b[off + 10] != ' ' && b[off + 10] != 't')) {
      return INVALID;
    }
    long date = dateTime(b, off, off + 11);
    if (date == INVALID) {
      return INVALID;
    }
    int i = off + 19;
    long millis = 0;
    if (i < end && (b[i] == '.' || b[i] == ',')) {
      i++;
      int digits = 0;
      while (i < end && b[i] >= '0' && b[i] <= '9') {
        if (digits < 3) {
          millis = millis * 10 + (b[i] - '0');
        }
        digits++;
        i++;
      }
      if (digits == 0) {
        return INVALID;
      }
      for (int d = digits; d < 3; d++) {
        millis *= 10;
      }
    }
    int offsetMinutes = 0;
    if (i < end) {
      if ((b[i] == 'Z' || b[i] == 'z') && i + 1 == end) {
        offsetMinutes = 0;
      } else if (b[i] == '+' || b[i] == '-') {
        int sign = b[i] == '+' ? 1 : -1;
        int n = end - i - 1;
        int zh = n >= 2 ? twoDigits(b, i + 1) : -1;
        int zm;
        if (n == 2) {
          zm = 0;
        } else if (n == 4) {
          zm = twoDigits(b, i + 3);
        } else if (n == 5 && b[i + 3] == ':') {
          zm = twoDigits(b, i + 4);
        } else {
          return INVALID;
        }
        if (zh < 0 || zh > 18 || zm < 0 || zm > 59) {
          return INVALID;
        }
        offsetMinutes = sign * (zh * 60 + zm);
      } else {
        return INVALID;
      }
    }
    return date - offsetMinutes * 60_000L + millis;
  }

  /**
   * Parses a date {@code yyyy-MM-dd} at {@code dateOff} and a time {@code HH:mm:ss} at
   * {@code timeOff}, both UTC (W3C {@code date} and {@code time} fields, or the two halves of an
   * ISO timestamp).
   */
  static long dateTime(byte[] b, int dateOff, int timeOff) {
    if (b[dateOff + 4] != '-' || b[dateOff + 7] != '-' || b[timeOff + 2] != ':'
        || b[timeOff + 5] != ':') {
      return INVALID;
    }
    int year = fourDigits(b, dateOff);
    int month = twoDigits(b, dateOff + 5) - 1;
    int day = twoDigits(b, dateOff + 8);
    int ss = twoDigits(b, timeOff + 6);
    if (year < 0 || month < 0 || ss < 0 || ss > 60) {
      return INVALID;
    }
    long minute = minuteMillis(year, month, day, twoDigits(b, timeOff), twoDigits(b, timeOff + 3), 0);
    return minute == INVALID ? INVALID : minute + Math.min(ss, 59) * 1000L;
  }

  /** Epoch millis of the minute, or INVALID; month is 0-based; offset is the zone in minutes. */
  private static long minuteMillis(int year, int month, int day, int hh, int mm, int offsetMinutes) {
    if (month < 0 || month > 11 || day < 1 || day > daysInMonth(year, month) || hh < 0 || hh > 23
        || mm < 0 || mm > 59) {
      return INVALID;
    }
    long days = epochDay(year, month + 1, day);
    return ((days * 24 + hh) * 60 + mm - offsetMinutes) * 60_000L;
  }

  private static int daysInMonth(int year, int month) {
    switch (month) {
      case 1:
        boolean leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        return leap ? 29 : 28;
      case 3:
      case 5:
      case 8:
      case 10:
        return 30;
      default:
        return 31;
    }
  }

  /** Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's days_from_civil). */
  private static long epochDay(int y, int m, int d) {
    y -= m <= 2 ? 1 : 0;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
  }

  private static int month(byte[] b, int off) {
    for (int m = 0; m < 12; m++) {
      if (MONTHS[m * 3] == b[off] && MONTHS[m * 3 + 1] == b[off + 1]
          && MONTHS[m * 3 + 2] == b[off + 2]) {
        return m;
      }
    }
    return -1;
  }

  private static int twoDigits(byte[] b, int off) {
    if (off + 2 > b.length) {
      return -1;
    }
    int d0 = b[off] - '0';
    int d1 = b[off + 1] - '0';
    if (d0 < 0 || d0 > 9 || d1 < 0 || d1 > 9) {
      return -1;
    }
    return d0 * 10 + d1;
  }

  private static int fourDigits(byte[] b, int off) {
    int hi = twoDigits(b, off);
    int lo = twoDigits(b, off + 2);
    return hi < 0 || lo < 0 ? -1 : hi * 100 + lo;
  }
}
