package dev.preheat.spring.internal;

import dev.preheat.spring.CacheWarmer;
import dev.preheat.spring.TaskOutcome;
import dev.preheat.spring.WarmTask;
import dev.preheat.spring.WarmTaskContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.util.ClassUtils;

/**
 * Warms the cache a {@link CacheWarmer} names: keys the cache lacks are loaded and put; a
 * Caffeine-backed cache gets one bulk {@code getAll} per batch.
 */
public final class CacheWarmerTask implements WarmTask {

  private static final boolean CAFFEINE = ClassUtils.isPresent(
      "com.github.benmanes.caffeine.cache.Cache", CacheWarmerTask.class.getClassLoader());

  private final CacheWarmer<Object, Object> warmer;
  private final CacheManager cacheManager;
  private final int concurrency;
  private final int batchSize;

  /** A task for {@code warmer} against {@code cacheManager}. */
  @SuppressWarnings("unchecked")
  public CacheWarmerTask(CacheWarmer<?, ?> warmer, CacheManager cacheManager, int concurrency,
      int batchSize) {
    this.warmer = (CacheWarmer<Object, Object>) warmer;
    this.cacheManager = cacheManager;
    this.concurrency = concurrency;
    this.batchSize = batchSize;
  }

  @Override
  public String name() {
    return "cache:" + warmer.cacheName();
  }

  @Override
  public TaskOutcome warm(WarmTaskContext context) throws Exception {
    Cache cache = cacheManager.getCache(warmer.cacheName());
    if (cache == null) {
      throw new IllegalStateException("CacheWarmer " + warmer.getClass().getName()
          + " names cache '" + warmer.cacheName() + "', which the CacheManager does not have "
          + "(it has " + cacheManager.getCacheNames() + ")");
    }
    Object nativeCache = cache.getNativeCache();
    boolean bulk = CAFFEINE && Caffeine.isCaffeine(nativeCache);
    KeyBatches.Counts counts = KeyBatches.run(name(), warmer.keys(), concurrency, batchSize,
        context, batch -> bulk ? Caffeine.getAll(nativeCache, batch, warmer)
            : onePerKey(cache, batch));
    return TaskOutcome.of(counts.warmed(), counts.failed(), (bulk ? "caffeine bulk load" : "per key")
        + (counts.firstFailure() == null ? "" : "; first failure: " + counts.firstFailure()));
  }

  private long onePerKey(Cache cache, List<Object> batch) throws Exception {
    long n = 0;
    List<Object> missing = new ArrayList<>();
    for (Object key : batch) {
      if (cache.get(key) == null) {
        missing.add(key);
      } else {
        n++;
      }
    }
    if (missing.isEmpty()) {
      return n;
    }
    Map<Object, Object> values = warmer.loadAll(missing);
    for (Map.Entry<Object, Object> e : values.entrySet()) {
      if (e.getValue() != null) {
        cache.putIfAbsent(e.getKey(), e.getValue());
        n++;
      }
    }
    return n;
  }

  /** Caffeine's bulk load, in its own class so Caffeine stays optional. */
  private static final class Caffeine {
    static boolean isCaffeine(Object nativeCache) {
      return nativeCache instanceof com.github.benmanes.caffeine.cache.Cache;
    }

    @SuppressWarnings("unchecked")
    static long getAll(Object nativeCache, List<Object> batch, CacheWarmer<Object, Object> warmer) {
      com.github.benmanes.caffeine.cache.Cache<Object, Object> c =
          (com.github.benmanes.caffeine.cache.Cache<Object, Object>) nativeCache;
      Map<Object, Object> got = c.getAll(batch, missing -> {
        try {
          Map<Object, Object> loaded = new java.util.LinkedHashMap<>();
          warmer.loadAll(new ArrayList<>((java.util.Set<Object>) missing)).forEach((k, v) -> {
            if (v != null) {
              loaded.put(k, v);
            }
          });
          return loaded;
        } catch (RuntimeException e) {
          throw e;
        } catch (Exception e) {
          throw new java.util.concurrent.CompletionException(e);
        }
      });
      return got.size();
    }
  }
}
