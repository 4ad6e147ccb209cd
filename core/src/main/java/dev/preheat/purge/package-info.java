/**
 * Purging caches and re-warming what a content change invalidated: the {@link
 * dev.preheat.spi.Purger} SPI (implemented for Varnish, nginx, Fastly and Cloudflare in
 * {@code preheat-http}), the {@link dev.preheat.purge.TagRegistry} that maps surrogate keys /
 * cache tags to URLs, and the {@link dev.preheat.purge.Rewarmer} that turns change events into
 * purge-then-warm, coalescing bursts.
 */
@NullMarked
package dev.preheat.purge;

import dev.preheat.spi.Purger;
import org.jspecify.annotations.NullMarked;
