package dev.preheat.status;

import dev.preheat.warm.WarmResponse;

/**
 * Reads the cache status from a response's headers. Implementations are stateless
 * and thread-safe; users add their own for in-house headers.
 */
@FunctionalInterface
public interface CacheStatusReader {

  /** Returns the cache status of {@code response}, {@link CacheStatus#unknown()} if none is found. */
  CacheStatus read(WarmResponse response);
}
