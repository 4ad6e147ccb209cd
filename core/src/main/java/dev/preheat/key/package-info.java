/**
 * Cache keys: URL canonicalization, header normalization, cohort cookies, Vary handling and the
 * {@link dev.preheat.key.CacheKey}. Pure functions without I/O, safe to import from tests.
 */
@NullMarked
package dev.preheat.key;

import org.jspecify.annotations.NullMarked;
