package dev.preheat.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preheat.spring.PreheatReport;
import dev.preheat.spring.Preheater;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.cache.CacheManager;

/** The sample warms its mined hot paths before readiness: the hottest products are cached. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "catalog.cost-per-item=1ms")
class SampleApplicationTest {

  @Autowired Preheater preheater;
  @Autowired CacheManager caches;
  @Autowired ApplicationAvailability availability;

  @Test
  void hotPathsAreCachedBeforeTrafficIsAccepted() {
    assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);
    PreheatReport report = preheater.lastReport();
    assertThat(report).isNotNull();
    assertThat(report.state()).isEqualTo(PreheatReport.State.WARM);
    assertThat(report.tasks()).singleElement().satisfies(t -> {
      assertThat(t.name()).isEqualTo("self");
      assertThat(t.items()).isGreaterThan(100);
      assertThat(t.failures()).isZero();
    });
    // the hottest product and category of the bundled log
    assertThat(caches.getCache("products").get("p0000")).isNotNull();
    assertThat(caches.getCache("categories").get("shoes")).isNotNull();
    // a cold one is not
    assertThat(caches.getCache("products").get("p1998")).isNull();
  }
}
