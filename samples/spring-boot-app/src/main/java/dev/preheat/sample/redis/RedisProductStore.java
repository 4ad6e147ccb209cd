package dev.preheat.sample.redis;

import dev.preheat.sample.Backend;
import dev.preheat.sample.CatalogService.Product;
import dev.preheat.sample.ProductStore;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisException;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Products read through Redis: one {@code MGET} for a page; a product Redis lacks is loaded from
 * the backend and written back with the TTL, as JSON. When Redis cannot be reached the backend
 * answers (logged once), so the catalog stays up.
 */
final class RedisProductStore implements ProductStore {

  private static final Logger log = LoggerFactory.getLogger(RedisProductStore.class);

  private final CatalogRedis redis;
  private final Backend backend;
  private final JsonMapper json;
  private final AtomicBoolean warned = new AtomicBoolean();

  RedisProductStore(CatalogRedis redis, Backend backend, JsonMapper json) {
    this.redis = redis;
    this.backend = backend;
    this.json = json;
  }

  @Override
  public Product product(String id) {
    return products(List.of(id)).get(0);
  }

  @Override
  public List<Product> products(List<String> ids) {
    List<KeyValue<String, String>> found;
    RedisCommands<String, String> commands;
    try {
      commands = redis.commands();
      found = commands.mget(ids.stream().map(CatalogRedis::key).toArray(String[]::new));
    } catch (RedisException e) {
      unavailable(e);
      return ids.stream().map(backend::load).toList();
    }
    List<Product> out = new ArrayList<>(ids.size());
    for (int i = 0; i < ids.size(); i++) {
      KeyValue<String, String> kv = found.get(i);
      if (kv.hasValue()) {
        out.add(json.readValue(kv.getValue(), Product.class));
        continue;
      }
      Product p = backend.load(ids.get(i));
      try {
        commands.set(CatalogRedis.key(p.id()), json.writeValueAsString(p),
            SetArgs.Builder.ex(redis.ttl()));
      } catch (RedisException e) {
        unavailable(e);
      }
      out.add(p);
    }
    return out;
  }

  private void unavailable(RedisException e) {
    if (warned.compareAndSet(false, true)) {
      log.warn("{} is unavailable ({}); serving from the backend", redis, e.getMessage());
    }
  }
}
