package dev.preheat.spring.actuate;

import dev.preheat.spring.OnTimeout;
import dev.preheat.spring.PreheatReport;
import dev.preheat.spring.Preheater;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health {@code preheat}: {@code OUT_OF_SERVICE} until the first warm round has ended, then
 * {@code UP} (or {@code DOWN} when it timed out and {@code preheat.startup.on-timeout=fail}).
 * Later re-warms do not take the instance out of service. It only reads flags: no I/O.
 * Add it to the readiness group: {@code management.endpoint.health.group.readiness.include=
 * readinessState,preheat}.
 */
public final class PreheatHealthIndicator implements HealthIndicator {

  private final Preheater preheater;
  private final OnTimeout onTimeout;

  /** An indicator reading {@code preheater}. */
  public PreheatHealthIndicator(Preheater preheater, OnTimeout onTimeout) {
    this.preheater = preheater;
    this.onTimeout = onTimeout;
  }

  @Override
  public Health health() {
    PreheatReport last = preheater.lastReport();
    if (!preheater.isFirstRoundDone() || last == null) {
      return Health.outOfService().withDetail("state", "warming").build();
    }
    Health.Builder b = onTimeout == OnTimeout.FAIL && last.timedOut() ? Health.down() : Health.up();
    return b.withDetail("state", last.state().name().toLowerCase(java.util.Locale.ROOT))
        .withDetail("elapsedMillis", last.elapsed().toMillis())
        .withDetail("warming", preheater.isWarming())
        .build();
  }
}
