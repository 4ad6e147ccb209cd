package dev.preheat.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preheat.spring.actuate.PreheatHealthIndicator;
import dev.preheat.spring.actuate.PreheatMetrics;
import dev.preheat.spring.autoconfigure.PreheatAutoConfiguration;
import dev.preheat.spring.internal.DataSourceWarmTask;
import dev.preheat.spring.internal.HttpWarmTask;
import dev.preheat.spring.internal.StartupWarmers;
import dev.preheat.spring.internal.WebhookFilter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Every condition and property of the auto-configuration, without a web server. */
class PreheatAutoConfigurationTest {

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(PreheatAutoConfiguration.class));

  @Test
  void defaultsBlockingModeWithRunnerShutdownAndHealth() {
    runner.run(ctx -> {
      assertThat(ctx).hasNotFailed();
      assertThat(ctx).hasSingleBean(Preheater.class);
      assertThat(ctx).hasSingleBean(StartupWarmers.Blocking.class);
      assertThat(ctx).doesNotHaveBean(StartupWarmers.Background.class);
      assertThat(ctx).doesNotHaveBean(StartupWarmers.BeforePort.class);
      assertThat(ctx).hasSingleBean(StartupWarmers.Shutdown.class);
      assertThat(ctx).hasSingleBean(PreheatHealthIndicator.class);
      assertThat(ctx).doesNotHaveBean(HttpWarmTask.class);
      assertThat(ctx).doesNotHaveBean(DataSourceWarmTask.class);
      PreheatProperties p = ctx.getBean(PreheatProperties.class);
      assertThat(p.getStartup().getTimeout()).isEqualTo(Duration.ofSeconds(60));
      assertThat(p.getStartup().getOnTimeout()).isEqualTo(OnTimeout.PROCEED);
    });
  }

  @Test
  void startsWithOnlyTheStarterOnTheClasspath() {
    // no actuator, health, Micrometer, servlet API or Hikari: the optional parts stay off
    runner.withClassLoader(new FilteredClassLoader("org.springframework.boot.health",
        "org.springframework.boot.actuate", "io.micrometer", "jakarta.servlet", "com.zaxxer"))
        .withUserConfiguration(OwnTask.class).run(ctx -> {
          assertThat(ctx).hasNotFailed();
          assertThat(ctx).hasSingleBean(Preheater.class);
          assertThat(ctx).doesNotHaveBean(PreheatHealthIndicator.class);
          assertThat(ctx.getBean(Preheater.class).warm("test").state())
              .isEqualTo(PreheatReport.State.WARM);
        });
  }

  @Test
  void disabledCreatesNothing() {
    runner.withPropertyValues("preheat.enabled=false")
        .run(ctx -> assertThat(ctx).doesNotHaveBean(Preheater.class));
  }

  @Test
  void backgroundAndBeforePortModesBindRelaxedNames() {
    runner.withPropertyValues("preheat.startup.mode=background").run(ctx -> {
      assertThat(ctx).hasSingleBean(StartupWarmers.Background.class);
      assertThat(ctx).doesNotHaveBean(StartupWarmers.Blocking.class);
    });
    runner.withPropertyValues("preheat.startup.mode=before-port").run(ctx -> {
      assertThat(ctx).hasSingleBean(StartupWarmers.BeforePort.class);
      assertThat(ctx).doesNotHaveBean(StartupWarmers.Blocking.class);
      assertThat(ctx.getBean(StartupWarmers.BeforePort.class).getPhase())
          .isLessThan(StartupWarmers.WEB_SERVER_PHASE);
    });
  }

  @Test
  void durationsAndEnumsBind() {
    runner.withPropertyValues("preheat.startup.timeout=90s", "preheat.startup.task-timeout=2m",
        "preheat.startup.on-timeout=fail").run(ctx -> assertThat(ctx).getFailure()
            .rootCause().hasMessageContaining("preheat.startup.task-timeout (PT2M) is longer "
                + "than preheat.startup.timeout (PT1M30S)"));
    runner.withPropertyValues("preheat.startup.timeout=2m", "preheat.startup.on-timeout=fail")
        .run(ctx -> {
          PreheatProperties p = ctx.getBean(PreheatProperties.class);
          assertThat(p.getStartup().getTimeout()).isEqualTo(Duration.ofMinutes(2));
          assertThat(p.getStartup().getOnTimeout()).isEqualTo(OnTimeout.FAIL);
        });
  }

  @Test
  void userBeansReplaceTheirs() {
    runner.withUserConfiguration(OwnPreheater.class).run(ctx -> {
      assertThat(ctx).hasSingleBean(Preheater.class);
      assertThat(ctx.getBean(Preheater.class)).isSameAs(ctx.getBean("ownPreheater"));
    });
  }

  @Test
  void userTasksAreRun() {
    runner.withUserConfiguration(OwnTask.class).run(ctx -> {
      Preheater preheater = ctx.getBean(Preheater.class);
      assertThat(preheater.tasks()).extracting(WarmTask::name).containsExactly("own");
      PreheatReport report = preheater.warm("test");
      assertThat(report.state()).isEqualTo(PreheatReport.State.WARM);
      assertThat(report.tasks().get(0).items()).isEqualTo(3);
    });
  }

  @Test
  void httpTaskOnlyWithBaseUrl() {
    runner.withPropertyValues("preheat.http.base-url=https://www.example.com",
        "preheat.hotset.paths=/,/a").run(ctx -> {
          assertThat(ctx).hasNotFailed();
          assertThat(ctx.getBean(Preheater.class).tasks()).extracting(WarmTask::name)
              .containsExactly("http:www.example.com");
        });
  }

  @Test
  void selfWarmingTask() {
    runner.withPropertyValues("preheat.self.enabled=true", "preheat.hotset.paths=/a").run(ctx -> {
      assertThat(ctx.getBean(Preheater.class).tasks()).extracting(WarmTask::name)
          .containsExactly("self");
      assertThat(ctx.getBean(Preheater.class).tasks().get(0).needsWebServer()).isTrue();
    });
  }

  @Test
  void startupValidationSaysWhatAndWhatToDo() {
    failsWith(List.of("preheat.http.base-url=ftp://x"), "preheat.http.base-url must be an "
        + "absolute http(s) URL");
    failsWith(List.of("preheat.http.base-url=https://x.example"), "nothing to warm: set "
        + "preheat.hotset.logs");
    failsWith(List.of("preheat.hotset.paths=no-slash"), "preheat.hotset.paths: 'no-slash'");
    failsWith(List.of("preheat.webhook.enabled=true"), "preheat.webhook.secret is not set");
    failsWith(List.of("preheat.webhook.enabled=true", "preheat.webhook.secret=short"),
        "too short");
    failsWith(List.of("preheat.self.enabled=true", "preheat.hotset.paths=/",
        "preheat.startup.mode=before-port"), "needs the web server");
    failsWith(List.of("preheat.http.connect-to=1.2.3.4:99"), "without preheat.http.base-url");
    failsWith(List.of("preheat.hotset.coverage=1.5"), "preheat.hotset.coverage must be in");
    failsWith(List.of("preheat.startup.timeout=0s"), "preheat.startup.timeout must be a positive");
    failsWith(List.of("preheat.cache.concurrency=0"), "preheat.cache.concurrency must be at least 1");
    failsWith(List.of("preheat.self.jit-requests=-1"), "preheat.self.jit-requests must be 0");
    failsWith(List.of("preheat.self.jit-max-requests=-1"),
        "preheat.self.jit-max-requests must be 0");
    failsWith(List.of("preheat.webhook.enabled=true", "preheat.webhook.secret=" + "s".repeat(32),
        "preheat.webhook.redis-uri=redis://"), "preheat.webhook.redis-uri is not a valid");
  }

  @Test
  void nothingToWarmCostsNoThreadAndNoRound() {
    runner.run(ctx -> {
      Preheater preheater = ctx.getBean(Preheater.class);
      assertThat(preheater.tasks()).isEmpty();
      long roundThreads = Thread.getAllStackTraces().keySet().stream()
          .filter(t -> t.getName().startsWith("preheat-round-")).count();
      java.util.concurrent.CompletableFuture<PreheatReport> round = preheater.start("startup");
      // completed before start returns: no round thread was started
      assertThat(round).isDone();
      assertThat(round.join().state()).isEqualTo(PreheatReport.State.WARM);
      assertThat(round.join().tasks()).isEmpty();
      assertThat(preheater.isFirstRoundDone()).isTrue();
      assertThat(preheater.isWarming()).isFalse();
      assertThat(Thread.getAllStackTraces().keySet().stream()
          .filter(t -> t.getName().startsWith("preheat-round-")).count()).isEqualTo(roundThreads);
    });
  }

  private void failsWith(List<String> properties, String message) {
    runner.withPropertyValues(properties.toArray(String[]::new)).run(ctx ->
        assertThat(ctx).getFailure().rootCause().hasMessageContaining(message));
  }

  @Test
  void dataSourceTaskWhenThereIsADataSource() {
    runner.withUserConfiguration(Db.class).run(ctx -> {
      assertThat(ctx).hasSingleBean(DataSourceWarmTask.class);
      PreheatReport report = ctx.getBean(Preheater.class).warm("test");
      assertThat(report.tasks()).singleElement().satisfies(t -> {
        assertThat(t.status()).isEqualTo(PreheatReport.Status.DONE);
        assertThat(t.items()).isEqualTo(3); // Hikari's minimumIdle
      });
    });
    runner.withUserConfiguration(Db.class).withPropertyValues("preheat.datasource.enabled=false")
        .run(ctx -> assertThat(ctx).doesNotHaveBean(DataSourceWarmTask.class));
  }

  @Test
  void metricsWhenThereIsAMeterRegistry() {
    runner.withUserConfiguration(Meters.class, OwnTask.class).run(ctx -> {
      assertThat(ctx).hasBean("preheatMetrics");
      assertThat(ctx.getBean("preheatMetrics").toString()).isEqualTo("PreheatMetrics.lazy");
    });
  }

  @Test
  void healthIndicatorCanBeDisabled() {
    runner.withPropertyValues("management.health.preheat.enabled=false")
        .run(ctx -> assertThat(ctx).doesNotHaveBean(PreheatHealthIndicator.class));
  }

  @Test
  void webhookAndIdleFiltersOnlyInServletAppsWhenEnabled() {
    WebApplicationContextRunner web = new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(PreheatAutoConfiguration.class));
    web.run(ctx -> assertThat(ctx).doesNotHaveBean(FilterRegistrationBean.class));
    web.withPropertyValues("preheat.webhook.enabled=true",
        "preheat.webhook.secret=0123456789abcdef0123456789abcdef", "preheat.idle.enabled=true")
        .run(ctx -> {
          assertThat(ctx).hasNotFailed();
          assertThat(ctx.getBeansOfType(FilterRegistrationBean.class).values())
              .extracting(r -> r.getFilter().getClass().getSimpleName())
              .containsExactlyInAnyOrder("WebhookFilter", "IdleRewarmFilter");
          assertThat(ctx).hasSingleBean(ContentChangeListener.class);
        });
    runner.withPropertyValues("preheat.webhook.enabled=true",
        "preheat.webhook.secret=0123456789abcdef0123456789abcdef")
        .run(ctx -> assertThat(ctx).doesNotHaveBean(WebhookFilter.class));
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnPreheater {
    @Bean
    Preheater ownPreheater() {
      return new Preheater(List.of(), Duration.ofSeconds(1), Duration.ofSeconds(1),
          java.time.Clock.systemUTC(), () -> -1);
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnTask {
    @Bean
    WarmTask own() {
      return new WarmTask() {
        @Override
        public String name() {
          return "own";
        }

        @Override
        public TaskOutcome warm(WarmTaskContext context) {
          return TaskOutcome.of(3, 0, null);
        }
      };
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Db {
    @Bean
    DataSource dataSource() {
      com.zaxxer.hikari.HikariDataSource ds = new com.zaxxer.hikari.HikariDataSource();
      ds.setJdbcUrl("jdbc:h2:mem:preheat;DB_CLOSE_DELAY=-1");
      ds.setMinimumIdle(3);
      ds.setMaximumPoolSize(5);
      return ds;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Meters {
    @Bean
    MeterRegistry meterRegistry() {
      return new SimpleMeterRegistry();
    }
  }
}
