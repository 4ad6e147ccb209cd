package dev.preheat.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PrimeKeysTest {

  private static final String HEADER = "redis-prime\nttl=60000\n";

  /** The plan hash written the plain way: one digest update per key and newline. */
  private static String reference(List<String> keys) throws Exception {
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    d.update(HEADER.getBytes(StandardCharsets.UTF_8));
    for (String k : keys) {
      d.update(k.getBytes(StandardCharsets.UTF_8));
      d.update((byte) '\n');
    }
    return HexFormat.of().formatHex(d.digest());
  }

  @Test
  void keepsTheFirstOccurrenceInOrderAndHashesTheDistinctKeys() throws Exception {
    // "Aa" and "BB" share a String hash code: equal slots, different keys
    List<String> in = List.of("b", "a", "Aa", "b", "BB", "a", "c", "Aa");
    PrimeKeys k = PrimeKeys.of(in, HEADER);
    assertThat(k.keys()).containsExactly("b", "a", "Aa", "BB", "c");
    assertThat(k.planHash()).isEqualTo(reference(List.of("b", "a", "Aa", "BB", "c")))
        .isEqualTo(PrimeKeys.planHash(HEADER, k.keys()));
  }

  @Test
  void hashesNonAsciiAndHugeKeysAsUtf8() throws Exception {
    char[] big = new char[70_000];
    Arrays.fill(big, 'k');
    List<String> in = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      in.add("user:" + i);
      if (i % 997 == 0) {
        in.add("caf\u00e9:" + i + ":\u4e2d\u6587:\ud83d\ude00");
      }
    }
    in.add(new String(big));
    in.add("tail");
    in.add("user:5");
    PrimeKeys k = PrimeKeys.of(in, HEADER);
    List<String> distinct = new ArrayList<>(new LinkedHashSet<>(in));
    assertThat(k.keys()).isEqualTo(distinct);
    assertThat(k.planHash()).isEqualTo(reference(distinct));
  }

  @Test
  void manyKeysWithRandomDuplicatesMatchALinkedHashSet() throws Exception {
    Random r = new Random(42);
    List<String> in = new ArrayList<>();
    for (int i = 0; i < 200_000; i++) {
      in.add("k:" + r.nextInt(120_000));
    }
    PrimeKeys k = PrimeKeys.of(in, HEADER);
    List<String> distinct = new ArrayList<>(new LinkedHashSet<>(in));
    assertThat(k.keys()).isEqualTo(distinct);
    assertThat(k.planHash()).isEqualTo(reference(distinct));
  }

  @Test
  void withoutDuplicatesReturnsACopy() {
    List<String> in = new ArrayList<>(List.of("x", "y"));
    PrimeKeys k = PrimeKeys.of(in, HEADER);
    in.set(0, "changed");
    assertThat(k.keys()).containsExactly("x", "y");
    assertThat(PrimeKeys.of(List.of(), HEADER).keys()).isEmpty();
  }

  @Test
  void namesTheBadKeyByItsPositionInTheCallersList() {
    assertThatThrownBy(() -> PrimeKeys.of(Arrays.asList("a", "a", null), HEADER))
        .isInstanceOf(NullPointerException.class).hasMessage("key 2");
    assertThatThrownBy(() -> PrimeKeys.of(List.of("a", "b", "a", ""), HEADER))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("key 3 is empty; Redis keys to prime must be non-empty");
  }
}
