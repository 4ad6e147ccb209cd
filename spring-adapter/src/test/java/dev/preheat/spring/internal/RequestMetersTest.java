package dev.preheat.spring.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class RequestMetersTest {

  @Test
  void registersTheAppsTimerForEachWarmTimersTagsAtTheNextWarmRequest() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RequestMeters meters = new RequestMeters(() -> registry);
    meters.warmRequest("http.server.requests");
    registry.timer(WarmTraffic.WARM_REQUESTS, Tags.of("uri", "/a", "status", "200"));
    assertThat(registry.find("http.server.requests").timers()).isEmpty();

    meters.warmRequest("http.server.requests");

    assertThat(registry.get("http.server.requests").tags("uri", "/a", "status", "200").timer()
        .count()).isZero();
  }

  @Test
  void aWarmTimerCreatedWhileTheFirstWarmRequestAttachedIsNotMissed() {
    // Warm requests end on several threads: one may create its warm timer before the first
    // one's call has added the registry listener.
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    registry.timer(WarmTraffic.WARM_REQUESTS, Tags.of("uri", "/b", "status", "200"));
    registry.counter("other");
    RequestMeters meters = new RequestMeters(() -> registry);

    meters.warmRequest("http.server.requests");

    assertThat(registry.get("http.server.requests").tags("uri", "/b", "status", "200").timer()
        .count()).isZero();
    assertThat(registry.find("http.server.requests").timers()).hasSize(1);
  }
}
