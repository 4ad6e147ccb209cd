package dev.preheat.redis.internal;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The 64-bit hashes by which a batch's claims are stored: 8 bytes per key, big-endian, in one
 * string value per batch (see {@link Scripts#CLAIM}). The hash is FNV-1a over the key's UTF-8
 * bytes, mixed by MurmurHash3's 64-bit finalizer; never zero. Every primer must compute the same
 * hash for a key. Two keys with the same hash only make one look held while the other is
 * claimed (it is re-checked until the claim is released), never both loaded at once.
 */
public final class ClaimHashes {

  /** Bytes per key in a claim list. */
  public static final int WIDTH = 8;

  private ClaimHashes() {}

  /** The hash of {@code key}, never zero. */
  public static long of(String key) {
    long h = 0xcbf29ce484222325L;
    int n = key.length();
    for (int i = 0; i < n; i++) {
      char ch = key.charAt(i);
      if (ch >= 0x80) {
        return ofBytes(key.getBytes(StandardCharsets.UTF_8));
      }
      h = (h ^ ch) * 0x100000001b3L;
    }
    return finish(h);
  }

  private static long ofBytes(byte[] b) {
    long h = 0xcbf29ce484222325L;
    for (byte x : b) {
      h = (h ^ (x & 0xff)) * 0x100000001b3L;
    }
    return finish(h);
  }

  private static long finish(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h == 0 ? 1 : h;
  }

  /** The hashes of {@code keys}, 8 big-endian bytes each, in order. */
  public static byte[] list(List<String> keys) {
    return list(keys.size(), keys::get);
  }

  /** The hashes of keys {@code keyAt(0)} to {@code keyAt(n - 1)}, 8 big-endian bytes each. */
  public static byte[] list(int n, IntFunction<String> keyAt) {
    byte[] out = new byte[n * WIDTH];
    for (int j = 0; j < n; j++) {
      put(of(keyAt.apply(j)), out, j * WIDTH);
    }
    return out;
  }

  /** Writes {@code h} big-endian into {@code out} at {@code off}. */
  private static void put(long h, byte[] out, int off) {
    for (int s = 0; s < WIDTH; s++) {
      out[off + s] = (byte) (h >>> (56 - 8 * s));
    }
  }
}
