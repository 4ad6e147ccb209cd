package dev.preheat.spi;

import dev.preheat.internal.warm.FileBudgetLedger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.LocalDate;

/**
 * What each region used of its daily budget ({@link dev.preheat.warm.RegionBudget}), so a second
 * run on the same day starts from what the first one used. Days are UTC dates from the engine's
 * clock; a new day starts from zero.
 *
 * <p>Implementations are thread-safe.
 */
public interface BudgetLedger extends AutoCloseable {

  /**
   * Usage of one region on one day.
   *
   * @param requests requests sent
   * @param bytes body bytes read
   */
  record Usage(long requests, long bytes) {
    /** Nothing used. */
    public static final Usage NONE = new Usage(0, 0);
  }

  /** What {@code region} used on {@code day}. */
  Usage used(String region, LocalDate day);

  /**
   * Adds usage of {@code region} on {@code day}.
   *
   * @throws UncheckedIOException when a persistent ledger cannot be written
   */
  void add(String region, LocalDate day, long requests, long bytes);

  /** Releases resources. Idempotent. */
  @Override
  default void close() {}

  /** A ledger in memory: budgets hold within one process. */
  static BudgetLedger inMemory() {
    return FileBudgetLedger.inMemory();
  }

  /**
   * A small JSON file holding each region's usage of its latest day, rewritten atomically on
   * every {@link #add}.
   *
   * @throws UncheckedIOException if the file exists but cannot be read
   */
  static BudgetLedger file(Path path) {
    try {
      return FileBudgetLedger.open(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open budget ledger " + path + ": " + e.getMessage(),
          e);
    }
  }
}
