package dev.preheat.internal.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TargetCacheTest {

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static Object get(TargetCache cache, String key) {
    byte[] b = bytes("xx" + key + "yy"); // keys are looked up as slices of a larger buffer
    return cache.get(b, 2, b.length - 4, TargetCache.hash(b, 2, b.length - 4));
  }

  private static void put(TargetCache cache, String key, Object value) {
    byte[] b = bytes(key);
    cache.put(b, 0, b.length, TargetCache.hash(b, 0, b.length), value);
  }

  @Test
  void findsEveryKeyAfterGrowingAndNeverConfusesSimilarOnes() {
    TargetCache cache = new TargetCache(100_000, 1 << 24);
    for (int i = 0; i < 50_000; i++) {
      put(cache, "/item/" + i, "canonical-" + i);
    }

    for (int i = 0; i < 50_000; i++) {
      assertThat(get(cache, "/item/" + i)).isEqualTo("canonical-" + i);
    }
    assertThat(get(cache, "/item/50000")).isNull();
    assertThat(get(cache, "/item/")).isNull();
    assertThat(cache.clears()).isZero();
  }

  @ParameterizedTest
  @CsvSource({
    "100, 1000000, 250, 2",   // bounded by entries
    "100000, 500, 250, 2",    // bounded by key bytes (keys are 4 to 6 bytes)
  })
  void clearsWhenFullSoMemoryStaysBounded(int entries, long keyBytes, int puts, long minClears) {
    TargetCache cache = new TargetCache(entries, keyBytes);
    for (int i = 0; i < puts; i++) {
      put(cache, "/k/" + i, i);
    }

    assertThat(cache.clears()).isGreaterThanOrEqualTo(minClears);
    assertThat(get(cache, "/k/" + (puts - 1))).isEqualTo(puts - 1);
    assertThat(get(cache, "/k/0")).isNull();
  }

  @Test
  void remembersRejections() {
    TargetCache cache = new TargetCache(16, 1024);
    put(cache, "/bad", new TargetCache.Rejected("nope"));

    assertThat(get(cache, "/bad")).isInstanceOfSatisfying(TargetCache.Rejected.class,
        r -> assertThat(r.reason).isEqualTo("nope"));
  }

  @Test
  void peekHintsPointAtTheEntryTheLookupFinds() {
    TargetCache cache = new TargetCache(1_000, 1 << 20, 2, (v, c, at) -> { });
    for (int i = 0; i < 500; i++) {
      byte[] b = bytes("/item/" + i);
      int h = TargetCache.hash(b, 0, b.length);
      int e = cache.add(b, 0, b.length, h, "v" + i, false);
      int key = cache.peekRecord(cache.peekSlot(h), h, b.length);
      if (key >= 0) {
        // A hint that matched names the entry's key: its first byte is the target's.
        assertThat(cache.peekKey(key)).isEqualTo((int) '/');
      }
      assertThat(cache.find(b, 0, b.length, h)).isEqualTo(e);
    }
    byte[] absent = bytes("/absent");
    int h = TargetCache.hash(absent, 0, absent.length);
    assertThat(cache.peekKey(cache.peekRecord(cache.peekSlot(h), h, absent.length))).isZero();
    assertThat(cache.peekKey(-1)).isZero();
    assertThat(cache.peekKey(Integer.MAX_VALUE)).isZero();
  }
}
