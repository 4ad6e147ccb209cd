package dev.preheat.purge;

/**
 * Events of a {@link Rewarmer}. Methods have no-op defaults; callbacks must be fast, must not
 * block, and may be called concurrently from the rewarmer's threads. A callback that throws is
 * caught and logged.
 */
public interface RewarmListener {

  /** A listener that ignores every event. */
  RewarmListener NONE = new RewarmListener() {
    @Override
    public String toString() {
      return "RewarmListener.NONE";
    }
  };

  /** {@code purger} finished its part of a batch; called in purge order. */
  default void purged(PurgeResult result) {}

  /** A batch ended: everything purged and re-warmed, or failed with reasons. */
  default void batchFinished(RewarmBatch batch) {}

  /**
   * A changed item was not accepted: {@code item} is the URL or tag as given (made printable),
   * {@code reason} says why (invalid, or the pending queue is full) and what to do.
   */
  default void rejected(String item, String reason) {}
}
