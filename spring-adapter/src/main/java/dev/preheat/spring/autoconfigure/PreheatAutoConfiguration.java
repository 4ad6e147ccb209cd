package dev.preheat.spring.autoconfigure;

import dev.preheat.http.ApacheHttpTransport;
import dev.preheat.purge.Rewarmer;
import dev.preheat.purge.TagRegistry;
import dev.preheat.spi.Purger;
import dev.preheat.spring.internal.LazyTransport;
import dev.preheat.spring.internal.PurgeThenRewarm;
import dev.preheat.spring.internal.RedisWarmTask;
import dev.preheat.spring.internal.RedisWebhookRate;
import dev.preheat.spring.RedisWarmer;
import dev.preheat.warm.Warmer;
import dev.preheat.spi.WarmListener;
import dev.preheat.spring.CacheWarmer;
import dev.preheat.spring.ContentChangeListener;
import dev.preheat.spring.PreheatProperties;
import dev.preheat.spring.Preheater;
import dev.preheat.spring.WarmTask;
import dev.preheat.spring.actuate.PreheatEndpoint;
import dev.preheat.spring.actuate.PreheatHealthIndicator;
import dev.preheat.spring.actuate.PreheatMetrics;
import dev.preheat.spring.internal.CacheWarmerTask;
import dev.preheat.spring.internal.DataSourceWarmTask;
import dev.preheat.spring.internal.HotsetSource;
import dev.preheat.spring.internal.HttpWarmTask;
import dev.preheat.spring.internal.IdleRewarmFilter;
import dev.preheat.spring.internal.StartupWarmers;
import dev.preheat.spring.internal.WarmCacheMethods;
import dev.preheat.spring.internal.RequestMeters;
import dev.preheat.spring.internal.WarmRequestObservations;
import dev.preheat.spring.internal.WarmTraffic;
import dev.preheat.spring.internal.WebhookFilter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationFilter;
import io.micrometer.observation.ObservationPredicate;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.cache.CacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.ClassUtils;
import org.springframework.http.server.observation.ServerRequestObservationContext;

