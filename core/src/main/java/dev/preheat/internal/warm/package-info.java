/**
 * Implementation of the warm engine: schedulers, stores, rate limiting, histograms. Not API: may
 * change in any release.
 */
@NullMarked
package dev.preheat.internal.warm;

import org.jspecify.annotations.NullMarked;
