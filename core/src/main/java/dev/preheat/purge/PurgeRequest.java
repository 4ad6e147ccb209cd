package dev.preheat.purge;

import java.net.URI;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * What to purge: absolute URLs and/or tags (surrogate keys, cache tags), hard or soft.
 *
 * <p>A soft purge marks content stale instead of removing it (Fastly's {@code Fastly-Soft-Purge:
 * 1}); purgers whose cache has no soft purge do a hard one and say so in the item detail.
 * Duplicates are dropped, order is kept.
 *
 * @param urls absolute http(s) URLs
 * @param tags surrogate keys / cache tags (non-blank, no whitespace)
 * @param soft whether a soft purge is asked for
 */
public record PurgeRequest(List<URI> urls, List<String> tags, boolean soft) {

  /**
   * Validates and copies the components.
   *
   * @throws IllegalArgumentException naming the item if a URL is not an absolute http(s) URL or
   *     a tag is blank or holds whitespace or control characters
   */
  public PurgeRequest {
    Objects.requireNonNull(urls, "urls");
    Objects.requireNonNull(tags, "tags");
    LinkedHashSet<URI> u = new LinkedHashSet<>();
    for (URI url : urls) {
      u.add(checkUrl(url));
    }
    LinkedHashSet<String> t = new LinkedHashSet<>();
    for (String tag : tags) {
      t.add(checkTag(tag));
    }
    urls = List.copyOf(u);
    tags = List.copyOf(t);
  }

  /** A hard purge of {@code urls}. */
  public static PurgeRequest urls(Collection<URI> urls) {
    return new PurgeRequest(List.copyOf(urls), List.of(), false);
  }

  /** A hard purge of {@code urls}. */
  public static PurgeRequest urls(URI... urls) {
    return urls(List.of(urls));
  }

  /** A hard purge of {@code tags}. */
  public static PurgeRequest tags(Collection<String> tags) {
    return new PurgeRequest(List.of(), List.copyOf(tags), false);
  }

  /** A hard purge of {@code tags}. */
  public static PurgeRequest tags(String... tags) {
    return tags(List.of(tags));
  }

  /** This request as a soft purge. */
  public PurgeRequest asSoft() {
    return new PurgeRequest(urls, tags, true);
  }

  /** Whether there is nothing to purge. */
  public boolean isEmpty() {
    return urls.isEmpty() && tags.isEmpty();
  }

  /**
   * Checks that {@code url} is an absolute http(s) URL with a host.
   *
   * @throws IllegalArgumentException naming the URL otherwise
   */
  public static URI checkUrl(URI url) {
    Objects.requireNonNull(url, "url");
    String scheme = url.getScheme();
    if (!url.isAbsolute() || url.getHost() == null
        || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
      throw new IllegalArgumentException("purge URL '" + url
          + "' must be an absolute http(s) URL with a host, e.g. https://example.com/a");
    }
    return url;
  }

  /**
   * Checks that {@code tag} is a usable tag: non-empty, at most 1024 characters, no whitespace,
   * commas or control characters (they separate tags in every cache's header syntax).
   *
   * @throws IllegalArgumentException naming the tag otherwise
   */
  public static String checkTag(String tag) {
    Objects.requireNonNull(tag, "tag");
    if (tag.isEmpty() || tag.length() > 1024) {
      throw new IllegalArgumentException(
          "tag must be 1 to 1024 characters but had " + tag.length());
    }
    for (int i = 0; i < tag.length(); i++) {
      char c = tag.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c) || c == ',') {
        throw new IllegalArgumentException("tag '" + tag.replaceAll("\\p{Cntrl}", "?")
            + "' holds whitespace, a comma or a control character at index " + i
            + "; tags are single tokens such as product-42");
      }
    }
    return tag;
  }
}
