package dev.preheat.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UnitsTest {

  @ParameterizedTest
  @CsvSource({"500ms,PT0.5S", "90s,PT1M30S", "15m,PT15M", "24h,PT24H", "7d,PT168H", "PT2H,PT2H", "24H,PT24H"})
  void parsesDurations(String text, String iso) {
    assertThat(Units.duration(text)).isEqualTo(Duration.parse(iso));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "h", "-1h", "0s", "1 day", "1.5h"})
  void rejectsBadDurations(String text) {
    assertThatThrownBy(() -> Units.duration(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @CsvSource({"1048576,1048576", "512k,524288", "256m,268435456", "256MiB,268435456", "2g,2147483648", "1t,1099511627776"})
  void parsesSizes(String text, long expected) {
    assertThat(Units.bytes(text)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "m", "-1m", "0", "1.5g", "99999999999999999t"})
  void rejectsBadSizes(String text) {
    assertThatThrownBy(() -> Units.bytes(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @CsvSource({"2/3,2,3", "1/1,1,1", " 3 / 5 ,3,5"})
  void parsesRatios(String text, int k, int n) {
    assertThat(Units.ratio(text)).containsExactly(k, n);
  }

  @ParameterizedTest
  @ValueSource(strings = {"3/2", "0/3", "2", "a/b", "2/3/4"})
  void rejectsBadRatios(String text) {
    assertThatThrownBy(() -> Units.ratio(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("K/N");
  }

  @ParameterizedTest
  @CsvSource({"50/s,50", "600/m,10", "3600/h,1", "0.5/s,0.5", "30 / min,0.5", "unlimited,Infinity"})
  void parsesRates(String text, double perSecond) {
    assertThat(Units.rate(text)).isEqualTo(perSecond);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "50", "0/s", "-1/s", "50/d", "fast"})
  void rejectsBadRates(String text) {
    assertThatThrownBy(() -> Units.rate(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @CsvSource({"0.95/15m,0.95,PT15M", "95%/1h,0.95,PT1H", "1/30s,1.0,PT30S"})
  void parsesSlos(String text, double share, String within) {
    assertThat(Units.slo(text)).isEqualTo(new Units.Slo(share, Duration.parse(within)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.95", "0/15m", "1.5/15m", "x/15m", "0.95/soon"})
  void rejectsBadSlos(String text) {
    assertThatThrownBy(() -> Units.slo(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void formatWritesWhatDurationReads() {
    for (String text : List.of("24h", "90m", "1500ms", "45s", "14d", "25h")) {
      assertThat(Units.format(Units.duration(text))).isEqualTo(text);
    }
    assertThat(Units.format(Duration.ofDays(2))).isEqualTo("48h");
  }
}
