/**
 * Hit-ratio what-if before warming anything: {@link dev.preheat.simulate.Simulator} replays an
 * access log through a simulated LRU cache with TTLs, without warming and with warming a hotset
 * mined from the previous window, for a sweep of hotset sizes, next to an oracle that warms each
 * window's own top URLs, and prices the difference ({@link dev.preheat.simulate.CostModel}).
 */
@NullMarked
package dev.preheat.simulate;

import org.jspecify.annotations.NullMarked;
