package dev.preheat.simulate;

/**
 * What one replay did in one window: user requests answered from the cache, and the warm
 * requests sent at the window's start.
 *
 * @param window the window's index in {@link SimulationResult#windows()}
 * @param hits user requests answered by a fresh cached copy
 * @param hitBytes logged response bytes of those hits
 * @param warmRequests warm requests sent at the window start (one per hotset URL)
 * @param warmBytes bytes those warm requests transferred (each URL's largest body logged
 *     in this window and the previous one)
 * @param warmFills warm requests the cache did not already hold fresh (origin fetches)
 */
public record WindowFigures(
    int window, long hits, long hitBytes, long warmRequests, long warmBytes, long warmFills) {}
