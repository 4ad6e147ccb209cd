package dev.preheat.warm;

import dev.preheat.key.HeaderValidation;
import java.util.Map;
import java.util.Objects;

/**
 * Verification after warming: a share of the targets that ended well is requested again the way
 * a browser would (a browser-like {@code User-Agent} and the variant's headers, no warm marker
 * header), and the cache status of each answer is read. A warmed key that is still not served
 * from cache reveals a cache-key mismatch.
 *
 * @param share the share of good targets to re-request, 0..1; 0 turns verification off; any
 *     share above 0 samples at least one target
 * @param userAgent the browser-like {@code User-Agent} sent by default
 * @param userAgentByVariant a {@code User-Agent} per variant name, overriding {@code userAgent}
 *     and the variant's own
 */
public record VerifySettings(double share, String userAgent, Map<String, String> userAgentByVariant) {

  /** A current desktop browser's User-Agent. */
  public static final String DEFAULT_USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) "
      + "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36";

  /** Verification off. */
  public static final VerifySettings OFF = new VerifySettings(0, DEFAULT_USER_AGENT, Map.of());

  /**
   * Validates the settings.
   *
   * @throws IllegalArgumentException if {@code share} is outside 0..1 or a User-Agent has
   *     control characters
   */
  public VerifySettings {
    Objects.requireNonNull(userAgent, "userAgent");
    if (!(share >= 0 && share <= 1)) {
      throw new IllegalArgumentException("verification share must be in 0..1 but was " + share);
    }
    HeaderValidation.requireValid("verification", "User-Agent", userAgent);
    userAgentByVariant.forEach((v, ua) -> HeaderValidation.requireValid("verification of variant '" + v + "'",
        "User-Agent", ua));
    userAgentByVariant = Map.copyOf(userAgentByVariant);
  }

  /** Re-requests {@code share} of the good targets with {@link #DEFAULT_USER_AGENT}. */
  public static VerifySettings sample(double share) {
    return new VerifySettings(share, DEFAULT_USER_AGENT, Map.of());
  }

  /** The number of targets to sample out of {@code good}. */
  int sampleSize(int good) {
    if (share <= 0 || good == 0) {
      return 0;
    }
    return (int) Math.min(good, Math.max(1, Math.ceil(share * good)));
  }
}
