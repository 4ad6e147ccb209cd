package dev.preheat.internal.simulate;

import dev.preheat.source.TrafficRecord;
import dev.preheat.source.TrafficSink;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A log reduced to what a cache replay needs, in compact arrays: per request its time, interned
 * URL id and logged bytes, sorted by time (stably, so requests of the same second keep their log
 * order) and cut into windows aligned to multiples of the window length since the epoch. Memory:
 * 20 bytes per request plus the URL table.
 *
 * <p>Fill it as a {@link TrafficSink} from one thread, then call {@link #seal(long, int)} once.
 */
public final class Trace implements TrafficSink {

  private final Set<String> methods;
  private final boolean[] statusAllowed;

  private final Map<String, Integer> ids = new HashMap<>();
  private final List<String> urlTable = new ArrayList<>();
  private long[] time = new long[1024];
  private int[] url = new int[1024];
  private long[] bytes = new long[1024];
  private int n;

  private long recordsSeen;
  private long untimed;
  private long otherMethod;
  private long otherStatus;

  private boolean sealed;
  private String[] urls = new String[0];
  private long[] objectSize = new long[0];
  private int[] windowStart = new int[0];
  private long firstWindowMs;
  private long windowMs;

  /**
   * A trace keeping records whose method is in {@code methods} and whose status is in {@code
   * statuses} (or unknown).
   */
  public Trace(Set<String> methods, Set<Integer> statuses) {
    this.methods = Set.copyOf(methods);
    this.statusAllowed = new boolean[600];
    statuses.forEach(s -> statusAllowed[s] = true);
  }

  @Override
  public void accept(TrafficRecord r) {
    if (sealed) {
      throw new IllegalStateException("trace already sealed");
    }
    recordsSeen++;
    if (!r.hasTimestamp()) {
      untimed++;
      return;
    }
    if (!methods.contains(r.method())) {
      otherMethod++;
      return;
    }
    int status = r.status();
    if (status != TrafficRecord.UNKNOWN_STATUS
        && (status < 0 || status >= statusAllowed.length || !statusAllowed[status])) {
      otherStatus++;
      return;
    }
    Integer id = ids.get(r.url());
    if (id == null) {
      id = urlTable.size();
      ids.put(r.url(), id);
      urlTable.add(r.url());
    }
    // A record standing for several requests (never from a log line) is replayed as that many
    // requests at its time, its bytes split evenly.
    long count = r.count();
    long each = r.bytes() / count;
    long first = r.bytes() - each * (count - 1);
    for (long c = 0; c < count; c++) {
      add(r.epochMillis(), id, c == 0 ? first : each);
    }
  }

  private void add(long t, int id, long b) {
    if (n == time.length) {
      if (n == Integer.MAX_VALUE - 8) {
        throw new IllegalStateException("more than " + n + " requests; split the log");
      }
      int cap = (int) Math.min(Integer.MAX_VALUE - 8L, n * 2L);
      time = Arrays.copyOf(time, cap);
      url = Arrays.copyOf(url, cap);
      bytes = Arrays.copyOf(bytes, cap);
    }
    time[n] = t;
    url[n] = id;
    bytes[n] = b;
    n++;
  }

  /**
   * Sorts the requests by time and cuts them into windows of {@code windowMs}.
   *
   * @throws IllegalArgumentException if there is no request, or more than {@code maxWindows}
   *     windows
   */
  public void seal(long windowMs, int maxWindows) {
    if (sealed) {
      throw new IllegalStateException("trace already sealed");
    }
    sealed = true;
    this.windowMs = windowMs;
    urls = urlTable.toArray(String[]::new);
    urlTable.clear();
    ids.clear();
    if (n == 0) {
      throw new IllegalArgumentException("no request to replay: no GET or HEAD request with"
          + " status 200 or 304 and a timestamp was read (" + recordsSeen + " records: "
          + untimed + " without timestamp, " + otherMethod + " other methods, " + otherStatus
          + " other statuses)");
    }
    time = Arrays.copyOf(time, n);
    url = Arrays.copyOf(url, n);
    bytes = Arrays.copyOf(bytes, n);
    sortByTime();
    long firstWindow = Math.floorDiv(time[0], windowMs);
    long lastWindow = Math.floorDiv(time[n - 1], windowMs);
    long count = lastWindow - firstWindow + 1;
    if (count > maxWindows) {
      throw new IllegalArgumentException("the log spans " + count + " windows of " + windowMs
          + " ms, more than the limit of " + maxWindows + "; use a longer window");
    }
    firstWindowMs = firstWindow * windowMs;
    windowStart = new int[(int) count + 1];
    int w = 0;
    for (int i = 0; i < n; i++) {
      int k = (int) (Math.floorDiv(time[i], windowMs) - firstWindow);
      while (w <= k) {
        windowStart[w++] = i;
      }
    }
    while (w <= count) {
      windowStart[w++] = n;
    }
    objectSize = new long[urls.length];
    for (int i = 0; i < n; i++) {
      if (bytes[i] > objectSize[url[i]]) {
        objectSize[url[i]] = bytes[i];
      }
    }
  }

  /** Stable sort by time; logs are usually sorted already, then this is one pass. */
  private void sortByTime() {
    boolean sorted = true;
    for (int i = 1; i < n && sorted; i++) {
      sorted = time[i - 1] <= time[i];
    }
    if (sorted) {
      return;
    }
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    int[] buffer = new int[n];
    // Bottom-up merge sort of positions: stable, so equal times keep the log's order.
    for (int width = 1; width < n; width *= 2) {
      for (int lo = 0; lo < n; lo += 2 * width) {
        int mid = Math.min(lo + width, n);
        int hi = Math.min(lo + 2 * width, n);
        int a = lo;
        int b = mid;
        int o = lo;
        while (a < mid && b < hi) {
          buffer[o++] = time[order[b]] < time[order[a]] ? order[b++] : order[a++];
        }
        while (a < mid) {
          buffer[o++] = order[a++];
        }
        while (b < hi) {
          buffer[o++] = order[b++];
        }
      }
      int[] swap = order;
      order = buffer;
      buffer = swap;
    }
    long[] t2 = new long[n];
    int[] u2 = new int[n];
    long[] b2 = new long[n];
    for (int i = 0; i < n; i++) {
      t2[i] = time[order[i]];
      u2[i] = url[order[i]];
      b2[i] = bytes[order[i]];
    }
    time = t2;
    url = u2;
    bytes = b2;
  }

  /** Records received. */
  public long recordsSeen() {
    return recordsSeen;
  }

  /** Records without a timestamp, skipped. */
  public long untimed() {
    return untimed;
  }

  /** Records with another method, skipped. */
  public long otherMethod() {
    return otherMethod;
  }

  /** Records with another status, skipped. */
  public long otherStatus() {
    return otherStatus;
  }

  /** Requests kept. */
  public int requests() {
    return n;
  }

  /** Distinct URLs among the requests. */
  public int distinctUrls() {
    return urls.length;
  }

  /** The URL of id {@code id}. */
  public String urlOf(int id) {
    return urls[id];
  }

  /** The time of request {@code i}, epoch milliseconds. */
  public long time(int i) {
    return time[i];
  }

  /** The URL id of request {@code i}. */
  public int url(int i) {
    return url[i];
  }

  /** The logged bytes of request {@code i}. */
  public long bytes(int i) {
    return bytes[i];
  }

  /** The largest logged body of URL {@code id}: its weight in a byte-limited cache. */
  public long objectSize(int id) {
    return objectSize[id];
  }

  /** The number of windows. */
  public int windows() {
    return windowStart.length - 1;
  }

  /** The index of the first request of window {@code k} ({@code k == windows()}: the end). */
  public int windowStart(int k) {
    return windowStart[k];
  }

  /** The start of window {@code k}, epoch milliseconds. */
  public long windowStartMs(int k) {
    return firstWindowMs + k * windowMs;
  }

  // Direct array access for the replay loop.
  long[] timeArray() {
    return time;
  }

  int[] urlArray() {
    return url;
  }

  long[] bytesArray() {
    return bytes;
  }

  long[] objectSizes() {
    return objectSize;
  }
}
