package dev.preheat.spring;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Warms one Spring cache: declare a bean per cache. Preheat asks for the keys when warming starts
 * and loads the ones the cache does not hold yet, in parallel ({@code preheat.cache.concurrency})
 * and in batches ({@code preheat.cache.batch-size}); a Caffeine-backed cache is filled with one
 * bulk {@code getAll} per batch, which calls {@link #loadAll}.
 *
 * <p>Keys must be the keys the cache uses (for {@code @Cacheable} methods with one parameter, the
 * argument). A key whose load throws is counted as failed and the others go on.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface CacheWarmer<K, V> {

  /** The name of the cache in the {@code CacheManager}. */
  String cacheName();

  /** The keys to warm, hottest first; called when warming starts, never during refresh. */
  Iterable<? extends K> keys() throws Exception;

  /** The value of {@code key}; null values are not stored. */
  @Nullable V load(K key) throws Exception;

  /**
   * The values of {@code keys} (a batch). The default loads them one by one; override it when the
   * source has a bulk read. Keys missing from the result are not stored.
   */
  default Map<K, V> loadAll(List<K> keys) throws Exception {
    Map<K, V> out = new LinkedHashMap<>();
    for (K key : keys) {
      V v = load(key);
      if (v != null) {
        out.put(key, v);
      }
    }
    return out;
  }
}
