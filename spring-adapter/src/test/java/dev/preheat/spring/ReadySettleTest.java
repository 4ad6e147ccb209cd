package dev.preheat.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preheat.spring.internal.StartupWarmers;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;

/** The GC and JIT settle when readiness is about to flip (mode blocking, something warmed). */
class ReadySettleTest {

  static long collections() {
    long n = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      n += Math.max(0, gc.getCollectionCount());
    }
    return n;
  }

  static WarmTask task(long items) {
    return new WarmTask() {
      @Override
      public String name() {
        return "t";
      }

      @Override
      public TaskOutcome warm(WarmTaskContext context) {
        return TaskOutcome.of(items, 0, null);
      }
    };
  }

  static Preheater warmed(long items) throws InterruptedException {
    Preheater p = new Preheater(List.of(task(items)), Duration.ofSeconds(5),
        Duration.ofSeconds(5), Clock.systemUTC(), () -> -1);
    p.warm("startup");
    return p;
  }

  static AvailabilityChangeEvent<ReadinessState> event(ReadinessState state) {
    return new AvailabilityChangeEvent<>(new Object(), state);
  }

  @Test
  void collectsOnceWhenReadinessIsAboutToFlipAfterWarming() throws Exception {
    StartupWarmers.ReadySettle settle =
        new StartupWarmers.ReadySettle(warmed(3), Duration.ofMillis(200));
    long before = collections();
    settle.onApplicationEvent(event(ReadinessState.REFUSING_TRAFFIC));
    assertThat(collections()).isEqualTo(before);
    settle.onApplicationEvent(event(ReadinessState.ACCEPTING_TRAFFIC));
    long after = collections();
    assertThat(after).isGreaterThan(before);
    // once
    settle.onApplicationEvent(event(ReadinessState.ACCEPTING_TRAFFIC));
    assertThat(collections()).isEqualTo(after);
    assertThat(settle.getOrder()).isEqualTo(Ordered.HIGHEST_PRECEDENCE);
  }

  @Test
  void nothingWhenNothingWasWarmed() throws Exception {
    StartupWarmers.ReadySettle settle =
        new StartupWarmers.ReadySettle(warmed(0), Duration.ofMillis(200));
    long before = collections();
    settle.onApplicationEvent(event(ReadinessState.ACCEPTING_TRAFFIC));
    assertThat(collections()).isEqualTo(before);
  }

  /** Records, right after the settle, what the app's availability said and the GC count. */
  static final AtomicReference<ReadinessState> SEEN = new AtomicReference<>();
  static final AtomicLong GCS = new AtomicLong(-1);
  static final AtomicLong GCS_AT_READY = new AtomicLong(-1);

  @SpringBootApplication
  static class App {
    @Bean
    WarmTask warmOne() {
      return task(1);
    }

    /** Just before readiness is published (no GC of its own between this and the settle). */
    @Bean
    ApplicationListener<ApplicationReadyEvent> atReady() {
      return event -> GCS_AT_READY.set(collections());
    }

    @Bean
    ApplicationListener<AvailabilityChangeEvent<ReadinessState>> afterSettle(
        ApplicationAvailability availability) {
      return rightAfterTheSettle(() -> {
        SEEN.set(availability.getReadinessState());
        GCS.set(collections());
      });
    }
  }

  /**
   * A listener that runs {@code action} when readiness {@code ACCEPTING_TRAFFIC} is published,
   * right after the settle (whose order is {@link Ordered#HIGHEST_PRECEDENCE}) and before the
   * app's availability state records it.
   */
  static ApplicationListener<AvailabilityChangeEvent<ReadinessState>> rightAfterTheSettle(
      Runnable action) {
    class After implements ApplicationListener<AvailabilityChangeEvent<ReadinessState>>, Ordered {
      @Override
      public void onApplicationEvent(AvailabilityChangeEvent<ReadinessState> event) {
        if (event.getState() == ReadinessState.ACCEPTING_TRAFFIC) {
          action.run();
        }
      }

      @Override
      public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 1;
      }
    }
    return new After();
  }

  @Test
  void runsBeforeTheAvailabilityStateChanges() {
    try (ConfigurableApplicationContext ctx = new SpringApplication(App.class).run(
        "--server.port=0", "--spring.main.banner-mode=off")) {
      assertThat(ctx.getBean(StartupWarmers.ReadySettle.class)).isNotNull();
      // the settle ran (a GC) while readiness still read REFUSING_TRAFFIC
      assertThat(SEEN.get()).isEqualTo(ReadinessState.REFUSING_TRAFFIC);
      assertThat(GCS.get()).isGreaterThan(GCS_AT_READY.get()).isGreaterThan(0);
      assertThat(ctx.getBean(ApplicationAvailability.class).getReadinessState())
          .isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);
    }
  }

  @Test
  void offWithTheProperty() {
    try (ConfigurableApplicationContext ctx = new SpringApplication(App.class).run(
        "--server.port=0", "--spring.main.banner-mode=off", "--preheat.startup.settle=false")) {
      assertThat(ctx.getBeansOfType(StartupWarmers.ReadySettle.class)).isEmpty();
    }
  }
}
