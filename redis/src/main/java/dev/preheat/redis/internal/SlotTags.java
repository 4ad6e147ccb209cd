package dev.preheat.redis.internal;

import io.lettuce.core.cluster.SlotHash;

/**
 * A short hash tag for every Redis Cluster hash slot: a key containing {@code "{" + tag(s) +
 * "}"} (and no earlier hash tag) lives in slot {@code s}. Lets a per-slot key (a claim registry or set)
 * share a slot with the data keys one script call uses. Computed once, on first use (a few
 * milliseconds: base-36 numbers are tried until every slot has one).
 */
public final class SlotTags {

  private SlotTags() {}

  private static final class Holder {
    static final String[] TAGS = compute();
  }

  private static String[] compute() {
    String[] tags = new String[SlotHash.SLOT_COUNT];
    int left = tags.length;
    for (long i = 0; left > 0; i++) {
      String t = Long.toString(i, 36);
      int slot = SlotHash.getSlot(t);
      if (tags[slot] == null) {
        tags[slot] = t;
        left--;
      }
    }
    return tags;
  }

  /** The tag of {@code slot} (0..16383). */
  public static String tag(int slot) {
    return Holder.TAGS[slot];
  }
}
