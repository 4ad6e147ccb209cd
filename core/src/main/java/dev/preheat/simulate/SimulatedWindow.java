package dev.preheat.simulate;

import java.time.Instant;

/**
 * One window of the replayed log.
 *
 * @param index position, 0 for the earliest
 * @param start inclusive start (a multiple of the window length since the epoch)
 * @param end exclusive end
 * @param requests user requests in the window
 * @param bytes their logged response bytes
 * @param distinctUrls distinct URLs requested in the window
 * @param evaluated whether the window counts in the figures: every window but the first, which
 *     has no previous window to mine a hotset from
 */
public record SimulatedWindow(
    int index, Instant start, Instant end, long requests, long bytes, int distinctUrls,
    boolean evaluated) {}
