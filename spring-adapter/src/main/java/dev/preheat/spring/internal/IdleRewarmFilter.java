package dev.preheat.spring.internal;

import dev.preheat.spring.Preheater;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * When the gap since the previous request exceeds the TTL, starts a re-warm in the background and
 * lets the request through at once (never delays it). Warm requests themselves do not count.
 */
public final class IdleRewarmFilter extends HttpFilter {

  private static final long serialVersionUID = 1L;

  private final transient Preheater preheater;
  private final long ttlMillis;
  private final transient Clock clock;
  private final AtomicLong last;

  /** A filter re-warming {@code preheater} after {@code ttl} without requests. */
  public IdleRewarmFilter(Preheater preheater, Duration ttl, Clock clock) {
    this.preheater = preheater;
    this.ttlMillis = ttl.toMillis();
    this.clock = clock;
    this.last = new AtomicLong(clock.millis());
  }

  @Override
  protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    if (!WarmTraffic.isWarmRequest(req)) {
      long now = clock.millis();
      long previous = last.getAndSet(now);
      if (now - previous > ttlMillis && preheater.isFirstRoundDone()) {
        preheater.start("idle");
      }
    }
    chain.doFilter(req, res);
  }
}
