package dev.preheat.internal.warm;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.preheat.spi.ValidatorStore;
import dev.preheat.spi.Validators;
import org.jspecify.annotations.Nullable;

/** A bounded Caffeine cache of validators. */
public final class MemoryValidatorStore implements ValidatorStore {

  private final Cache<String, Validators> cache;
  private final long maxEntries;

  /**
   * A store holding at most {@code maxEntries}.
   *
   * @throws IllegalArgumentException if {@code maxEntries <= 0}
   */
  public MemoryValidatorStore(long maxEntries) {
    if (maxEntries <= 0) {
      throw new IllegalArgumentException("maxEntries must be > 0 but was " + maxEntries);
    }
    this.maxEntries = maxEntries;
    this.cache = Caffeine.newBuilder().maximumSize(maxEntries).build();
  }

  @Override
  public @Nullable Validators get(String key) {
    return cache.getIfPresent(key);
  }

  @Override
  public void put(String key, Validators validators) {
    cache.put(key, validators);
  }

  @Override
  public String toString() {
    return "ValidatorStore.inMemory(" + maxEntries + ")";
  }
}
