/**
 * Counting primitives shared by the hotset and the simulator (a HyperLogLog distinct counter). Not
 * part of the API; may change in any release.
 */
@NullMarked
package dev.preheat.internal.count;

import org.jspecify.annotations.NullMarked;
