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

  /**
   * A listener that finds the registry on the first event ({@code registry} returns null when
   * there is none: events are then ignored), so it does not depend on when the registry bean is
   * defined.
   */
  public static WarmListener lazy(java.util.function.Supplier<? extends @org.jspecify.annotations.Nullable MeterRegistry> registry) {
    return new WarmListener() {
      private volatile @org.jspecify.annotations.Nullable WarmListener delegate;

      private WarmListener delegate() {
        WarmListener d = delegate;
        if (d == null) {
          MeterRegistry r = registry.get();
          d = r == null ? WarmListener.NONE : new PreheatMetrics(r);
          delegate = d;
        }
        return d;
      }

      @Override
      public void targetFinished(TargetResult result) {
        delegate().targetFinished(result);
      }

      @Override
      public void runFinished(WarmReport report) {
        delegate().runFinished(report);
      }

      @Override
      public String toString() {
        return "PreheatMetrics.lazy";
      }
    };
  }

  @Override
  public String toString() {
    return "PreheatMetrics[" + registry.getClass().getSimpleName() + "]";
  }
}
