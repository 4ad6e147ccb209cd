package dev.preheat.internal.warm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EnginePartsTest {

  @ParameterizedTest(name = "q={0}")
  @CsvSource({"0.50", "0.95", "0.99"})
  void histogramPercentilesAreWithinFourPercent(double q) {
    LatencyHistogram h = new LatencyHistogram();
    Random random = new Random(7);
    long[] samples = new long[100_000];
    for (int i = 0; i < samples.length; i++) {
      // Log-uniform from 100 us to 10 s: exercises many powers of two.
      samples[i] = (long) Math.pow(10, 2 + random.nextDouble() * 5);
      h.record(Duration.ofNanos(samples[i] * 1000));
    }
    java.util.Arrays.sort(samples);
    double exact = samples[(int) Math.ceil(q * samples.length) - 1];
    assertThat(h.quantileMicros(q)).isCloseTo(exact, org.assertj.core.data.Percentage.withPercentage(4));
    assertThat(h.count()).isEqualTo(100_000);
  }

  @Test
  void histogramClampsHugeAndNegativeSamples() {
    LatencyHistogram h = new LatencyHistogram();
    h.record(Duration.ofDays(365));
    h.record(Duration.ofMillis(-5));
    assertThat(h.summary().count()).isEqualTo(2);
    assertThat(h.quantileMicros(0.01)).isZero();
    assertThat(h.summary().maxMillis()).isEqualTo(Duration.ofDays(365).toMillis());
  }

  @Test
  void tokenBucketNeverHandsOutMoreThanBurstPlusRateTimesTime() {
    TokenBucket b = new TokenBucket(100, 10, 0);
    // a new bucket holds one token: a cold start sends no burst
    assertThat(drain(b, 0, 1_000_000_000L)).isEqualTo(101);
    assertThat(b.nanosUntilAvailable(1_000_000_000L)).isEqualTo(10_000_000L);
    // after idling, the burst is available once, then the rate holds
    assertThat(drain(b, 3_000_000_000L, 4_000_000_000L)).isEqualTo(110);
    assertThatThrownBy(() -> new TokenBucket(0, 1, 0))
        .hasMessage("rate must be a finite number > 0 but was 0.0");
  }

  private static int drain(TokenBucket b, long from, long to) {
    int granted = 0;
    for (long t = from; t <= to; t += 1_000_000L) {
      while (b.tryAcquire(t)) {
        granted++;
      }
    }
    return granted;
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "http://h/a                     | http://h/a",
      "http://h/s?q=secret&page=2     | http://h/s?q=~H&page=~H",
      "v http://h/s?token=abc#frag    | v http://h/s?token=~H#frag",
      "http://h/s?flag&x=             | http://h/s?~H&x=",
      "http://h/dl?abc123token        | http://h/dl?~H",
      "http://h/dl?&&t=1              | http://h/dl?&&t=~H"})
  void redactorHashesQueryValuesOnly(String in, String expected) {
    // ~H stands for a keyed hash: ~ and 8 hex digits.
    String regex = java.util.Arrays.stream(expected.split("~H", -1))
        .map(java.util.regex.Pattern::quote)
        .collect(java.util.stream.Collectors.joining("~[0-9a-f]{8}"));
    assertThat(Redactor.QUERY_VALUES.redact(in)).matches(regex);
    assertThat(Redactor.NONE.redact(in)).isEqualTo(in);
  }

  @Test
  void redactedValuesStayDistinctWithoutRevealingThem() {
    String rss = Redactor.QUERY_VALUES.redact("http://h/blog?flav=rss20");
    String atom = Redactor.QUERY_VALUES.redact("http://h/blog?flav=atom");
    assertThat(rss).isNotEqualTo(atom).doesNotContain("rss20").startsWith("http://h/blog?flav=~");
    assertThat(atom).doesNotContain("atom");
    assertThat(Redactor.QUERY_VALUES.redact("http://h/x?flav=rss20")).endsWith(rss.substring(
        rss.indexOf('=')));

    byte[] key = "0123456789abcdef0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(Redactor.keyed(key).redact("/a?q=1")).isEqualTo(Redactor.keyed(key).redact("/a?q=1"))
        .as("a keyed redactor is stable across instances (and runs)");
    byte[] other = key.clone();
    other[0] = 'X';
    assertThat(Redactor.keyed(other).redact("/a?q=1")).isNotEqualTo(Redactor.keyed(key).redact("/a?q=1"));
    assertThatThrownBy(() -> Redactor.keyed(new byte[8])).hasMessageContaining("at least 16 bytes");
  }
}
