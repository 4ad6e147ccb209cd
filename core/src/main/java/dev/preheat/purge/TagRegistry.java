package dev.preheat.purge;

import dev.preheat.internal.purge.MemoryTagRegistry;
import java.net.URI;
import java.util.Collection;
import java.util.Set;

/**
 * Which URLs carry which tags (surrogate keys, cache tags), so that a change to "product-42" can
 * be resolved to the pages to re-warm. Fed by {@link TagRecorder} from the response headers seen
 * while warming, or by the application itself.
 *
 * <p>Implementations are thread-safe. They may be bounded: a URL forgotten to stay within bounds
 * is simply not re-warmed by tag (a tag purge at the CDN still removes it).
 */
public interface TagRegistry {

  /**
   * Records that {@code url} carries exactly {@code tags}, replacing what was known for it. An
   * empty {@code tags} forgets the URL.
   *
   * @throws IllegalArgumentException if the URL or a tag is invalid (see {@link
   *     PurgeRequest#checkUrl} and {@link PurgeRequest#checkTag})
   */
  void put(URI url, Collection<String> tags);

  /** The URLs known to carry {@code tag}; empty when none. A snapshot, never null. */
  Set<URI> urls(String tag);

  /** The tags known for {@code url}; empty when none. A snapshot, never null. */
  Set<String> tags(URI url);

  /** Forgets {@code url}. */
  void remove(URI url);

  /** How many URLs are known. */
  int size();

  /**
   * An in-memory registry holding at most {@code maxUrls} URLs and {@code maxTagsPerUrl} tags per
   * URL; beyond that the least recently put URL is forgotten first, and extra tags of one URL are
   * dropped (and logged once).
   *
   * @throws IllegalArgumentException if a bound is {@code < 1}
   */
  static TagRegistry inMemory(int maxUrls, int maxTagsPerUrl) {
    return new MemoryTagRegistry(maxUrls, maxTagsPerUrl);
  }

  /** An in-memory registry of at most {@code maxUrls} URLs and 256 tags per URL. */
  static TagRegistry inMemory(int maxUrls) {
    return inMemory(maxUrls, MemoryTagRegistry.DEFAULT_MAX_TAGS_PER_URL);
  }
}
