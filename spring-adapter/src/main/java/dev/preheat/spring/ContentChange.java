package dev.preheat.spring;

import java.util.List;

/**
 * What a verified webhook says changed: cache tags and/or URLs.
 *
 * @param tags surrogate keys / cache tags
 * @param urls URLs or paths
 */
public record ContentChange(List<String> tags, List<String> urls) {

  /** Copies the lists. */
  public ContentChange {
    tags = List.copyOf(tags);
    urls = List.copyOf(urls);
  }
}
