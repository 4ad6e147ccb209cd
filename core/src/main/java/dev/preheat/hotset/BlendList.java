package dev.preheat.hotset;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A named list of URLs blended into a hotset: a sitemap, a feed, a campaign or seasonal list.
 *
 * <p>Semantics (see {@link HotsetSelector} for the whole pipeline):
 *
 * <ul>
 *   <li>{@code priority} places the list relative to the traffic selection, which has priority
 *       {@link #TRAFFIC_PRIORITY}: lists with a priority above it are warmed <em>ahead of</em>
 *       traffic entries, lists with a priority at or below it (the default, {@link
 *       #DEFAULT_PRIORITY}) <em>after</em> them. Lists of equal priority are ordered by name.
 *   <li>URLs keep their order within a list (sort a sitemap by its own priority before passing it
 *       in). All entries, traffic and lists, share the selector's hard cap {@code max}; what the
 *       cap cuts is reported.
 *   <li>A list whose {@code expiry} is at or before the selector's clock instant is ignored and
 *       reported as expired (a time-boxed seasonal list).
 * </ul>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class BlendList {

  /** The priority of the traffic selection among blend lists. */
  public static final int TRAFFIC_PRIORITY = 0;

  /** The priority of a list built by {@link #of(String, List)}: warmed after traffic entries. */
  public static final int DEFAULT_PRIORITY = -1;

  private final String name;
  private final List<String> urls;
  private final int priority;
  private final @Nullable Instant expiry;

  private BlendList(String name, List<String> urls, int priority, @Nullable Instant expiry) {
    this.name = name;
    this.urls = urls;
    this.priority = priority;
    this.expiry = expiry;
  }

  /**
   * A list warmed after traffic entries that never expires.
   *
   * @param name the provenance name reported on entries, e.g. {@code sitemap}
   * @param urls the URLs, canonical, in warm order
   * @throws NullPointerException if an argument or a URL is null
   * @throws IllegalArgumentException if {@code name} is blank or {@value HotsetEntry#TRAFFIC}, or
   *     a URL is blank
   */
  public static BlendList of(String name, List<String> urls) {
    return of(name, urls, DEFAULT_PRIORITY, null);
  }

  /**
   * A list with an explicit priority and optional expiry.
   *
   * @param name the provenance name reported on entries, e.g. {@code campaign-xmas}
   * @param urls the URLs, canonical, in warm order
   * @param priority above {@link #TRAFFIC_PRIORITY}: ahead of traffic; otherwise after it
   * @param expiry when the list stops applying, or null for never
   * @throws NullPointerException if {@code name}, {@code urls} or a URL is null
   * @throws IllegalArgumentException if {@code name} is blank or {@value HotsetEntry#TRAFFIC}, or
   *     a URL is blank (the message names the list and the position)
   */
  public static BlendList of(
      String name, List<String> urls, int priority, @Nullable Instant expiry) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(urls, "urls");
    if (name.isBlank()) {
      throw new IllegalArgumentException("blend list name must not be blank");
    }
    if (name.equals(HotsetEntry.TRAFFIC)) {
      throw new IllegalArgumentException(
          "blend list name '" + HotsetEntry.TRAFFIC + "' is reserved for the traffic selection;"
              + " choose another name");
    }
    List<String> copy = new ArrayList<>(urls.size());
    for (int i = 0; i < urls.size(); i++) {
      String url = Objects.requireNonNull(urls.get(i), () -> "url in list " + name);
      if (url.isBlank()) {
        throw new IllegalArgumentException(
            "blend list '" + name + "' has a blank URL at index " + i);
      }
      copy.add(url);
    }
    return new BlendList(name, List.copyOf(copy), priority, expiry);
  }

  /** The provenance name of this list. */
  public String name() {
    return name;
  }

  /** The URLs, in warm order (unmodifiable). */
  public List<String> urls() {
    return urls;
  }

  /** The priority relative to {@link #TRAFFIC_PRIORITY}. */
  public int priority() {
    return priority;
  }

  /** When the list stops applying, or null for never. */
  public @Nullable Instant expiry() {
    return expiry;
  }

  /** Whether the list is expired at {@code now}: its expiry is at or before {@code now}. */
  public boolean isExpiredAt(Instant now) {
    return expiry != null && !expiry.isAfter(now);
  }

  @Override
  public String toString() {
    return "BlendList{name=" + name + ", urls=" + urls.size() + ", priority=" + priority
        + (expiry == null ? "" : ", expiry=" + expiry) + "}";
  }
}
