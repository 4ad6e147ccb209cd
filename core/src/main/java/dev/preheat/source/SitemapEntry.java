package dev.preheat.source;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One {@code <url>} of a sitemap.
 *
 * @param url the canonical URL (see {@link dev.preheat.key.UrlCanonicalizer})
 * @param lastmod when the page last changed, or null if the sitemap does not say
 * @param priority the relative priority, 0.0 to 1.0; {@link #DEFAULT_PRIORITY} when absent
 * @param changefreq how often the page changes, or null if the sitemap does not say
 * @param source the sitemap the entry was read from, as the reader names it
 */
public record SitemapEntry(
    String url,
    @Nullable Instant lastmod,
    double priority,
    @Nullable ChangeFrequency changefreq,
    String source) {

  /** The priority of an entry without {@code <priority>}, as the sitemap protocol defines. */
  public static final double DEFAULT_PRIORITY = 0.5;

  /**
   * Validates the components.
   *
   * @throws NullPointerException if {@code url} or {@code source} is null
   * @throws IllegalArgumentException if {@code priority} is not within 0.0 to 1.0
   */
  public SitemapEntry {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(source, "source");
    if (!(priority >= 0.0 && priority <= 1.0)) {
      throw new IllegalArgumentException("priority must be within 0.0 and 1.0 but was " + priority);
    }
  }

  /** The last modification time, if the sitemap gave one. */
  public Optional<Instant> lastModified() {
    return Optional.ofNullable(lastmod);
  }

  /** This entry as a single GET {@link TrafficRecord} without status, size or time. */
  public TrafficRecord toTrafficRecord() {
    return TrafficRecord.of(url);
  }

  /** The values of {@code <changefreq>}. */
  public enum ChangeFrequency {
    /** Changes on every access. */
    ALWAYS,
    /** Changes about hourly. */
    HOURLY,
    /** Changes about daily. */
    DAILY,
    /** Changes about weekly. */
    WEEKLY,
    /** Changes about monthly. */
    MONTHLY,
    /** Changes about yearly. */
    YEARLY,
    /** Archived; never changes. */
    NEVER;

    /**
     * Parses a {@code <changefreq>} value, ignoring case and surrounding whitespace.
     *
     * @param text the element text
     * @return the frequency
     * @throws IllegalArgumentException if {@code text} is not one of the seven protocol values
     */
    public static ChangeFrequency parse(String text) {
      String value = text.strip().toUpperCase(Locale.ROOT);
      for (ChangeFrequency f : values()) {
        if (f.name().equals(value)) {
          return f;
        }
      }
      throw new IllegalArgumentException(
          "changefreq '" + text.strip() + "' is not one of always, hourly, daily, weekly,"
              + " monthly, yearly, never");
    }
  }
}
