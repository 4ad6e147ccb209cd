package dev.preheat.internal.purge;

import dev.preheat.purge.PurgeRequest;
import dev.preheat.purge.TagRegistry;
import java.net.URI;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A bounded in-memory tag registry: URLs in put order, the oldest forgotten first. */
public final class MemoryTagRegistry implements TagRegistry {

  private static final Logger LOG = LoggerFactory.getLogger(MemoryTagRegistry.class);

  /** Tags kept per URL by default. */
  public static final int DEFAULT_MAX_TAGS_PER_URL = 256;

  private final int maxUrls;
  private final int maxTagsPerUrl;
  private final LinkedHashMap<URI, Set<String>> byUrl = new LinkedHashMap<>();
  private final Map<String, Set<URI>> byTag = new HashMap<>();
  private final AtomicBoolean warnedTags = new AtomicBoolean();
  private final AtomicBoolean warnedUrls = new AtomicBoolean();

  /** A registry of at most {@code maxUrls} URLs with at most {@code maxTagsPerUrl} tags each. */
  public MemoryTagRegistry(int maxUrls, int maxTagsPerUrl) {
    if (maxUrls < 1) {
      throw new IllegalArgumentException("maxUrls must be >= 1 but was " + maxUrls);
    }
    if (maxTagsPerUrl < 1) {
      throw new IllegalArgumentException("maxTagsPerUrl must be >= 1 but was " + maxTagsPerUrl);
    }
    this.maxUrls = maxUrls;
    this.maxTagsPerUrl = maxTagsPerUrl;
  }

  @Override
  public void put(URI url, Collection<String> tags) {
    PurgeRequest.checkUrl(url);
    LinkedHashSet<String> kept = new LinkedHashSet<>();
    for (String tag : tags) {
      PurgeRequest.checkTag(tag);
      if (kept.size() < maxTagsPerUrl) {
        kept.add(tag);
      } else if (warnedTags.compareAndSet(false, true)) {
        LOG.warn("tag registry keeps at most {} tags per URL; extra tags of {} and later URLs"
            + " are dropped (raise maxTagsPerUrl)", maxTagsPerUrl, url.getPath());
      }
    }
    synchronized (this) {
      removeLocked(url);
      if (kept.isEmpty()) {
        return;
      }
      byUrl.put(url, Set.copyOf(kept));
      for (String tag : kept) {
        byTag.computeIfAbsent(tag, k -> new LinkedHashSet<>()).add(url);
      }
      if (byUrl.size() > maxUrls) {
        Iterator<URI> oldest = byUrl.keySet().iterator();
        URI evicted = oldest.next();
        removeLocked(evicted);
        if (warnedUrls.compareAndSet(false, true)) {
          LOG.warn("tag registry is full ({} URLs); the least recently tagged URLs are forgotten"
              + " (raise maxUrls or use a shared registry)", maxUrls);
        }
      }
    }
  }

  @Override
  public synchronized Set<URI> urls(String tag) {
    Set<URI> urls = byTag.get(tag);
    return urls == null ? Set.of() : Set.copyOf(urls);
  }

  @Override
  public synchronized Set<String> tags(URI url) {
    return byUrl.getOrDefault(url, Set.of());
  }

  @Override
  public synchronized void remove(URI url) {
    removeLocked(url);
  }

  private void removeLocked(URI url) {
    Set<String> old = byUrl.remove(url);
    if (old == null) {
      return;
    }
    for (String tag : old) {
      Set<URI> urls = byTag.get(tag);
      if (urls != null) {
        urls.remove(url);
        if (urls.isEmpty()) {
          byTag.remove(tag);
        }
      }
    }
  }

  @Override
  public synchronized int size() {
    return byUrl.size();
  }

  @Override
  public synchronized String toString() {
    return "TagRegistry.inMemory(" + byUrl.size() + "/" + maxUrls + " URLs, " + byTag.size()
        + " tags)";
  }
}
