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

  @Test
  void shardsHandOverEveryCountedEntryExactlyOnceAndEqualUrlsToTheSameShard() {
    int shards = 3;
    java.util.Map<Object, Long> handed = new java.util.HashMap<>();
    java.util.Map<Object, Integer> shardOfUrl = new java.util.HashMap<>();
    TargetCache[] caches = new TargetCache[2];
    int[][] perShard = new int[caches.length][];
    for (int c = 0; c < caches.length; c++) {
      TargetCache cache = new TargetCache(10_000, 1 << 20, 2, (v, counts, at) -> { });
      for (int i = 0; i < 2_000; i++) {
        // Two raw targets per canonical URL; the caches overlap on half of the URLs.
        String raw = "/p/" + (i + 1_000 * c) + (i % 2 == 0 ? "?utm_source=x" : "");
        byte[] b = bytes(raw);
        Object value = i % 97 == 0 ? new TargetCache.Rejected("bad") : "/p/" + (i + 1_000 * c);
        int e = cache.add(b, 0, b.length, TargetCache.hash(b, 0, b.length), value, false);
        if (!(value instanceof TargetCache.Rejected) && i % 5 != 0) {
          cache.recordPage(e)[cache.recordAt(e) + 1] = 1; // entries with i % 5 == 0 stay uncounted
        }
      }
      caches[c] = cache;
      perShard[c] = cache.assignShards(shards);
    }
    int[] entriesPerShard = new int[shards];
    for (int shard = 0; shard < shards; shard++) {
      int s = shard;
      for (TargetCache cache : caches) {
        cache.drainShard(shard, (v, counts, at) -> {
          handed.merge(v, counts[at], Long::sum);
          assertThat(shardOfUrl.putIfAbsent(v, s)).isIn(null, s);
          assertThat(TargetCache.shardOf((String) v, shards)).isEqualTo(s);
          entriesPerShard[s]++;
        });
      }
    }
    long expectedEntries = 0;
    for (int c = 0; c < caches.length; c++) {
      for (int i = 0; i < 2_000; i++) {
        if (i % 97 != 0 && i % 5 != 0) {
          expectedEntries++;
        }
      }
    }
    assertThat(java.util.Arrays.stream(entriesPerShard).sum()).isEqualTo(expectedEntries);
    for (int shard = 0; shard < shards; shard++) {
      assertThat(perShard[0][shard] + perShard[1][shard]).isEqualTo(entriesPerShard[shard]);
      assertThat(entriesPerShard[shard]).isGreaterThan(800); // roughly even
    }
    assertThat(handed.values()).allMatch(n -> n == 1 || n == 2);
    assertThat(handed).containsEntry("/p/1001", 2L).containsEntry("/p/1", 1L)
        .doesNotContainKey("/p/0").doesNotContainKey("/p/97");
  }
}
