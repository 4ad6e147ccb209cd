package dev.preheat.hotset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HeavyHittersTest {

  static final int DISTINCT = 300_000;
  static final int DRAWS = 2_000_000;
  static final int TOP = 1_000;
  static final int CAPACITY = Integer.getInteger("hh.capacity", 16_384);

  @ParameterizedTest(name = "zipf s={0}")
  @CsvSource({"1.0, 11", "1.1, 12", "1.2, 13"})
  void topThousandMatchesExactCountingOnZipfTraffic(double s, long seed) {
    Zipf zipf = new Zipf(DISTINCT, s, seed);
    Map<String, long[]> exact = new HashMap<>();
    HeavyHitters whole = HeavyHitters.withCapacity(CAPACITY);
    HeavyHitters firstHalf = HeavyHitters.withCapacity(CAPACITY);
    HeavyHitters secondHalf = HeavyHitters.withCapacity(CAPACITY);
    for (int i = 0; i < DRAWS; i++) {
      String url = zipf.next();
      exact.computeIfAbsent(url, k -> new long[1])[0]++;
      whole.add(url, 1);
      (i < DRAWS / 2 ? firstHalf : secondHalf).add(url, 1);
    }
    HeavyHitters merged = firstHalf.merge(secondHalf);

    Set<String> exactTop =
        exact.entrySet().stream()
            .sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]))
            .limit(TOP)
            .map(Map.Entry::getKey)
            .collect(Collectors.toSet());

    for (HeavyHitters hh : List.of(whole, merged)) {
      Set<String> sketchTop = new HashSet<>();
      hh.top(TOP).forEach(e -> sketchTop.add(e.item()));
      sketchTop.retainAll(exactTop);
      double recall = sketchTop.size() / (double) TOP;
      System.out.printf(
          "zipf s=%.1f capacity=%d %s recall=%.4f errorBound=%d N/k=%d%n",
          s, CAPACITY, hh == whole ? "single" : "merged", recall, hh.errorBound(),
          DRAWS / CAPACITY);
      assertThat(recall).isGreaterThanOrEqualTo(0.99);
      assertThat(hh.totalWeight()).isEqualTo(DRAWS);
      assertThat(hh.errorBound()).isLessThanOrEqualTo(DRAWS / CAPACITY);
      // the guarantees: upper bounds within the error bound, every heavy item tracked
      List<String> violations = new java.util.ArrayList<>();
      for (HeavyHitters.Estimate e : hh.entries()) {
        long truth = exact.get(e.item())[0];
        if (e.weight() < truth || e.weight() - truth > e.error() || e.error() > hh.errorBound()) {
          violations.add(e + " truth=" + truth);
        }
      }
      exact.forEach(
          (url, c) -> {
            if (c[0] > hh.errorBound() && !hh.contains(url)) {
              violations.add("untracked heavy " + url + " truth=" + c[0]);
            }
          });
      assertThat(violations).isEmpty();
    }
  }

  @Test
  void exactWhileNothingIsEvicted() {
    HeavyHitters hh = HeavyHitters.withCapacity(3);
    hh.add("/a", 5, 500);
    hh.add("/b", 2, 20);
    hh.add("/a", 1, 100);
    assertThat(hh.errorBound()).isZero();
    assertThat(hh.entries())
        .containsExactly(
            new HeavyHitters.Estimate("/a", 6, 0, 600), new HeavyHitters.Estimate("/b", 2, 0, 20));
    assertThat(hh.estimate("/zzz")).isZero();
  }

  @Test
  void evictionReplacesTheLightestAndBoundsTheError() {
    HeavyHitters hh = HeavyHitters.withCapacity(2);
    hh.add("/a", 10);
    hh.add("/b", 3);
    hh.add("/c", 1); // evicts /b (3): /c estimated 4 with error 3
    assertThat(hh.contains("/b")).isFalse();
    assertThat(hh.entries())
        .containsExactly(
            new HeavyHitters.Estimate("/a", 10, 0, 0), new HeavyHitters.Estimate("/c", 4, 3, 0));
    assertThat(hh.errorBound()).isEqualTo(3);
    assertThat(hh.estimate("/b")).isEqualTo(3);
    assertThat(hh.totalWeight()).isEqualTo(14);
  }

  @Test
  void mergeAddsSharedItemsAndChargesMissingOnesTheOtherSidesBound() {
    HeavyHitters left = HeavyHitters.withCapacity(2);
    left.add("/a", 10);
    left.add("/b", 3);
    left.add("/c", 1); // left: /a 10, /c 4 (err 3), bound 3
    HeavyHitters right = HeavyHitters.withCapacity(2);
    right.add("/a", 5);
    right.add("/d", 2); // right: exact, bound 0
    HeavyHitters merged = left.merge(right);
    // union: /a 15, /c 4+0, /d 3+2=5 (err 3); keep 2: /a, /d; bound max(3+0, 4)=4
    assertThat(merged.entries())
        .containsExactly(
            new HeavyHitters.Estimate("/a", 15, 0, 0), new HeavyHitters.Estimate("/d", 5, 3, 0));
    assertThat(merged.errorBound()).isEqualTo(4);
    assertThat(merged.totalWeight()).isEqualTo(21);
    assertThat(left.size()).as("inputs unchanged").isEqualTo(2);
  }

  @Test
  void serializedFormRoundTrips() {
    Zipf zipf = new Zipf(10_000, 1.1, 7);
    HeavyHitters hh = HeavyHitters.withCapacity(256);
    for (int i = 0; i < 50_000; i++) {
      hh.add(zipf.next(), 1, i % 7);
    }
    hh.add("/ünïcode/路径", 1_000, 9);
    HeavyHitters copy = HeavyHitters.fromBytes(hh.toBytes());
    assertThat(copy.entries()).isEqualTo(hh.entries());
    assertThat(copy.capacity()).isEqualTo(256);
    assertThat(copy.errorBound()).isEqualTo(hh.errorBound());
    assertThat(copy.totalWeight()).isEqualTo(hh.totalWeight());
    // a read summary keeps working as a summary
    copy.add("/new", 1);
    assertThat(copy.totalWeight()).isEqualTo(hh.totalWeight() + 1);
  }

  @Test
  void rejectsCorruptOrHostileSerializedForms() {
    HeavyHitters hh = HeavyHitters.withCapacity(4);
    hh.add("/a", 3);
    byte[] good = hh.toBytes();

    assertThatThrownBy(() -> HeavyHitters.fromBytes(new byte[] {1, 2, 3, 4, 5}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("magic");
    assertThatThrownBy(() -> HeavyHitters.fromBytes(Arrays.copyOf(good, good.length - 3)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("truncated");
    assertThatThrownBy(() -> HeavyHitters.fromBytes(Arrays.copyOf(good, good.length + 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("trailing");
    byte[] hugeLength = good.clone();
    ByteBuffer.wrap(hugeLength).putInt(29, Integer.MAX_VALUE);
    assertThatThrownBy(() -> HeavyHitters.fromBytes(hugeLength))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("beyond the input");
    byte[] hugeCapacity = good.clone();
    ByteBuffer.wrap(hugeCapacity).putInt(5, Integer.MAX_VALUE);
    assertThatThrownBy(() -> HeavyHitters.fromBytes(hugeCapacity))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("capacity");
  }

  @ParameterizedTest
  @CsvSource({"0", "-1", "67108865"})
  void rejectsInvalidCapacity(int capacity) {
    assertThatThrownBy(() -> HeavyHitters.withCapacity(capacity))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("capacity must be in [1, 67108864] but was " + capacity);
  }

  @Test
  void rejectsNegativeWeight() {
    HeavyHitters hh = HeavyHitters.withCapacity(4);
    assertThatThrownBy(() -> hh.add("/a", -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("/a");
  }
}
