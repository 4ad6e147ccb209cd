package dev.preheat.hotset;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A bounded-memory, mergeable, serializable summary of the heaviest items of a weighted stream: the
 * Space-Saving algorithm (Metwally, Agrawal, El Abbadi, 2005) with weighted updates, merged as in
 * Agarwal et al., "Mergeable summaries" (PODS 2012).
 *
 * <p>The summary keeps at most {@link #capacity()} = k counters. For a stream (or a merge of
 * streams) of total weight N:
 *
 * <ul>
 *   <li>every estimate is an upper bound: {@code trueWeight <= estimate <= trueWeight + error},
 *       and each item's {@code error <= }{@link #errorBound()}, which is {@code <= N/k} for one
 *       stream and for merges of summaries that all have capacity k (Agarwal et al.);
 *   <li>every item whose true weight exceeds {@link #errorBound()} (so every item above N/k) is
 *       tracked.
 * </ul>
 *
 * {@link #errorBound()} is the actual, data-dependent bound (the largest weight ever evicted, plus
 * what merges add), usually far below N/k on skewed traffic.
 *
 * <p>Each counter also carries a <em>companion</em> sum (Preheat uses it for bytes when ranking by
 * requests, and vice versa). The companion is counted only while the item holds a counter, so it
 * is a lower bound.
 *
 * <p>Measured accuracy ({@code HeavyHittersTest}, seeded): 2,000,000 draws from a Zipf
 * distribution over 300,000 URLs, recall of the exact top 1,000 by the summary's top 1,000:
 *
 * <table>
 *   <caption>recall of the top 1,000 (single summary / two halves merged)</caption>
 *   <tr><th>capacity</th><th>s = 1.0</th><th>s = 1.1</th><th>s = 1.2</th><th>error bound</th></tr>
 *   <tr><td>4,096</td><td>0.744</td><td>0.884</td><td>0.964</td><td>105..178</td></tr>
 *   <tr><td>8,192</td><td>~0.99 / 0.993</td><td>0.997 / 0.998</td><td>1.000 / 0.998</td>
 *       <td>42..118</td></tr>
 *   <tr><td>16,384</td><td>1.000 / 1.000</td><td>0.999 / 0.999</td><td>1.000 / 1.000</td>
 *       <td>16..51 (N/k = 122)</td></tr>
 *   <tr><td>32,768</td><td>1.000 / 1.000</td><td>1.000 / 1.000</td><td>1.000 / 1.000</td>
 *       <td>5..21 (N/k = 61)</td></tr>
 * </table>
 *
 * So about 16 counters per wanted top item (16,384 for a top 1,000, roughly 3 MiB with 40-char
 * URLs) keep recall at or above 0.999 on Zipf traffic, merged or not.
 *
 * <p>Merge: the union of both summaries' counters, where an item missing from one side is
 * assumed to have that side's error bound there (its largest possible weight), trimmed to the
 * heaviest k; the new error bound is the larger of the sum of both bounds and the heaviest
 * trimmed estimate. This equals the Misra-Gries merge of Agarwal et al. in Space-Saving form.
 *
 * <p>Serialization: {@link #toBytes()} / {@link #fromBytes(byte[])}, a compact binary form
 * (magic {@code PHHH}, version 1, big-endian) so per-node summaries can be shipped and merged.
 *
 * <p>Not thread-safe: use one summary per thread and {@link #merge(HeavyHitters)} them.
 */
public final class HeavyHitters {

  /** The largest capacity accepted (also when reading a serialized summary). */
  public static final int MAX_CAPACITY = 1 << 26;

  private static final int MAGIC = 0x50484848; // "PHHH"
  private static final byte VERSION = 1;

  /** One tracked item with its estimated weight. */
  public record Estimate(String item, long weight, long error, long companion) {

    /**
     * Validates the components.
     *
     * @throws NullPointerException if {@code item} is null
     * @throws IllegalArgumentException if a value is negative or {@code error > weight}
     */
    public Estimate {
      Objects.requireNonNull(item, "item");
      if (weight < 0 || error < 0 || companion < 0 || error > weight) {
        throw new IllegalArgumentException(
            "estimate for " + item + " needs 0 <= error <= weight and companion >= 0 but was"
                + " weight=" + weight + " error=" + error + " companion=" + companion);
      }
    }

    /** The guaranteed minimum true weight: {@code weight - error}. */
    public long lowerBound() {
      return weight - error;
    }
  }

  /** Heaviest first, then item ascending: the deterministic ranking order. */
  static final Comparator<Estimate> RANKING =
      Comparator.comparingLong(Estimate::weight).reversed().thenComparing(Estimate::item);

  private static final class Node {
    String item;
    long weight;
    long error;
    long companion;
    int pos;

    Node(String item, long weight, long error, long companion) {
      this.item = item;
      this.weight = weight;
      this.error = error;
      this.companion = companion;
    }
  }

  private final int capacity;
  private final HashMap<String, Node> index;
  private final Node[] heap;
  private int size;
  private long total;
  private long floor;

  private HeavyHitters(int capacity) {
    this.capacity = capacity;
    this.index = new HashMap<>(Math.min(capacity, 1 << 16) * 2);
    this.heap = new Node[capacity];
  }

  /**
   * An empty summary with {@code capacity} counters.
   *
   * @throws IllegalArgumentException if {@code capacity} is not in {@code [1, MAX_CAPACITY]}
   */
  public static HeavyHitters withCapacity(int capacity) {
    checkCapacity(capacity);
    return new HeavyHitters(capacity);
  }

  private static void checkCapacity(int capacity) {
    if (capacity < 1 || capacity > MAX_CAPACITY) {
      throw new IllegalArgumentException(
          "capacity must be in [1, " + MAX_CAPACITY + "] but was " + capacity);
    }
  }

  /**
   * Adds {@code weight} for {@code item}.
   *
   * @throws NullPointerException if {@code item} is null
   * @throws IllegalArgumentException if {@code weight < 0}
   */
  public void add(String item, long weight) {
    add(item, weight, 0);
  }

  /**
   * Adds {@code weight} and a companion value for {@code item}. A zero weight for an untracked item
   * when the summary is full is ignored (admitting it would evict a heavier item for nothing).
   *
   * @throws NullPointerException if {@code item} is null
   * @throws IllegalArgumentException if {@code weight < 0} or {@code companion < 0}
   */
  public void add(String item, long weight, long companion) {
    Objects.requireNonNull(item, "item");
    if (weight < 0 || companion < 0) {
      throw new IllegalArgumentException(
          "weight and companion must be >= 0 but were " + weight + ", " + companion + " for "
              + item);
    }
    total += weight;
    Node node = index.get(item);
    if (node != null) {
      node.weight += weight;
      node.companion += companion;
      siftDown(node.pos);
    } else if (size < capacity) {
      node = new Node(item, floor + weight, floor, companion);
      index.put(item, node);
      insert(node);
    } else if (weight > 0) {
      Node min = heap[0];
      index.remove(min.item);
      floor = Math.max(floor, min.weight);
      min.item = item;
      min.error = min.weight;
      min.weight += weight;
      min.companion = companion;
      index.put(item, min);
      siftDown(0);
    }
  }

  /** The maximum number of counters. */
  public int capacity() {
    return capacity;
  }

  /** The number of tracked items, at most {@link #capacity()}. */
  public int size() {
    return size;
  }

  /** The exact total weight added (over all merged summaries). */
  public long totalWeight() {
    return total;
  }

  /**
   * The maximum overestimate of any estimate, and the largest true weight an untracked item can
   * have; 0 while nothing was evicted (then all estimates are exact). At most {@code
   * totalWeight() / capacity()} for one stream or merges of equal-capacity summaries; merging
   * smaller summaries into a larger capacity keeps the (sound) bound of the smaller ones.
   */
  public long errorBound() {
    return floor;
  }

  /**
   * The estimated weight of {@code item}: its counter if tracked, else {@link #errorBound()} (the
   * most it can have).
   *
   * @throws NullPointerException if {@code item} is null
   */
  public long estimate(String item) {
    Node node = index.get(Objects.requireNonNull(item, "item"));
    return node == null ? floor : node.weight;
  }

  /** Whether {@code item} holds a counter. */
  public boolean contains(String item) {
    return index.containsKey(item);
  }

  /** All tracked items, heaviest first, ties by item ascending. */
  public List<Estimate> entries() {
    List<Estimate> list = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      Node n = heap[i];
      list.add(new Estimate(n.item, n.weight, n.error, n.companion));
    }
    list.sort(RANKING);
    return list;
  }

  /**
   * The {@code n} heaviest tracked items, heaviest first, ties by item ascending.
   *
   * @throws IllegalArgumentException if {@code n < 0}
   */
  public List<Estimate> top(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0 but was " + n);
    }
    List<Estimate> all = entries();
    return all.size() <= n ? all : List.copyOf(all.subList(0, n));
  }

  /**
   * A new summary of both streams, with the larger of both capacities. Neither input changes.
   *
   * @throws NullPointerException if {@code other} is null
   */
  public HeavyHitters merge(HeavyHitters other) {
    return merge(other, Math.max(capacity, other.capacity));
  }

  /** Merges into a summary of {@code newCapacity} counters; see the class documentation. */
  HeavyHitters merge(HeavyHitters other, int newCapacity) {
    Objects.requireNonNull(other, "other");
    checkCapacity(newCapacity);
    Map<String, long[]> union = new HashMap<>((size + other.size) * 2);
    for (int i = 0; i < size; i++) {
      Node n = heap[i];
      union.put(n.item, new long[] {n.weight + other.floor, n.error + other.floor, n.companion});
    }
    for (int i = 0; i < other.size; i++) {
      Node n = other.heap[i];
      long[] v = union.get(n.item);
      if (v == null) {
        union.put(n.item, new long[] {floor + n.weight, floor + n.error, n.companion});
      } else {
        // replace the assumed "other.floor" by the other side's real counter
        v[0] += n.weight - other.floor;
        v[1] += n.error - other.floor;
        v[2] += n.companion;
      }
    }
    List<Estimate> merged = new ArrayList<>(union.size());
    union.forEach((item, v) -> merged.add(new Estimate(item, v[0], v[1], v[2])));
    return truncated(newCapacity, merged, total + other.total, floor + other.floor);
  }

  /**
   * A summary holding the heaviest {@code capacity} of {@code estimates}; the heaviest one left out
   * raises the error bound. {@code baseFloor} is the bound already known for untracked items.
   */
  static HeavyHitters truncated(
      int capacity, List<Estimate> estimates, long totalWeight, long baseFloor) {
    HeavyHitters hh = new HeavyHitters(capacity);
    List<Estimate> sorted = new ArrayList<>(estimates);
    sorted.sort(RANKING);
    long newFloor = baseFloor;
    if (sorted.size() > capacity) {
      newFloor = Math.max(newFloor, sorted.get(capacity).weight());
    }
    hh.floor = newFloor;
    hh.total = totalWeight;
    int keep = Math.min(capacity, sorted.size());
    for (int i = 0; i < keep; i++) {
      Estimate e = sorted.get(i);
      Node node = new Node(e.item(), e.weight(), Math.min(e.weight(), e.error()), e.companion());
      hh.index.put(e.item(), node);
      hh.insert(node);
    }
    return hh;
  }

  /** The compact binary form, readable by {@link #fromBytes(byte[])}. */
  public byte[] toBytes() {
    byte[][] keys = new byte[size][];
    int length = 4 + 1 + 4 + 8 + 8 + 4;
    for (int i = 0; i < size; i++) {
      keys[i] = heap[i].item.getBytes(StandardCharsets.UTF_8);
      length += 4 + keys[i].length + 24;
    }
    ByteBuffer buf = ByteBuffer.allocate(length);
    buf.putInt(MAGIC).put(VERSION).putInt(capacity).putLong(total).putLong(floor).putInt(size);
    for (int i = 0; i < size; i++) {
      Node n = heap[i];
      buf.putInt(keys[i].length).put(keys[i]);
      buf.putLong(n.weight).putLong(n.error).putLong(n.companion);
    }
    return buf.array();
  }

  /**
   * Reads a summary written by {@link #toBytes()}. Hostile or corrupt input is rejected, never
   * trusted for allocation sizes.
   *
   * @throws NullPointerException if {@code bytes} is null
   * @throws IllegalArgumentException if {@code bytes} is not a valid summary; the message says what
   *     is wrong and at which byte offset
   */
  public static HeavyHitters fromBytes(byte[] bytes) {
    ByteBuffer buf = ByteBuffer.wrap(Objects.requireNonNull(bytes, "bytes"));
    try {
      if (buf.getInt() != MAGIC) {
        throw invalid(0, "does not start with the PHHH magic; not a HeavyHitters summary");
      }
      byte version = buf.get();
      if (version != VERSION) {
        throw invalid(4, "has version " + version + "; this library reads version " + VERSION);
      }
      int capacity = buf.getInt();
      if (capacity < 1 || capacity > MAX_CAPACITY) {
        throw invalid(5, "has capacity " + capacity + " outside [1, " + MAX_CAPACITY + "]");
      }
      long total = buf.getLong();
      long floor = buf.getLong();
      int size = buf.getInt();
      if (total < 0 || floor < 0 || size < 0 || size > capacity) {
        throw invalid(9, "has an inconsistent header (total=" + total + ", errorBound=" + floor
            + ", size=" + size + ", capacity=" + capacity + ")");
      }
      HeavyHitters hh = new HeavyHitters(capacity);
      hh.total = total;
      hh.floor = floor;
      for (int i = 0; i < size; i++) {
        int at = buf.position();
        int len = buf.getInt();
        if (len < 0 || len > buf.remaining()) {
          throw invalid(at, "has item " + i + " with length " + len + " beyond the input");
        }
        byte[] key = new byte[len];
        buf.get(key);
        String item = new String(key, StandardCharsets.UTF_8);
        long weight = buf.getLong();
        long error = buf.getLong();
        long companion = buf.getLong();
        if (weight < 0 || error < 0 || error > weight || companion < 0) {
          throw invalid(at, "has item " + i + " with invalid counters (weight=" + weight
              + ", error=" + error + ", companion=" + companion + ")");
        }
        Node node = new Node(item, weight, error, companion);
        if (hh.index.putIfAbsent(item, node) != null) {
          throw invalid(at, "has item " + i + " twice: " + item);
        }
        hh.insert(node);
      }
      if (buf.hasRemaining()) {
        throw invalid(buf.position(), "has " + buf.remaining() + " trailing bytes");
      }
      return hh;
    } catch (BufferUnderflowException e) {
      throw invalid(buf.position(), "is truncated");
    }
  }

  private static IllegalArgumentException invalid(int offset, String what) {
    return new IllegalArgumentException(
        "HeavyHitters summary " + what + " (at byte " + offset + ")");
  }

  private void insert(Node node) {
    node.pos = size;
    heap[size++] = node;
    siftUp(node.pos);
  }

  private void siftUp(int pos) {
    Node node = heap[pos];
    while (pos > 0) {
      int parent = (pos - 1) >>> 1;
      Node p = heap[parent];
      if (p.weight <= node.weight) {
        break;
      }
      heap[pos] = p;
      p.pos = pos;
      pos = parent;
    }
    heap[pos] = node;
    node.pos = pos;
  }

  private void siftDown(int pos) {
    Node node = heap[pos];
    int half = size >>> 1;
    while (pos < half) {
      int child = 2 * pos + 1;
      Node c = heap[child];
      int right = child + 1;
      if (right < size && heap[right].weight < c.weight) {
        child = right;
        c = heap[child];
      }
      if (node.weight <= c.weight) {
        break;
      }
      heap[pos] = c;
      c.pos = pos;
      pos = child;
    }
    heap[pos] = node;
    node.pos = pos;
  }

  @Override
  public String toString() {
    return "HeavyHitters{capacity=" + capacity + ", size=" + size + ", totalWeight=" + total
        + ", errorBound=" + floor + "}";
  }
}
