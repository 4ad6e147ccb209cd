package dev.preheat.spi;

import org.jspecify.annotations.Nullable;

/**
 * What a {@link ValidatorStore} keeps for one target: the validators of the last full response
 * and, when the URL was found uncacheable, why.
 *
 * @param etag the {@code ETag} of the last 200, or null
 * @param lastModified the {@code Last-Modified} of the last 200 (as sent), or null
 * @param uncacheableReason why the URL must not be warmed (e.g. {@code Cache-Control: no-store}),
 *     or null when it is cacheable
 */
public record Validators(
    @Nullable String etag, @Nullable String lastModified, @Nullable String uncacheableReason) {

  /** Validators of a cacheable response. */
  public static Validators of(@Nullable String etag, @Nullable String lastModified) {
    return new Validators(etag, lastModified, null);
  }

  /** A denial: the URL is uncacheable for {@code reason}. */
  public static Validators uncacheable(String reason) {
    return new Validators(null, null, reason);
  }

  /** Whether a conditional request can be made: an ETag or a Last-Modified is known. */
  public boolean canRevalidate() {
    return etag != null || lastModified != null;
  }

  /** Whether the URL was recorded as uncacheable. */
  public boolean isUncacheable() {
    return uncacheableReason != null;
  }
}
