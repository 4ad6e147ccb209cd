/**
 * Traffic sources: streaming access-log readers (combined, common, nginx {@code log_format},
 * CloudFront/W3C, JSON lines, counts CSV), sitemaps and URL lists. Readers keep bounded memory on
 * unbounded input and report malformed lines instead of stopping.
 */
@NullMarked
package dev.preheat.source;

import org.jspecify.annotations.NullMarked;
