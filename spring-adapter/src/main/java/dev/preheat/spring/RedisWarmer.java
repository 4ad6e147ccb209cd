package dev.preheat.spring;

import dev.preheat.redis.KeyLoader;
import dev.preheat.redis.RedisPrimer;
import java.util.List;

/**
 * Primes Redis before traffic with {@code preheat-redis}: declare a bean per key set. Preheat asks
 * for the primer, the keys and the loader when warming starts (never during refresh) and runs
 * {@link RedisPrimer#prime}; keys end warmed, already fresh (skipped) or failed, and one bad key
 * never stops the others. Needs {@code preheat-redis} (and so Lettuce) on the classpath.
 *
 * @param <V> the value type
 */
public interface RedisWarmer<V> {

  /** A short name for the report, e.g. {@code redis:sessions}. */
  default String name() {
    return "redis";
  }

  /** The primer (endpoint, TTL, rates, lock); create or open it here, not in a constructor. */
  RedisPrimer<V> primer();

  /** The keys, hottest first. */
  List<String> keys() throws Exception;

  /** Loads the values of a batch of keys from the source of truth. */
  KeyLoader<? extends V> loader();
}
