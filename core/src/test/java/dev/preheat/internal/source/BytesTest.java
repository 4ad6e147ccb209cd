package dev.preheat.internal.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BytesTest {

  @Test
  void firstHighIsTheIndexOfTheLowestHighBit() {
    for (int mask = 1; mask < 256; mask++) {
      long t = 0;
      for (int k = 0; k < 8; k++) {
        if ((mask & (1 << k)) != 0) {
          t |= 0x80L << (8 * k);
        }
      }
      assertThat(Bytes.firstHigh(t)).as("mask %s", mask)
          .isEqualTo(Long.numberOfTrailingZeros(t) >>> 3);
    }
  }

  /** The word-at-a-time searches find what a byte-by-byte search finds, at every alignment. */
  @Test
  void searchesMatchAByteByByteSearch() {
    Random r = new Random(20261124L);
    byte[] alphabet = {'a', '"', '\\', '\n', ' ', 0x7f, 0x01, (byte) 0x80, (byte) 0xff, '!', 'x'};
    for (int n = 0; n < 20_000; n++) {
      byte[] b = new byte[r.nextInt(40)];
      for (int i = 0; i < b.length; i++) {
        b[i] = r.nextInt(4) == 0 ? alphabet[r.nextInt(alphabet.length)] : (byte) ('a' + r.nextInt(26));
      }
      int from = b.length == 0 ? 0 : r.nextInt(b.length + 1);
      int to = from + r.nextInt(b.length - from + 1);
      assertThat(Bytes.indexOfNewline(b, from, to)).isEqualTo(naive(b, from, to, "\n"));
      assertThat(Bytes.indexOf(b, from, to, (byte) '"')).isEqualTo(naive(b, from, to, "\""));
      assertThat(Bytes.indexOfEither(b, from, to, (byte) '"', (byte) ' '))
          .isEqualTo(naive(b, from, to, "\" "));
      assertThat(Bytes.indexOfEitherOrNewline(b, from, to, (byte) '"', (byte) '\\'))
          .isEqualTo(naive(b, from, to, "\"\\\n"));
      int end = -1;
      for (int i = from; i < to && end < 0; i++) {
        int c = b[i] & 0xff;
        if (c <= 0x20 || c == '"' || c == '\\' || c == 0x7f) {
          end = i;
        }
      }
      assertThat(Bytes.indexOfTargetEnd(b, from, to)).isEqualTo(end);
    }
  }

  private static int naive(byte[] b, int from, int to, String any) {
    for (int i = from; i < to; i++) {
      if (any.indexOf((char) (b[i] & 0xff)) >= 0) {
        return i;
      }
    }
    return -1;
  }
}
