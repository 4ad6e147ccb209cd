/**
 * Hotset selection: counting (exact and a bounded-memory, mergeable heavy-hitters sketch),
 * windows and sustained popularity, coverage/top-K selection and blending with curated lists.
 */
@NullMarked
package dev.preheat.hotset;

import org.jspecify.annotations.NullMarked;
