package dev.preheat.internal.simulate;

import java.util.Arrays;

/**
 * An LRU cache of URL ids with per-URL max-age and an entry and/or byte capacity: a doubly linked
 * list threaded through arrays indexed by id, so every operation is O(1) and nothing is allocated
 * while replaying (the arrays grow with the highest id in use, see {@link #ensureCapacity}). A
 * stored copy is fresh while {@code now - storedAt < maxAge}; it weighs what it weighed when
 * stored. A URL whose max-age is 0, or that weighs more than the byte capacity, is never stored.
 * Not thread-safe.
 */
final class LruCache {

  private static final int NONE = -1;
  private static final long ABSENT = Long.MIN_VALUE;

  private int[] prev = new int[0];
  private int[] next = new int[0];
  private long[] storedAt = new long[0];
  private long[] weight = new long[0];
  private final long maxEntries;
  private final long maxBytes;
  private int head = NONE;
  private int tail = NONE;
  private long entries;
  private long bytes;

  /**
   * @param maxEntries entry capacity, {@code Long.MAX_VALUE} for unlimited
   * @param maxBytes byte capacity, {@code Long.MAX_VALUE} for unlimited
   */
  LruCache(long maxEntries, long maxBytes) {
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
  }

  /** Makes room for ids below {@code ids}. */
  void ensureCapacity(int ids) {
    int old = storedAt.length;
    if (ids <= old) {
      return;
    }
    int cap = (int) Math.min(Integer.MAX_VALUE - 8L, Math.max(ids, old + (old >> 1)));
    prev = Arrays.copyOf(prev, cap);
    next = Arrays.copyOf(next, cap);
    weight = Arrays.copyOf(weight, cap);
    storedAt = Arrays.copyOf(storedAt, cap);
    Arrays.fill(storedAt, old, cap, ABSENT);
  }

  /** Whether {@code id} is stored and fresh at {@code now}; a hit becomes most recently used. */
  boolean get(int id, long now, long maxAge) {
    long at = storedAt[id];
    if (at != ABSENT && now - at < maxAge) {
      if (head != id) {
        unlink(id);
        linkFirst(id);
      }
      return true;
    }
    return false;
  }

  /**
   * Stores (or refreshes) {@code id} at {@code now} as most recently used with weight {@code
   * size}, evicting LRU entries.
   */
  void put(int id, long now, long size, long maxAge) {
    if (storedAt[id] != ABSENT) {
      remove(id);
    }
    if (maxAge <= 0 || size > maxBytes) {
      return;
    }
    storedAt[id] = now;
    weight[id] = size;
    entries++;
    bytes += size;
    linkFirst(id);
    while (entries > maxEntries || bytes > maxBytes) {
      remove(tail);
    }
  }

  /** Empties the cache (a purge). */
  void clear() {
    for (int id = head; id != NONE; id = next[id]) {
      storedAt[id] = ABSENT;
    }
    head = NONE;
    tail = NONE;
    entries = 0;
    bytes = 0;
  }

  /** Sets {@code live[id]} for every stored id. */
  void markStored(boolean[] live) {
    for (int id = head; id != NONE; id = next[id]) {
      live[id] = true;
    }
  }

  long entries() {
    return entries;
  }

  private void remove(int id) {
    unlink(id);
    storedAt[id] = ABSENT;
    entries--;
    bytes -= weight[id];
  }

  private void unlink(int id) {
    int p = prev[id];
    int nx = next[id];
    if (p == NONE) {
      head = nx;
    } else {
      next[p] = nx;
    }
    if (nx == NONE) {
      tail = p;
    } else {
      prev[nx] = p;
    }
  }

  private void linkFirst(int id) {
    prev[id] = NONE;
    next[id] = head;
    if (head != NONE) {
      prev[head] = id;
    }
    head = id;
    if (tail == NONE) {
      tail = id;
    }
  }
}
