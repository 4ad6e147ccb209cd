/** Implementation of {@code dev.preheat.redis}; not API. */
@NullMarked
package dev.preheat.redis.internal;

import org.jspecify.annotations.NullMarked;
