package dev.preheat.sample.redis;

import dev.preheat.sample.Backend;
import dev.preheat.sample.CatalogService.Product;
import dev.preheat.sample.ProductStore;
import dev.preheat.spring.HotPaths;
import dev.preheat.spring.RedisWarmer;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import tools.jackson.databind.json.JsonMapper;

/**
 * Profile {@code redis}: the catalog's products live in Redis ({@code catalog.redis.uri}) in front
 * of the backend, and Preheat primes the hot ones into Redis before readiness (a {@link
 * RedisWarmer} bean, run by the adapter's Redis task next to self-warming). Nothing connects
 * during refresh; without the profile none of this exists and no external service is needed.
 */
@Configuration(proxyBeanMethods = false)
@Profile("redis")
public class RedisCatalogConfiguration {

  @Bean(destroyMethod = "close")
  CatalogRedis catalogRedis(@Value("${catalog.redis.uri:}") String uri,
      @Value("${catalog.redis.ttl:1h}") Duration ttl) {
    return new CatalogRedis(uri, ttl);
  }

  @Bean
  ProductStore redisProductStore(CatalogRedis redis, Backend backend, JsonMapper json) {
    return new RedisProductStore(redis, backend, json);
  }

  @Bean
  RedisWarmer<Product> catalogRedisWarmer(CatalogRedis redis, ObjectProvider<HotPaths> hotPaths,
      Backend backend, JsonMapper json) {
    return new ProductPrimer(redis, hotPaths, backend, json);
  }
}
