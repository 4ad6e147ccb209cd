/**
 * Implementation of the simulator: the compact trace of a log (interned URL ids in time order,
 * cut into windows) and the int-indexed LRU cache it is replayed through. Not part of the API; may
 * change in any release.
 */
@NullMarked
package dev.preheat.internal.simulate;

import org.jspecify.annotations.NullMarked;
