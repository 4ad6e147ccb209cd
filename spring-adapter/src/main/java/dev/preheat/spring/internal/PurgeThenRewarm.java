package dev.preheat.spring.internal;

import dev.preheat.purge.Rewarmer;
import dev.preheat.spring.ContentChange;
import dev.preheat.spring.ContentChangeListener;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a verified change to the {@link Rewarmer}: purge the URLs and tags at the CDN (shield
 * first), then re-warm what was purged. Paths are resolved against {@code preheat.http.base-url};
 * an item that is neither an absolute URL nor a path (with a base URL) is logged and skipped.
 */
public final class PurgeThenRewarm implements ContentChangeListener {

  private static final Logger log = LoggerFactory.getLogger(PurgeThenRewarm.class);

  private final Rewarmer rewarmer;
  private final @Nullable URI base;

  /** A listener feeding {@code rewarmer}; {@code base} resolves paths (may be null). */
  public PurgeThenRewarm(Rewarmer rewarmer, @Nullable URI base) {
    this.rewarmer = rewarmer;
    this.base = base;
  }

  @Override
  public void changed(ContentChange change) {
    List<URI> urls = new ArrayList<>();
    for (String u : change.urls()) {
      try {
        URI uri = URI.create(u);
        if (!uri.isAbsolute()) {
          if (base == null || !u.startsWith("/")) {
            log.warn("Preheat webhook: skipping '{}': not an absolute URL, and paths need "
                + "preheat.http.base-url", u);
            continue;
          }
          uri = base.resolve(u);
        }
        urls.add(uri);
      } catch (IllegalArgumentException e) {
        log.warn("Preheat webhook: skipping '{}': {}", u, e.getMessage());
      }
    }
    rewarmer.onChange(urls, change.tags());
  }
}
