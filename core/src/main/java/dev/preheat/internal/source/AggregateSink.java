package dev.preheat.internal.source;

import dev.preheat.source.TrafficSink;

/**
 * A {@link TrafficSink} that lets the log scanner count lines itself, per distinct raw request
 * target, and hand it the sums: the scanner then does one hash lookup per line instead of building
 * a record and looking its URL up again in the sink. The sink still sees every line, through
 * {@link #admit}, so its per-record filters and statistics stay exact; only the counting of URLs
 * is deferred to {@link #add}, once per distinct target (and again whenever the scanner's table
 * fills and is drained). Used by one thread, like any sink.
 */
public interface AggregateSink extends TrafficSink {

  /** The most windows a sink may ask the scanner to count per target. */
  int MAX_WINDOWS = 4;

  /**
   * How many counters pairs ({@code requests, bytes}) per target the scanner keeps: one per
   * window, at most {@link #MAX_WINDOWS}; 0 means the sink wants {@link #accept} per record.
   */
  int windows();

  /** Whether {@code url}, a canonical URL, is excluded; asked once per distinct target. */
  boolean excluded(String url);

  /**
   * Accounts for one record of count 1 (the line's URL canonicalized to a URL for which
   * {@link #excluded} said {@code excluded}) exactly as {@link #accept} would, except that the
   * URL itself is counted later by {@link #add}.
   *
   * @return the window the record counts in, or -1 if it was filtered
   */
  int admit(String method, int status, long epochMillis, boolean excluded);

  /** Counts {@code requests} admitted records of {@code url} in {@code window}, with their bytes. */
  void add(String url, int window, long requests, long bytes);

  /**
   * Does {@code add(urls[i], windows[i], requests[i], bytes[i])} for each {@code i < n}, in
   * order: how the scanner hands its sums over, so that a sink can start the memory loads of
   * several lookups before it needs the first (the default just calls {@link #add}).
   */
  default void addAll(String[] urls, int[] windows, long[] requests, long[] bytes, int n) {
    for (int i = 0; i < n; i++) {
      add(urls[i], windows[i], requests[i], bytes[i]);
    }
  }

  /**
   * Told by the scanner before it hands over its final sums: about {@code urls} calls of
   * {@link #add} with URLs this sink may not have seen follow, and {@code sinks} sinks share the
   * counting (so it can size its tables once, within its share of any memory budget). The
   * default ignores it.
   */
  default void expect(int urls, int sinks) {
  }

  /**
   * Told by the scanner after its last {@link #add}: no other sink of the same scan was given any
   * URL this sink was given, so merging the sinks' counts needs no lookups. The default ignores it.
   */
  default void disjoint() {
  }
}
