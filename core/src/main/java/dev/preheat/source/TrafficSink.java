package dev.preheat.source;

/**
 * Receives the records a source produces.
 *
 * <p>A sink is used by one thread at a time: sources that read in parallel ask for one sink per
 * worker and the caller
 * merges what the sinks collected. Implementations should be fast and must not block.
 */
@FunctionalInterface
public interface TrafficSink {

  /** Accepts one record. */
  void accept(TrafficRecord record);
}
