package dev.preheat.spi;

import dev.preheat.purge.PurgeRequest;
import dev.preheat.purge.PurgeResult;

import java.util.concurrent.CompletableFuture;

/**
 * Purges URLs and tags from one cache (a Varnish, an nginx, a CDN's API). Implementations for
 * Varnish, nginx, Fastly and Cloudflare live in {@code preheat-http}.
 *
 * <p>Contract: {@link #purge} returns at once; the future completes with a {@link PurgeResult}
 * holding exactly one item per URL and tag of the request, and never completes exceptionally
 * (failures, including after retries on rate limits and server errors, are items with status
 * {@code FAILED}). Kinds the cache cannot purge are {@code UNSUPPORTED}. Implementations are
 * thread-safe, and never log or print credentials (not even from {@code toString()}).
 */
public interface Purger extends AutoCloseable {

  /** A short name used in reports, e.g. {@code varnish 127.0.0.1:6081} or {@code fastly}. */
  String name();

  /** Whether this purger can purge by tag (surrogate key, cache tag). */
  boolean supportsTags();

  /** Purges {@code request}; see the interface contract. */
  CompletableFuture<PurgeResult> purge(PurgeRequest request);

  /** Releases resources the purger owns; the default does nothing. */
  @Override
  default void close() {}
}
