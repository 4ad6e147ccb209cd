package dev.preheat.spi;

import dev.preheat.internal.warm.FileCheckpointStore;
import dev.preheat.internal.warm.MemoryCheckpointStore;
import dev.preheat.warm.Outcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * Records finished targets under a plan hash, so a restarted run of the same plan skips them
 * ({@link dev.preheat.warm.SkipReason#CHECKPOINTED}).
 *
 * <p>Implementations are thread-safe. {@link #record} is called from the engine's completion
 * threads once per finished target.
 */
public interface CheckpointStore extends AutoCloseable {

  /** A store that records nothing: every run starts from scratch. */
  CheckpointStore NONE = new CheckpointStore() {
    @Override
    public Set<String> finished(String planHash) {
      return Set.of();
    }

    @Override
    public void record(String planHash, String targetKey, Outcome outcome) {}

    @Override
    public void clear(String planHash) {}

    @Override
    public String toString() {
      return "CheckpointStore.NONE";
    }
  };

  /** The keys of targets recorded as finished under {@code planHash}; a snapshot. */
  Set<String> finished(String planHash);

  /**
   * Records that {@code targetKey} finished with {@code outcome} under {@code planHash}.
   *
   * @throws UncheckedIOException when the record cannot be written
   */
  void record(String planHash, String targetKey, Outcome outcome);

  /**
   * Forgets every record of {@code planHash}. The warmer calls it when a run of that plan
   * completes (every target attempted, no stop reason), so the next run of the same plan, e.g.
   * after a purge, warms everything again; a run that was killed, cancelled or stopped by a
   * deadline or budget keeps its records and its restart resumes.
   *
   * @throws UncheckedIOException when the store cannot be rewritten
   */
  void clear(String planHash);

  /** Releases resources. Idempotent. */
  @Override
  default void close() {}

  /** A store in memory, for tests and single-process restarts. */
  static CheckpointStore inMemory() {
    return new MemoryCheckpointStore();
  }

  /**
   * A JSON-lines file: one record per finished target, appended as it happens and written out at
   * least every 50 ms and on {@link #close()}, so a crash loses at most its last 50 ms of records
   * (those targets are warmed again on restart). A torn last line (a crash mid-write) and any other unreadable line are ignored on load.
   *
   * @throws UncheckedIOException if the file cannot be opened
   */
  static CheckpointStore file(Path path) {
    try {
      return FileCheckpointStore.open(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open checkpoint file " + path + ": " + e.getMessage(), e);
    }
  }
}
