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

  @Test
  void keysOfEveryLengthAcrossKeyAndEntryPagesSurviveGrowthAndClears() {
    // Keys of up to 3,000 bytes over several key pages (a key that does not fit the rest of a
    // page starts the next one), 9,000 entries over three entry pages, the slot table rebuilt
    // several times: each key is found with its own value, flag and counters, and the drain
    // sees every counted entry.
    java.util.Map<Object, Long> drained = new java.util.HashMap<>();
    TargetCache cache = new TargetCache(10_000, 1 << 22, 2,
        (v, counts, at) -> drained.merge(v, counts[at], Long::sum));
    java.util.SplittableRandom random = new java.util.SplittableRandom(7);
    java.util.List<String> keys = new java.util.ArrayList<>();
    for (int i = 0; i < 9_000; i++) {
      StringBuilder k = new StringBuilder("/k/").append(i).append('/');
      int extra = random.nextInt(10) == 0 ? random.nextInt(3_000) : random.nextInt(40);
      for (int j = 0; j < extra; j++) {
        k.append((char) ('a' + random.nextInt(26)));
      }
      String key = k.toString();
      byte[] b = bytes(key);
      int e = cache.add(b, 0, b.length, TargetCache.hash(b, 0, b.length), "v" + i, i % 3 == 0);
      cache.recordPage(e)[cache.recordAt(e) + 1] += i;
      keys.add(key);
    }
    assertThat(cache.clears()).isZero();
    for (int i = 0; i < keys.size(); i++) {
      byte[] b = bytes("xx" + keys.get(i) + "yy");
      int e = cache.find(b, 2, b.length - 4, TargetCache.hash(b, 2, b.length - 4));
      assertThat(e).isEqualTo(i);
      assertThat(cache.value(e)).isEqualTo("v" + i);
      long flags = cache.recordPage(e)[cache.recordAt(e)];
      assertThat((flags & TargetCache.FLAGGED) != 0).isEqualTo(i % 3 == 0);
      assertThat(cache.recordPage(e)[cache.recordAt(e) + 1]).isEqualTo(i);
    }
    cache.drainAll();
    assertThat(drained).hasSize(keys.size() - 1).doesNotContainKey("v0");
    assertThat(drained).containsEntry("v8999", 8_999L);

    // 5,000 key bytes at most: a page of 4,096 bytes and one of 904, keys that do not fit the
    // rest of the first start the second, and the cache clears when the second is full.
    TargetCache small = new TargetCache(1_000, 5_000);
    int clearsSeen = 0;
    for (int i = 0; i < 2_000; i++) {
      String key = "/s/" + i + "/" + "x".repeat(i % 300);
      put(small, key, i);
      assertThat(get(small, key)).isEqualTo(i);
      clearsSeen = (int) small.clears();
    }
    assertThat(clearsSeen).isGreaterThan(20);
    assertThat(get(small, "/s/0/")).isNull();
  }

  @Test
  void keysAsLongAsTheLimitAreCachedAndLongerOnesAreNot() {
    TargetCache cache = new TargetCache(1_000, 1 << 24);
    String longest = "/" + "a".repeat(TargetCache.MAX_KEY_LENGTH - 1);
    for (int i = 0; i < 10; i++) {
      put(cache, i + longest.substring(1 + String.valueOf(i).length()) + "/", i);
    }
    put(cache, longest, "long");
    assertThat(get(cache, longest)).isEqualTo("long");
    for (int i = 0; i < 10; i++) {
      assertThat(get(cache, i + longest.substring(1 + String.valueOf(i).length()) + "/")).isEqualTo(i);
    }
    assertThat(cache.cacheable(TargetCache.MAX_KEY_LENGTH + 1)).isFalse();
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
