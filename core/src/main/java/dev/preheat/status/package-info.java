/**
 * Cache status: one normalized verdict read from the dialects caches speak (RFC 9211
 * {@code Cache-Status}, {@code X-Cache}, {@code CF-Cache-Status}, {@code Age}, ...).
 */
@NullMarked
package dev.preheat.status;

import org.jspecify.annotations.NullMarked;
