package dev.preheat.spring.actuate;

import dev.preheat.report.WarmReport;
import dev.preheat.spi.WarmListener;
import dev.preheat.warm.TargetResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;

/**
 * Micrometer meters from warm events: {@code preheat.targets} (counter, tag {@code outcome}),
 * {@code preheat.cache.status} (counter, tag {@code status}: the cache status the warm response
 * reported), {@code preheat.bytes} (counter of body bytes) and {@code preheat.duration} (timer
 * of runs). Callbacks only increment meters (no I/O), as the listener contract asks.
 */
public final class PreheatMetrics implements WarmListener {

  private final MeterRegistry registry;

  /** Meters in {@code registry}, registered on the first event (nothing at startup). */
  public PreheatMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void targetFinished(TargetResult result) {
    registry.counter("preheat.targets", "outcome",
        result.outcome().name().toLowerCase(Locale.ROOT)).increment();
    registry.counter("preheat.cache.status", "status",
        result.cacheStatus().kind().name().toLowerCase(Locale.ROOT)).increment();
  }

  @Override
  public void runFinished(WarmReport report) {
    Counter.builder("preheat.bytes").baseUnit("bytes")
        .description("Body bytes received by warm requests").register(registry)
        .increment(report.totals().bodyBytes());
    Timer.builder("preheat.duration").description("Warm run duration").register(registry)
        .record(report.elapsed());
  }

  @Override
  public String toString() {
    return "PreheatMetrics[" + registry.getClass().getSimpleName() + "]";
  }
}
