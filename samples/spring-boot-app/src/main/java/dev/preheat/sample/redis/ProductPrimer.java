package dev.preheat.sample.redis;

import dev.preheat.redis.KeyLoader;
import dev.preheat.redis.RedisPrimer;
import dev.preheat.redis.ValueSerializer;
import dev.preheat.sample.Backend;
import dev.preheat.sample.CatalogService;
import dev.preheat.sample.CatalogService.Product;
import dev.preheat.spring.HotPaths;
import dev.preheat.spring.RedisWarmer;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.beans.factory.ObjectProvider;
import tools.jackson.databind.json.JsonMapper;

/**
 * Primes Redis with the products of the hot paths before readiness: each hot {@code
 * /products/<id>} and the products on each hot {@code /categories/<name>} page, hottest first,
 * loaded from the backend's bulk API (one call per batch) and written with the catalog's TTL.
 */
final class ProductPrimer implements RedisWarmer<Product> {

  private final CatalogRedis redis;
  private final ObjectProvider<HotPaths> hotPaths;
  private final Backend backend;
  private final JsonMapper json;
  private RedisPrimer<Product> primer;

  ProductPrimer(CatalogRedis redis, ObjectProvider<HotPaths> hotPaths, Backend backend,
      JsonMapper json) {
    this.redis = redis;
    this.hotPaths = hotPaths;
    this.backend = backend;
    this.json = json;
  }

  @Override
  public String name() {
    return "redis:products";
  }

  @Override
  public synchronized RedisPrimer<Product> primer() {
    if (primer == null) {
      primer = RedisPrimer.builder(redis.endpoint(), ValueSerializer.<Product>json(json))
          .ttl(redis.ttl()).build();
    }
    return primer;
  }

  @Override
  public List<String> keys() throws Exception {
    HotPaths paths = hotPaths.getIfAvailable();
    return paths == null ? List.of() : keysOf(paths.read());
  }

  @Override
  public KeyLoader<Product> loader() {
    return keys -> {
      Map<String, Product> byId = backend.loadAll(
          keys.stream().map(k -> k.substring(CatalogRedis.PREFIX.length())).toList());
      return byId.values().stream().collect(Collectors.toMap(
          p -> CatalogRedis.key(p.id()), p -> p));
    };
  }

  /** The product keys behind {@code paths} (paths or URLs), hottest first, without duplicates. */
  static List<String> keysOf(List<String> paths) {
    Set<String> keys = new LinkedHashSet<>();
    for (String p : paths) {
      String path = p.startsWith("/") ? p : URI.create(p).getRawPath();
      int q = path.indexOf('?');
      if (q >= 0) {
        path = path.substring(0, q);
      }
      String[] parts = path.split("/");
      if (parts.length != 3 || parts[2].isEmpty()) {
        continue;
      }
      if (parts[1].equals("products")) {
        keys.add(CatalogRedis.key(parts[2]));
      } else if (parts[1].equals("categories")) {
        CatalogService.categoryProducts(parts[2]).forEach(id -> keys.add(CatalogRedis.key(id)));
      }
    }
    return new ArrayList<>(keys);
  }
}
