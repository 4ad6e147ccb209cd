package dev.preheat.internal.warm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.util.Random;
import org.junit.jupiter.api.Test;
import tools.jackson.core.io.JsonStringEncoder;

class CheckpointQuotingTest {

  /** The fast path writes exactly what Jackson's encoder would, for any string. */
  @Test
  void writesWhatJacksonsEncoderWrites() throws Exception {
    String alphabet = "aZ09 -_/:?&=%.~é€日\u2028\u007f\"\\\n\r\t\u0000\u001f\ud83d\ude00";
    Random random = new Random(11);
    for (int round = 0; round < 2000; round++) {
      StringBuilder b = new StringBuilder();
      int len = random.nextInt(30);
      boolean plain = round % 2 == 0;
      for (int i = 0; i < len; i++) {
        char c = alphabet.charAt(random.nextInt(plain ? 17 : alphabet.length()));
        b.append(c);
      }
      String s = b.toString();
      StringWriter w = new StringWriter();
      FileCheckpointStore.writeQuoted(w, s);
      assertThat(w.toString())
          .isEqualTo(new String(JsonStringEncoder.getInstance().quoteAsCharArray(s)));
    }
    StringWriter w = new StringWriter();
    FileCheckpointStore.writeQuoted(w, "gzip https://shop.test/a?q=\"x\"\\y\n");
    assertThat(w.toString()).isEqualTo("gzip https://shop.test/a?q=\\\"x\\\"\\\\y\\n");
  }
}
