/**
 * Cache keys: URL canonicalization, header normalization, cohort cookies, Vary handling and the
 * {@link dev.preheat.key.CacheKey}. Pure functions without I/O, safe to import from tests.
 *
 * <pre>{@code
 * HeaderNormalizer headers = HeaderNormalizer.builder().supportedLanguages("en", "de").build();
 * Map<String, String> normalized = headers.normalize(rawRequestHeaders);
 * Variant variant = VaryPolicy.defaults().variant(responseVary, normalized);
 * String target = UrlCanonicalizer.defaults().canonicalize("/a?utm_source=x&b=1"); // "/a?b=1"
 * CacheKey key = CacheKey.of("example.com", target, variant);
 * // example.com/a?b=1|accept-encoding=br|accept-language=de
 * }</pre>
 *
 * <p>Every header name and value that enters a key is checked by {@link
 * dev.preheat.key.HeaderValidation}: CR, LF, NUL and other control characters are rejected with
 * an error naming the header.
 */
@NullMarked
package dev.preheat.key;

import org.jspecify.annotations.NullMarked;
