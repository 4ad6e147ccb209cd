package dev.preheat.internal.warm;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Hides query values in URLs and target keys before they reach logs, reports or audit records:
 * {@code /feed?flav=rss20&page=2} becomes {@code /feed?flav=~3fa9c2d1&page=~0b1e77a4}. Each value
 * is replaced by {@code ~} and the first 8 hex digits of an HMAC-SHA256 of the value under a
 * secret key, so two different values stay distinguishable ({@code ?flav=rss20} and {@code
 * ?flav=atom} no longer both read {@code ?flav=***}) and equal values look equal, while the value
 * itself cannot be read back; without the key it cannot be confirmed by guessing either. Names
 * stay visible. An empty value stays empty (there is nothing to hide). A parameter without
 * {@code =} ({@code /dl?AbC123signedToken}) is hashed whole, because such a bare parameter is
 * often the secret itself.
 *
 * <p>{@link #QUERY_VALUES} uses a random key made once per JVM: hashes are consistent within one
 * process and unlinkable across processes. {@link #keyed(byte[])} gives hashes that stay the same
 * across runs (an audit log that an auditor holding the key can check). Thread-safe.
 */
public final class Redactor {

  /** The shortest accepted key, in bytes. */
  public static final int MIN_KEY_BYTES = 16;

  /** Hex digits of the MAC kept: 32 bits tell values apart in any one log. */
  static final int HASH_HEX_DIGITS = 8;

  /** A redactor that hashes query values under a random per-JVM key. */
  public static final Redactor QUERY_VALUES = new Redactor(randomKey());

  /** A redactor that shows URLs as they are (explicitly enabled by the user). */
  public static final Redactor NONE = new Redactor(null);

  private final SecretKeySpec key;
  private final ThreadLocal<Mac> mac;

  private Redactor(byte[] key) {
    this.key = key == null ? null : new SecretKeySpec(key, "HmacSHA256");
    this.mac = key == null ? null : ThreadLocal.withInitial(this::newMac);
  }

  /**
   * A redactor hashing query values under {@code key}.
   *
   * @throws IllegalArgumentException if the key is shorter than {@value #MIN_KEY_BYTES} bytes
   */
  public static Redactor keyed(byte[] key) {
    Objects.requireNonNull(key, "key");
    if (key.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException("query value hashing key must have at least "
          + MIN_KEY_BYTES + " bytes but had " + key.length);
    }
    return new Redactor(key.clone());
  }

  private static byte[] randomKey() {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    return k;
  }

  private Mac newMac() {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(key);
      return m;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
    }
  }

  /** The short keyed hash that stands for {@code value}: {@code ~} and 8 hex digits. */
  public String hash(String value) {
    if (mac == null) {
      return value;
    }
    byte[] digest = mac.get().doFinal(value.getBytes(StandardCharsets.UTF_8));
    return "~" + HexFormat.of().formatHex(digest).substring(0, HASH_HEX_DIGITS);
  }

  /** {@code text} (a URL or a target key) with query values replaced by their keyed hashes. */
  public String redact(String text) {
    int q = text.indexOf('?');
    if (mac == null || q < 0) {
      return text;
    }
    int hash = text.indexOf('#', q);
    int end = hash < 0 ? text.length() : hash;
    StringBuilder b = new StringBuilder(text.length()).append(text, 0, q + 1);
    int i = q + 1;
    while (i <= end) {
      int amp = text.indexOf('&', i);
      int stop = amp < 0 || amp > end ? end : amp;
      String pair = text.substring(i, stop);
      int eq = pair.indexOf('=');
      if (eq < 0) {
        // A bare parameter (?s3cr3tToken, ?flag) may itself be the secret: hash it whole.
        b.append(pair.isEmpty() ? pair : hash(pair));
      } else if (eq == pair.length() - 1) {
        b.append(pair);
      } else {
        b.append(pair, 0, eq + 1).append(hash(pair.substring(eq + 1)));
      }
      if (stop < end) {
        b.append('&');
      }
      i = stop + 1;
    }
    return b.append(text, end, text.length()).toString();
  }

  @Override
  public String toString() {
    return mac == null ? "Redactor.NONE" : "Redactor[keyed HMAC-SHA256]";
  }
}
