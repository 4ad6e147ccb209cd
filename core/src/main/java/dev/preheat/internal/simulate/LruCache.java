package dev.preheat.internal.simulate;

import java.util.Arrays;

/**
 * An LRU cache of URL ids with per-URL max-age and an entry and/or byte capacity: a doubly linked
 * list threaded through arrays indexed by id, so every operation is O(1) and nothing is allocated
 * while replaying. A stored copy is fresh while {@code now - storedAt < maxAge}. A URL whose
 * max-age is 0, or that weighs more than the byte capacity, is never stored. Not thread-safe.
 */
final class LruCache {

  private static final int NONE = -1;

  private final int[] prev;
  private final int[] next;
  private final long[] storedAt;
  private final boolean[] present;
  private final long[] size;
  private final long[] maxAge;
  private final long maxEntries;
  private final long maxBytes;
  private int head = NONE;
  private int tail = NONE;
  private long entries;
  private long bytes;

  /**
   * @param size per id, its weight in bytes
   * @param maxAge per id, milliseconds a stored copy stays fresh ({@code Long.MAX_VALUE}: forever)
   * @param maxEntries entry capacity, {@code Long.MAX_VALUE} for unlimited
   * @param maxBytes byte capacity, {@code Long.MAX_VALUE} for unlimited
   */
  LruCache(long[] size, long[] maxAge, long maxEntries, long maxBytes) {
    int ids = size.length;
    this.prev = new int[ids];
    this.next = new int[ids];
    this.storedAt = new long[ids];
    this.present = new boolean[ids];
    this.size = size;
    this.maxAge = maxAge;
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
  }

  /** Whether {@code id} is stored and fresh at {@code now}; a hit becomes most recently used. */
  boolean get(int id, long now) {
    if (present[id] && now - storedAt[id] < maxAge[id]) {
      if (head != id) {
        unlink(id);
        linkFirst(id);
      }
      return true;
    }
    return false;
  }

  /** Stores (or refreshes) {@code id} at {@code now} as most recently used, evicting LRU entries. */
  void put(int id, long now) {
    if (maxAge[id] <= 0 || size[id] > maxBytes) {
      if (present[id]) {
        remove(id);
      }
      return;
    }
    if (present[id]) {
      if (head != id) {
        unlink(id);
        linkFirst(id);
      }
      storedAt[id] = now;
      return;
    }
    present[id] = true;
    storedAt[id] = now;
    entries++;
    bytes += size[id];
    linkFirst(id);
    while (entries > maxEntries || bytes > maxBytes) {
      remove(tail);
    }
  }

  /** Empties the cache (a purge). */
  void clear() {
    if (entries * 4 > present.length) {
      Arrays.fill(present, false);
    } else {
      for (int id = head; id != NONE; id = next[id]) {
        present[id] = false;
      }
    }
    head = NONE;
    tail = NONE;
    entries = 0;
    bytes = 0;
  }

  long entries() {
    return entries;
  }

  private void remove(int id) {
    unlink(id);
    present[id] = false;
    entries--;
    bytes -= size[id];
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