/**
 * Auto-configuration of Preheat: the {@link Preheater} with every {@link WarmTask} bean, the
 * startup mode's runner or lifecycle, and optional integrations, each guarded by a class
 * condition and replaceable by a bean of your own. Constructs objects only: nothing is read,
 * resolved or connected during refresh (CRaC/CDS training runs stay possible).
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration",
    "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration"})
@ConditionalOnBooleanProperty(name = "preheat.enabled", matchIfMissing = true)
@EnableConfigurationProperties(PreheatProperties.class)
public class PreheatAutoConfiguration {

  /** The coordinator, with every task bean and one task per {@link CacheWarmer} bean. */
  @Bean
  @ConditionalOnMissingBean
  public Preheater preheater(PreheatProperties properties, ObjectProvider<WarmTask> tasks,
      ObjectProvider<CacheWarmer<?, ?>> cacheWarmers, ObjectProvider<CacheManager> cacheManager,
      ObjectProvider<Clock> clock, Environment environment) {
    List<WarmTask> all = new ArrayList<>();
    tasks.orderedStream().filter(t -> !(t instanceof WarmCacheMethods m)
        || properties.getCache().isEnabled()).forEach(all::add);
    CacheManager cm = cacheManager.getIfUnique();
    if (properties.getCache().isEnabled()) {
      List<CacheWarmer<?, ?>> warmers = cacheWarmers.orderedStream().toList();
      if (!warmers.isEmpty() && cm == null) {
        throw new IllegalStateException("CacheWarmer beans " + warmers + " need a CacheManager, "
            + "but there is none (or several): add @EnableCaching, or set "
            + "preheat.cache.enabled=false");
      }
      for (CacheWarmer<?, ?> w : warmers) {
        all.add(new CacheWarmerTask(w, cm, properties.getCache().getConcurrency(),
            properties.getCache().getBatchSize()));
      }
    }
    return new Preheater(all, properties.getStartup().getTimeout(),
        properties.getStartup().getTaskTimeout(), clock.getIfUnique(Clock::systemUTC),
        () -> environment.getProperty("local.server.port", Integer.class, -1));
  }

  /** Cancels warming first thing on shutdown and closes warm connections. */
  @Bean
  public StartupWarmers.Shutdown preheatShutdown(Preheater preheater) {
    return new StartupWarmers.Shutdown(preheater);
  }

  /** Mode blocking: readiness waits for the runner. */
  @Bean
  @ConditionalOnMissingBean(name = "preheatStartupRunner")
  @Conditional(StartupModeCondition.Blocking.class)
  public StartupWarmers.Blocking preheatStartupRunner(Preheater preheater,
      PreheatProperties properties) {
    return new StartupWarmers.Blocking(preheater, properties.getStartup().getOnTimeout(),
        properties.getStartup().getTimeout(), properties.getStartup().getOrder());
  }

  /**
   * Mode blocking, {@code preheat.startup.settle} (default): a GC and a wait for the JIT
   * compilers when readiness is about to flip, after a round that warmed something.
   */
  @Bean
  @ConditionalOnMissingBean(name = "preheatReadySettle")
  @Conditional(StartupModeCondition.Blocking.class)
  @ConditionalOnBooleanProperty(name = "preheat.startup.settle", matchIfMissing = true)
  public StartupWarmers.ReadySettle preheatReadySettle(Preheater preheater,
      PreheatProperties properties) {
    return new StartupWarmers.ReadySettle(preheater, properties.getStartup().getSettleMax());
  }

  /** Mode background: warming starts after startup. */
  @Bean
  @ConditionalOnMissingBean(name = "preheatStartupRunner")
  @Conditional(StartupModeCondition.Background.class)
  public StartupWarmers.Background preheatBackgroundRunner(Preheater preheater,
      PreheatProperties properties) {
    return new StartupWarmers.Background(preheater, properties.getStartup().getOrder());
  }

  /** Mode before-port: warming in a lifecycle phase before the web server. */
  @Bean
  @Conditional(StartupModeCondition.BeforePort.class)
  public StartupWarmers.BeforePort preheatBeforePort(Preheater preheater,
      PreheatProperties properties) {
    return new StartupWarmers.BeforePort(preheater, properties.getStartup().getOnTimeout(),
        properties.getStartup().getTimeout());
  }

  /** The hotset source shared by the HTTP tasks. */
  @Bean
  @ConditionalOnMissingBean
  public HotsetSource preheatHotsetSource(PreheatProperties properties, ResourceLoader resources) {
    return new HotsetSource(properties.getHotset(), resources);
  }

  /**
   * HTTP warming: a CDN/proxy plan and self-warming, with the Apache HttpClient 5 transport. Only
   * when one of them is configured, so an app with nothing to warm does not pay for processing it.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(ApacheHttpTransport.class)
  @Conditional(HttpWarmingCondition.class)
  static class HttpTasks {

    @Bean
    @ConditionalOnMissingBean(name = "preheatCdnWarmTask")
    @ConditionalOnProperty("preheat.http.base-url")
    HttpWarmTask preheatCdnWarmTask(PreheatProperties properties, HotsetSource hotset,
        ObjectProvider<WarmListener> listeners) {
      PreheatProperties.Http h = properties.getHttp();
      URI base = URI.create(h.getBaseUrl().trim());
      return new HttpWarmTask(new HttpWarmTask.Settings("http:" + base.getHost(), false,
          h.getConnectTo(), h.getVariants(), h.getRate(), h.getConcurrency(), h.getMaxRequests(),
          h.getMaxBytes() == null ? null : h.getMaxBytes().toBytes()), hotset, ctx -> base,
          WarmListener.composite(listeners.orderedStream().toList()));
    }

    @Bean
    @ConditionalOnMissingBean(name = "preheatSelfWarmTask")
    @ConditionalOnBooleanProperty("preheat.self.enabled")
    HttpWarmTask preheatSelfWarmTask(PreheatProperties properties, HotsetSource hotset,
        ObjectProvider<WarmListener> listeners, Environment environment) {
      String contextPath = environment.getProperty("server.servlet.context-path", "");
      return new HttpWarmTask(new HttpWarmTask.Settings("self", true, null, List.of(), 0,
          properties.getSelf().getConcurrency(), null, null,
          properties.getSelf().getJitRequests(), properties.getSelf().getJitMaxRequests(),
          properties.getSelf().getJitPacedMax()), hotset,
          ctx -> URI.create("http://127.0.0.1:" + ctx.localPort().orElseThrow() + contextPath),
          WarmListener.composite(listeners.orderedStream().toList()));
    }
  }

  /** Spring Cache warming: {@code @WarmCache} methods (they need a cache manager). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(CacheManager.class)
  @ConditionalOnBean(CacheManager.class)
  static class CacheTasks {

    @Bean
    @ConditionalOnMissingBean
    static WarmCacheMethods preheatWarmCacheMethods(Environment environment) {
      return new WarmCacheMethods(
          environment.getProperty("preheat.cache.concurrency", Integer.class, 4),
          environment.getProperty("preheat.cache.batch-size", Integer.class, 100));
    }
  }

  /** Redis priming with {@code preheat-redis}: a task per {@code RedisWarmer} bean. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = {"dev.preheat.redis.RedisPrimer", "io.lettuce.core.RedisClient"})
  @ConditionalOnBean(RedisWarmer.class)
  static class RedisTasks {

    @Bean
    @ConditionalOnMissingBean(name = "preheatRedisWarmTask")
    RedisWarmTask preheatRedisWarmTask(ObjectProvider<RedisWarmer<?>> warmers) {
      return new RedisWarmTask(warmers.orderedStream().toList());
    }
  }

  /** Connection pools: open minimum idle connections before traffic. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(DataSource.class)
  @ConditionalOnBean(DataSource.class)
  @ConditionalOnBooleanProperty(name = "preheat.datasource.enabled", matchIfMissing = true)
  static class DataSourceTasks {

    @Bean
    @ConditionalOnMissingBean(name = "preheatDataSourceWarmTask")
    DataSourceWarmTask preheatDataSourceWarmTask(Map<String, DataSource> dataSources,
        PreheatProperties properties) {
      return new DataSourceWarmTask(dataSources, properties.getDatasource().getConnections());
    }
  }

  /**
   * Purge-then-rewarm ({@code dev.preheat.purge.Rewarmer}) when you declare {@code Purger} beans
   * (in order: shield first) and {@code preheat.http.base-url}: the webhook's changes are purged
   * and then re-warmed with the HTTP settings. A {@code TagRegistry} bean resolves tags to URLs
   * (default: in memory).
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({Rewarmer.class, ApacheHttpTransport.class})
  @ConditionalOnBean(Purger.class)
  @ConditionalOnProperty("preheat.http.base-url")
  static class PurgeRewarm {

    /** Created on the first batch: no threads or connections during refresh. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(name = "preheatRewarmTransport")
    LazyTransport preheatRewarmTransport(PreheatProperties properties) {
      return new LazyTransport(properties.getHttp().getConcurrency());
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    Rewarmer preheatRewarmer(ObjectProvider<Purger> purgers,
        ObjectProvider<TagRegistry> registry, PreheatProperties properties,
        ObjectProvider<WarmListener> listeners, LazyTransport transport) {
      PreheatProperties.Http h = properties.getHttp();
      return Rewarmer.builder()
          .warmer(events -> Warmer.builder().transport(transport)
              .rateLimit(h.getRate()).concurrency(h.getConcurrency()).sharedCache(true)
              .listener(WarmListener.composite(events,
                  WarmListener.composite(listeners.orderedStream().toList()))).build())
          .purgers(purgers.orderedStream().toList())
          .tagRegistry(registry.getIfUnique(() -> TagRegistry.inMemory(100_000)))
          .build();
    }
  }

  /** Health indicator {@code preheat}. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HealthIndicator.class)
  static class Health {

    // on the method, not the class: its condition class exists only with spring-boot-health
    @Bean
    @ConditionalOnEnabledHealthIndicator("preheat")
    @ConditionalOnMissingBean(name = "preheatHealthIndicator")
    PreheatHealthIndicator preheatHealthIndicator(Preheater preheater,
        PreheatProperties properties) {
      return new PreheatHealthIndicator(preheater, properties.getStartup().getOnTimeout());
    }
  }

  /** Actuator endpoint {@code preheat}. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({Endpoint.class, ConditionalOnAvailableEndpoint.class})
  static class Actuator {

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint
    PreheatEndpoint preheatEndpoint(Preheater preheater) {
      return new PreheatEndpoint(preheater);
    }
  }

  /**
   * Micrometer meters from warm events. The registry is looked up on the first event, not by a
   * bean condition, so the order of metrics auto-configurations does not matter.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(MeterRegistry.class)
  static class Metrics {

    @Bean
    @ConditionalOnMissingBean(name = "preheatMetrics")
    WarmListener preheatMetrics(ObjectProvider<MeterRegistry> registry) {
      return PreheatMetrics.lazy(registry::getIfUnique);
    }
  }

  /**
   * Keeps self-warming requests out of the app's {@code http.server.requests} metrics. Without
   * Micrometer Tracing, warm requests are observed like any other request but recorded under
   * {@value WarmTraffic#WARM_REQUESTS} (an {@code ObservationFilter} renames them), so the
   * request-metrics code is compiled by the JIT before the first user, not during the first
   * requests. With Micrometer Tracing on the classpath (spans of warm requests would be
   * exported) they are not observed at all (an {@code ObservationPredicate}). With {@code
   * preheat.self.request-meters} (default) the app's request timers for the warm requests' tag
   * combinations are registered (count 0) while warming, so the first users do not create them
   * ({@link RequestMeters}).
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({ObservationPredicate.class, ServerRequestObservationContext.class,
      HttpServletRequest.class})
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnBooleanProperty("preheat.self.enabled")
  static class WarmTrafficObservations {

    @Bean
    @ConditionalOnMissingBean(name = {"preheatObservationPredicate", "preheatObservationFilter"})
    @ConditionalOnClass(name = "io.micrometer.tracing.Tracer")
    ObservationPredicate preheatObservationPredicate() {
      return (name, context) -> !(context instanceof ServerRequestObservationContext server
          && WarmTraffic.isWarmRequest(server.getCarrier()));
    }

    @Bean
    @ConditionalOnMissingBean(name = {"preheatObservationPredicate", "preheatObservationFilter"})
    @ConditionalOnMissingClass("io.micrometer.tracing.Tracer")
    ObservationFilter preheatObservationFilter(PreheatProperties properties,
        BeanFactory beanFactory) {
      boolean meters = properties.getSelf().isRequestMeters() && ClassUtils.isPresent(
          "io.micrometer.core.instrument.MeterRegistry", beanFactory.getClass().getClassLoader());
      return new WarmRequestObservations(meters ? requestMeters(beanFactory) : null);
    }

    /** Only called with Micrometer's core on the classpath. */
    private static RequestMeters requestMeters(BeanFactory beanFactory) {
      ObjectProvider<MeterRegistry> registry = beanFactory.getBeanProvider(MeterRegistry.class);
      return new RequestMeters(registry::getIfUnique);
    }
  }

  /** The signed webhook (opt-in). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({HttpServletRequest.class, FilterRegistrationBean.class})
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnBooleanProperty("preheat.webhook.enabled")
  static class Webhook {

    /** Purge-then-rewarm when a Rewarmer exists (Purger beans), else a re-warm round. */
    @Bean
    @ConditionalOnMissingBean
    ContentChangeListener preheatContentChangeListener(Preheater preheater,
        ObjectProvider<Rewarmer> rewarmer, PreheatProperties properties) {
      Rewarmer r = rewarmer.getIfUnique();
      if (r != null) {
        String base = properties.getHttp().getBaseUrl();
        return new PurgeThenRewarm(r, base == null ? null : URI.create(base.trim()));
      }
      return change -> preheater.start("webhook");
    }

    @Bean
    FilterRegistrationBean<WebhookFilter> preheatWebhookFilter(PreheatProperties properties,
        ContentChangeListener listener, ObjectProvider<Clock> clock) {
      PreheatProperties.Webhook w = properties.getWebhook();
      Clock c = clock.getIfUnique(Clock::systemUTC);
      // cluster-wide through preheat-redis when a Redis is configured (validated present)
      WebhookFilter.Admission rate = w.getRedisUri() == null || w.getRedisUri().isBlank()
          ? new WebhookFilter.RateLimit(w.getRatePerMinute(), c)
          : new RedisWebhookRate(w.getRedisUri(), w.getPath(), w.getRatePerMinute(), c);
      FilterRegistrationBean<WebhookFilter> reg = new FilterRegistrationBean<>(new WebhookFilter(
          w.getPath(), w.getSecret(), w.getTolerance(), w.getMaxBody().toBytes(), rate, c,
          listener));
      reg.addUrlPatterns(w.getPath());
      reg.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
      return reg;
    }
  }

  /** Re-warm after idleness (opt-in). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({HttpServletRequest.class, FilterRegistrationBean.class})
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnBooleanProperty("preheat.idle.enabled")
  static class Idle {

    @Bean
    FilterRegistrationBean<IdleRewarmFilter> preheatIdleRewarmFilter(Preheater preheater,
        PreheatProperties properties, ObjectProvider<Clock> clock) {
      FilterRegistrationBean<IdleRewarmFilter> reg = new FilterRegistrationBean<>(
          new IdleRewarmFilter(preheater, properties.getIdle().getTtl(),
              clock.getIfUnique(Clock::systemUTC)));
      reg.addUrlPatterns("/*");
      return reg;
    }
  }
}
