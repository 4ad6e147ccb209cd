package dev.preheat.internal.simulate;

/**
 * One window handed to every {@link Replay}: its requests sorted by time, the per-URL-id tables
 * they need and the ranked URL ids to warm. Read-only for the replays; valid until the next window.
 */
public final class Window {

  int index;
  long startMs;
  long[] times = new long[0];
  int[] urls = new int[0];
  long[] bytes = new long[0];
  int requests;
  long[] weights = new long[0];
  long[] maxAges = new long[0];
  int[] top = new int[0];
  int[] previousTop = new int[0];
  int idCapacity;

  Window() {}

  /** Position, 0 for the first window. */
  public int index() {
    return index;
  }

  /** Start, epoch milliseconds. */
  public long startMs() {
    return startMs;
  }

  /** Request times, epoch milliseconds, ascending; the first {@link #requests()} are valid. */
  public long[] times() {
    return times;
  }

  /** Request URL ids. */
  public int[] urls() {
    return urls;
  }

  /** Request logged bytes. */
  public long[] bytes() {
    return bytes;
  }

  /** The number of requests. */
  public int requests() {
    return requests;
  }

  /**
   * Per URL id, its weight: the largest body logged for it in this window and the previous one.
   * Valid for the ids of both windows.
   */
  public long[] weights() {
    return weights;
  }

  /** Per URL id, milliseconds a stored copy stays fresh ({@code Long.MAX_VALUE}: forever). */
  public long[] maxAges() {
    return maxAges;
  }

  /** This window's URL ids, most requested first (as long as the largest swept size). */
  public int[] top() {
    return top;
  }

  /** The previous window's {@link #top()}; empty for the first window. */
  public int[] previousTop() {
    return previousTop;
  }

  /** One more than the largest URL id in use. */
  public int idCapacity() {
    return idCapacity;
  }
}
