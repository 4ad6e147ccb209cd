package dev.preheat.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.preheat.spring.autoconfigure.PreheatAutoConfiguration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.caffeine.CaffeineCacheManager;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Spring Cache warming: CacheWarmer beans (Caffeine bulk and per key) and @WarmCache methods. */
class CacheWarmingTest {

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(PreheatAutoConfiguration.class))
      .withPropertyValues("preheat.cache.batch-size=10", "preheat.cache.concurrency=3");

  /** Loads "v" + key; key 13 fails; records each bulk call's size. */
  static final class Products implements CacheWarmer<Integer, String> {
    final List<Integer> bulkSizes = new CopyOnWriteArrayList<>();
    final AtomicInteger loads = new AtomicInteger();

    @Override
    public String cacheName() {
      return "products";
    }

    @Override
    public Iterable<Integer> keys() {
      return IntStream.range(0, 25).boxed().toList();
    }

    @Override
    public String load(Integer key) {
      loads.incrementAndGet();
      if (key == 13) {
        throw new IllegalStateException("product 13 is broken");
      }
      return "v" + key;
    }

    @Override
    public Map<Integer, String> loadAll(List<Integer> keys) {
      bulkSizes.add(keys.size());
      Map<Integer, String> out = new LinkedHashMap<>();
      for (Integer k : keys) {
        if (k != 13) {
          out.put(k, load(k));
        }
      }
      return out;
    }
  }

  @Configuration(proxyBeanMethods = false)
  @EnableCaching
  static class CaffeineConfig {
    @Bean
    CacheManager cacheManager() {
      CaffeineCacheManager m = new CaffeineCacheManager("products", "catalog");
      m.setCaffeine(Caffeine.newBuilder().maximumSize(1000));
      return m;
    }

    @Bean
    Products products() {
      return new Products();
    }

    @Bean
    Catalog catalog() {
      return new Catalog();
    }
  }

  /** A cached service warmed through its proxy. */
  static class Catalog {
    final AtomicInteger computed = new AtomicInteger();

    public int computed() {
      return computed.get();
    }

    @Cacheable("catalog")
    @WarmCache(keys = "hotItems")
    public String item(String id) {
      computed.incrementAndGet();
      return "item-" + id;
    }

    List<String> hotItems() {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        ids.add("sku" + i);
      }
      return ids;
    }
  }

  @Test
  void caffeineCachesAreBulkLoadedAndCachedMethodsWarmedThroughTheProxy() {
    runner.withUserConfiguration(CaffeineConfig.class).run(ctx -> {
      Preheater preheater = ctx.getBean(Preheater.class);
      assertThat(preheater.tasks()).extracting(WarmTask::name)
          .containsExactlyInAnyOrder("cache-methods", "cache:products");
      PreheatReport report = preheater.warm("test");
      PreheatReport.Task products = report.tasks().stream()
          .filter(t -> t.name().equals("cache:products")).findFirst().orElseThrow();
      assertThat(products.status()).isEqualTo(PreheatReport.Status.DONE);
      assertThat(products.items()).isEqualTo(24);
      assertThat(products.failures()).isEqualTo(1);
      assertThat(products.detail()).startsWith("caffeine bulk load");
      // 25 keys in batches of 10: three bulk loads, not 25 single ones
      assertThat(ctx.getBean(Products.class).bulkSizes).containsExactlyInAnyOrder(10, 10, 5);
      CacheManager cm = ctx.getBean(CacheManager.class);
      assertThat(cm.getCache("products").get(7).get()).isEqualTo("v7");
      assertThat(cm.getCache("products").get(13)).isNull();

      Catalog catalog = ctx.getBean(Catalog.class);
      assertThat(catalog.computed()).isEqualTo(12);
      assertThat(cm.getCache("catalog").get("sku3").get()).isEqualTo("item-sku3");
      // a real call now hits the cache
      assertThat(catalog.item("sku3")).isEqualTo("item-sku3");
      assertThat(catalog.computed()).isEqualTo(12);

      // a second round loads nothing already cached
      int before = ctx.getBean(Products.class).loads.get();
      preheater.warm("again");
      assertThat(ctx.getBean(Products.class).loads.get() - before).isEqualTo(0);
    });
  }

  @Configuration(proxyBeanMethods = false)
  @EnableCaching
  static class MapConfig {
    @Bean
    CacheManager cacheManager() {
      return new ConcurrentMapCacheManager("products");
    }

    @Bean
    Products products() {
      return new Products();
    }
  }

  @Test
  void otherCachesAreLoadedPerBatchWithoutCaffeine() {
    runner.withUserConfiguration(MapConfig.class).run(ctx -> {
      PreheatReport report = ctx.getBean(Preheater.class).warm("test");
      assertThat(report.tasks()).singleElement().satisfies(t -> {
        assertThat(t.items()).isEqualTo(24);
        assertThat(t.detail()).startsWith("per key");
      });
      assertThat(ctx.getBean(CacheManager.class).getCache("products").get(24).get())
          .isEqualTo("v24");
    });
  }

  @Test
  void aCacheWarmerWithoutCacheManagerFailsStartupClearly() {
    runner.withBean(Products.class).run(ctx -> assertThat(ctx).getFailure().rootCause()
        .hasMessageContaining("need a CacheManager"));
  }

  @Test
  void cacheWarmingCanBeTurnedOff() {
    runner.withUserConfiguration(CaffeineConfig.class).withPropertyValues(
        "preheat.cache.enabled=false").run(ctx ->
            assertThat(ctx.getBean(Preheater.class).tasks()).isEmpty());
  }
}
