package dev.preheat.sample.redis;

import dev.preheat.redis.RedisEndpoint;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;

/**
 * The catalog's Redis ({@code catalog.redis.uri}): a Lettuce connection for the store's reads and
 * writes, and a Preheat {@link RedisEndpoint} for priming. Both are opened on first use, never
 * during context refresh, and closed with the context. Thread-safe.
 */
public final class CatalogRedis implements AutoCloseable {

  /** Key prefix of a product: {@code catalog:product:<id>}. */
  public static final String PREFIX = "catalog:product:";

  /** How long one command may take before the store falls back to the backend. */
  static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

  private final String uri;
  private final Duration ttl;
  private RedisClient client;
  private StatefulRedisConnection<String, String> connection;
  private RedisEndpoint endpoint;
  private boolean closed;

  CatalogRedis(String uri, Duration ttl) {
    if (uri == null || uri.isBlank()) {
      throw new IllegalArgumentException("catalog.redis.uri is not set: set it to the Redis of "
          + "the catalog, e.g. redis://127.0.0.1:6379, or run without the redis profile");
    }
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("catalog.redis.ttl must be > 0 but was " + ttl);
    }
    this.uri = uri.trim();
    this.ttl = ttl;
  }

  /** The Redis key of product {@code id}. */
  public static String key(String id) {
    return PREFIX + id;
  }

  /** How long a product stays in Redis. */
  public Duration ttl() {
    return ttl;
  }

  /** Synchronous commands on the store's connection (opened on the first call). */
  public synchronized RedisCommands<String, String> commands() {
    requireOpen();
    if (connection == null) {
      RedisURI u = RedisURI.create(uri);
      u.setTimeout(COMMAND_TIMEOUT);
      client = RedisClient.create(u);
      connection = client.connect();
    }
    return connection.sync();
  }

  /** The endpoint the primer writes through (created on the first call). */
  public synchronized RedisEndpoint endpoint() {
    requireOpen();
    if (endpoint == null) {
      endpoint = RedisEndpoint.open(uri);
    }
    return endpoint;
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("the catalog's Redis connections are closed");
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (connection != null) {
      connection.close();
    }
    if (client != null) {
      client.shutdown();
    }
    if (endpoint != null) {
      endpoint.close();
    }
  }

  @Override
  public String toString() {
    return "catalog Redis " + uri.replaceAll("//[^@/]*@", "//***@");
  }
}
