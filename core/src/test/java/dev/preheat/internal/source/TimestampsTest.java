package dev.preheat.internal.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TimestampsTest {

  private static final DateTimeFormatter CLF =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);

  private static long clf(Timestamps t, String s) {
    byte[] b = ("[" + s + "]").getBytes(StandardCharsets.US_ASCII);
    return t.clf(b, 1, b.length - 1);
  }

  private static long expected(String s) {
    return OffsetDateTime.parse(s, CLF).toInstant().toEpochMilli();
  }

  /**
   * The remembered minute is reused only when every byte but the seconds matches: a change in
   * any other position (day, month, year, hour, minute, zone) is parsed afresh.
   */
  @Test
  void reusesTheLastMinuteOnlyWhenAllButTheSecondsMatch() {
    Timestamps t = new Timestamps();
    String[] sequence = {
      "30/Oct/2026:00:00:00 +0000", "30/Oct/2026:00:00:59 +0000", "31/Oct/2026:00:00:59 +0000",
      "31/Oct/2027:00:00:59 +0000", "31/Oct/2028:00:00:59 +0000", "31/Oct/2028:00:00:07 +0030",
      "31/Oct/2028:00:00:07 +0031", "31/Oct/2028:00:00:07 -0031", "31/Oct/2028:00:01:07 -0031",
      "31/Oct/2028:10:01:07 -0031", "31/Nov/2028:10:01:07 -0031", "01/Nov/2028:10:01:07 -0031",
      "01/Nov/2028:10:01:08 -0031", "01/Nov/2028:10:01:08 -0032", "01/Nov/2028:10:01:08 -0132",
    };
    for (String s : sequence) {
      long parsed = clf(t, s);
      if (s.startsWith("31/Nov")) {
        assertThat(parsed).as(s).isEqualTo(Timestamps.INVALID);
      } else {
        assertThat(parsed).as(s).isEqualTo(expected(s));
      }
    }
  }

  @Test
  void matchesJavaTimeOnRandomSequences() {
    Timestamps t = new Timestamps();
    Random r = new Random(20261124L);
    OffsetDateTime time = OffsetDateTime.parse("28/Feb/2024:23:58:00 +0100", CLF);
    for (int i = 0; i < 20_000; i++) {
      switch (r.nextInt(6)) {
        case 0 -> time = time.plusSeconds(r.nextInt(3));
        case 1 -> time = time.plusMinutes(1);
        case 2 -> time = time.plusHours(r.nextInt(30));
        case 3 -> time = time.withOffsetSameInstant(
            java.time.ZoneOffset.ofHoursMinutes(r.nextInt(25) - 12, 0));
        case 4 -> time = time.plusYears(r.nextInt(2));
        default -> time = time.plusSeconds(r.nextInt(100_000));
      }
      String s = time.format(CLF);
      assertThat(clf(t, s)).as(s).isEqualTo(time.toInstant().toEpochMilli());
    }
  }
}
