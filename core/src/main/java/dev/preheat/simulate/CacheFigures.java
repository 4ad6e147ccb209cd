package dev.preheat.simulate;

import java.util.List;

/**
 * The outcome of one replay over the evaluated windows (every window but the first, which only
 * provides the first hotset): how many user requests and bytes the cache answered, and what
 * warming sent. Immutable.
 *
 * @param requests user requests replayed in the evaluated windows
 * @param hits those answered by a fresh cached copy
 * @param bytes logged response bytes of all those requests
 * @param hitBytes logged response bytes of the hits
 * @param warmRequests warm requests sent (0 without warming)
 * @param warmBytes bytes the warm requests transferred
 * @param warmFills warm requests the cache did not already hold fresh
 * @param windows the same figures per evaluated window, in time order
 */
public record CacheFigures(
    long requests,
    long hits,
    long bytes,
    long hitBytes,
    long warmRequests,
    long warmBytes,
    long warmFills,
    List<WindowFigures> windows) {

  /** Copies the window list. */
  public CacheFigures {
    windows = List.copyOf(windows);
  }

  /** Requests the cache could not answer. */
  public long misses() {
    return requests - hits;
  }

  /** Logged bytes of the misses (what the origin sent). */
  public long missBytes() {
    return bytes - hitBytes;
  }

  /** Hits per request, 0 without requests. */
  public double hitRatio() {
    return requests == 0 ? 0 : (double) hits / requests;
  }

  /** Hit bytes per byte, 0 without bytes. */
  public double byteHitRatio() {
    return bytes == 0 ? 0 : (double) hitBytes / bytes;
  }
}
