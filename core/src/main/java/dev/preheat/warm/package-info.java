/**
 * The warm engine: plans, the warmer and its policies, outcomes and reports.
 */
@NullMarked
package dev.preheat.warm;

import org.jspecify.annotations.NullMarked;
