/**
 * Implementation of the access-log readers: byte-level line parsers, the chunked parallel scanner
 * and its per-worker caches. Not part of the API; may change in any release.
 */
@NullMarked
package dev.preheat.internal.source;

import org.jspecify.annotations.NullMarked;
