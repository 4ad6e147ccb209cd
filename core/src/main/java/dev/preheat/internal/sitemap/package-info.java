/**
 * Implementation of the sitemap and URL-list readers: size-limited streams, gzip detection, W3C
 * datetime parsing, hardened StAX setup and bounded line reading. Not part of the API; may change
 * without notice.
 */
@NullMarked
package dev.preheat.internal.sitemap;

import org.jspecify.annotations.NullMarked;
