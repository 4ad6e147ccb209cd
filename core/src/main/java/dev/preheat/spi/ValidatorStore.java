package dev.preheat.spi;

import dev.preheat.internal.warm.FileValidatorStore;
import dev.preheat.internal.warm.MemoryValidatorStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Keeps validators ({@code ETag}, {@code Last-Modified}) per target key, so later runs send
 * conditional requests, and remembers URLs found uncacheable, so later runs drop them.
 *
 * <p>Keys are {@link dev.preheat.warm.WarmTarget#key() target keys} for validators and the
 * absolute URL for denials. Implementations are thread-safe; {@link #get} and {@link #put} are
 * called from the engine's completion threads, so they should be fast (memory) and defer slow I/O
 * to {@link #flush()}. A Redis-backed implementation lives in {@code preheat-redis}.
 */
public interface ValidatorStore extends AutoCloseable {

  /** The validators stored under {@code key}, or null when none are. */
  @Nullable Validators get(String key);

  /** Stores {@code validators} under {@code key}, replacing what was there. */
  void put(String key, Validators validators);

  /**
   * Persists pending changes. The engine calls it when a run ends.
   *
   * @throws UncheckedIOException when writing fails
   */
  default void flush() {}

  /** Flushes and releases resources. */
  @Override
  default void close() {
    flush();
  }

  /**
   * A bounded in-memory store (Caffeine, least-recently/frequently used evicted beyond {@code
   * maxEntries}); nothing survives the JVM.
   *
   * @throws IllegalArgumentException if {@code maxEntries <= 0}
   */
  static ValidatorStore inMemory(long maxEntries) {
    return new MemoryValidatorStore(maxEntries);
  }

  /**
   * A store kept in memory and persisted as one JSON file, written atomically (temp file and
   * rename) on {@link #flush()}. Loads the file if it exists.
   *
   * @throws UncheckedIOException if the file exists but cannot be read
   * @throws IllegalArgumentException if the file is not a validator store file (the message names
   *     the file and says what to do)
   */
  static ValidatorStore file(Path path) {
    try {
      return FileValidatorStore.open(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read validator store " + path + ": " + e.getMessage(), e);
    }
  }
}
