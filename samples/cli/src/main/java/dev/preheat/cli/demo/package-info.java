/**
 * A self-contained demo target for {@code preheat demo}: an embedded origin and an embedded
 * caching proxy on loopback ports. Demo code only, not a cache to deploy.
 */
@NullMarked
package dev.preheat.cli.demo;

import org.jspecify.annotations.NullMarked;
