package dev.preheat.spring.internal;

import dev.preheat.redis.RedisEndpoint;
import dev.preheat.redis.RedisRateLimiter;
import dev.preheat.redis.RedisUnavailableException;
import io.lettuce.core.RedisURI;
import java.time.Clock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook's rate limit shared by every instance through {@code preheat-redis}'s {@link
 * RedisRateLimiter} (one token bucket in Redis, named after the webhook's path). The endpoint is
 * opened on the first webhook, not during refresh. When Redis cannot be reached the instance's
 * own limit applies (logged), so an outage of Redis neither blocks content changes nor lifts the
 * cap.
 */
public final class RedisWebhookRate implements WebhookFilter.Admission, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RedisWebhookRate.class);

  private final String uri;
  private final String name;
  private final int perMinute;
  private final WebhookFilter.RateLimit local;
  private final Object lock = new Object();
  private @Nullable RedisEndpoint endpoint;
  private @Nullable RedisRateLimiter limiter;
  private boolean closed;

  /**
   * A shared limit.
   *
   * @param uri the Redis URI ({@code preheat.webhook.redis-uri}); parsed now, connected later
   * @param path the webhook's path, which names the bucket
   * @param perMinute webhooks per minute for all instances together
   * @param clock the clock of the fallback local limit
   * @throws IllegalStateException if the URI cannot be parsed
   */
  public RedisWebhookRate(String uri, String path, int perMinute, Clock clock) {
    validate(uri);
    this.uri = uri.trim();
    this.name = "webhook:" + path;
    this.perMinute = perMinute;
    this.local = new WebhookFilter.RateLimit(perMinute, clock);
  }

  /**
   * Parses {@code uri} (no connection).
   *
   * @throws IllegalStateException naming the property if it is not a Redis URI
   */
  public static void validate(String uri) {
    try {
      RedisURI.create(uri.trim());
    } catch (RuntimeException e) {
      throw new IllegalStateException("preheat.webhook.redis-uri is not a valid Redis URI "
          + "(e.g. redis://cache:6379/0): " + e.getMessage());
    }
  }

  private RedisRateLimiter limiter() {
    synchronized (lock) {
      if (closed) {
        throw new RedisUnavailableException("the webhook's Redis endpoint is closed", null);
      }
      if (limiter == null) {
        endpoint = RedisEndpoint.open(uri);
        limiter = RedisRateLimiter.create(endpoint, name, perMinute / 60.0, perMinute);
      }
      return limiter;
    }
  }

  @Override
  public boolean tryAcquire() {
    try {
      return limiter().tryAcquire(1).granted() > 0;
    } catch (RedisUnavailableException e) {
      log.warn("Preheat webhook: the shared rate limit in Redis is unavailable ({}); this "
          + "instance's own limit applies", e.getMessage());
      return local.tryAcquire();
    }
  }

  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      if (endpoint != null) {
        endpoint.close();
      }
    }
  }

  @Override
  public String toString() {
    return "RedisWebhookRate[" + name + ", " + perMinute + "/min]";
  }
}
