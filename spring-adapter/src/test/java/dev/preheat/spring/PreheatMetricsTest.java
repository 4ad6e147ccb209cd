package dev.preheat.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preheat.spring.actuate.PreheatMetrics;
import dev.preheat.status.CacheStatus;
import dev.preheat.warm.Outcome;
import dev.preheat.warm.SkipReason;
import dev.preheat.warm.TargetResult;
import dev.preheat.warm.WarmPlan;
import dev.preheat.warm.WarmTarget;
import dev.preheat.warm.WarmVariant;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** Meters from warm events: preheat.targets by outcome, preheat.cache.status by status. */
class PreheatMetricsTest {

  @Test
  void countsTargetsByOutcomeAndCacheStatus() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    PreheatMetrics metrics = new PreheatMetrics(registry);
    assertThat(registry.getMeters()).isEmpty();
    WarmTarget target = new WarmTarget(new WarmPlan.Entry(URI.create("https://x.test/a"), 1,
        "test", 0), WarmVariant.defaultVariant());
    CacheStatus miss = new CacheStatus(CacheStatus.Kind.MISS, "x-cache", "MISS", 0);
    metrics.targetFinished(new TargetResult(target, Outcome.WARMED, null, null, 200, 1, miss));
    metrics.targetFinished(new TargetResult(target, Outcome.WARMED, null, null, 200, 1, miss));
    metrics.targetFinished(new TargetResult(target, Outcome.FAILED, null, "503", 503, 3,
        CacheStatus.unknown()));
    metrics.targetFinished(new TargetResult(target, Outcome.SKIPPED, SkipReason.values()[0], null,
        0, 0, CacheStatus.unknown()));
    assertThat(registry.get("preheat.targets").tag("outcome", "warmed").counter().count())
        .isEqualTo(2);
    assertThat(registry.get("preheat.targets").tag("outcome", "failed").counter().count())
        .isEqualTo(1);
    assertThat(registry.get("preheat.targets").tag("outcome", "skipped").counter().count())
        .isEqualTo(1);
    assertThat(registry.get("preheat.cache.status").tag("status", "miss").counter().count())
        .isEqualTo(2);
    assertThat(registry.get("preheat.cache.status").tag("status", "unknown").counter().count())
        .isEqualTo(2);
  }
}
