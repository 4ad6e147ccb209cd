package dev.preheat.redis;

import dev.preheat.redis.internal.Scripts;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A cluster-wide rate cap: a token bucket kept in one Redis hash and updated by a Lua script, so
 * taking permits is atomic and N instances sharing the name together never exceed the rate
 * (over any interval T at most {@code burst + rate * T} permits). Time comes from the Redis
 * server ({@code TIME}), so clock skew between instances does not matter; tests may inject a
 * clock instead.
 *
 * <p>Each {@link #tryAcquire} is one round trip, so take permits in batches (the primer takes
 * one batch's worth at a time). If Redis cannot be reached, {@code tryAcquire} throws {@link
 * RedisUnavailableException}: a shared cap that cannot be checked is not silently ignored.
 * Thread-safe.
 */
public final class RedisRateLimiter implements RateLimiter {

  /** The key prefix of buckets: {@value}. */
  public static final String PREFIX = "preheat:rate:";

  private final RedisEndpoint endpoint;
  private final String key;
  private final double perSecond;
  private final int burst;
  private final @Nullable Clock clock;

  private RedisRateLimiter(RedisEndpoint endpoint, String name, double perSecond, int burst,
      @Nullable Clock clock) {
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("rate limiter name must not be blank");
    }
    if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
      throw new IllegalArgumentException("rate must be a finite number > 0 but was " + perSecond);
    }
    if (burst < 1) {
      throw new IllegalArgumentException("burst must be >= 1 but was " + burst);
    }
    this.key = PREFIX + name;
    this.perSecond = perSecond;
    this.burst = burst;
    this.clock = clock;
  }

  /**
   * A limiter named {@code name} (every instance using the same name and endpoint shares it) on
   * the server's clock. All users of a name must pass the same rate and burst.
   *
   * @throws IllegalArgumentException if the name is blank, the rate not finite and {@code > 0}
   *     or the burst {@code < 1}
   */
  public static RedisRateLimiter create(RedisEndpoint endpoint, String name, double perSecond,
      int burst) {
    return new RedisRateLimiter(endpoint, name, perSecond, burst, null);
  }

  /** As {@link #create(RedisEndpoint, String, double, int)}, on {@code clock} (for tests). */
  public static RedisRateLimiter create(RedisEndpoint endpoint, String name, double perSecond,
      int burst, Clock clock) {
    return new RedisRateLimiter(endpoint, name, perSecond, burst,
        Objects.requireNonNull(clock, "clock"));
  }

  @Override
  public Grant tryAcquire(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be >= 1 but was " + max);
    }
    long now = clock == null ? -1 : clock.millis();
    try {
      List<Object> r = endpoint.shared().async().<List<Object>>eval(Scripts.TOKEN_BUCKET,
          ScriptOutputType.MULTI, new String[] {key}, bytes(perSecond / 1000.0), bytes(burst),
          bytes(max), bytes(now)).get(endpoint.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
      long granted = (Long) r.get(0);
      long waitMs = (Long) r.get(1);
      return new Grant((int) granted, Duration.ofMillis(granted > 0 ? 0 : Math.max(1, waitMs)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Grant(0, Duration.ofMillis(1));
    } catch (Exception e) {
      throw new RedisUnavailableException("cannot take permits from the shared rate limiter "
          + key + " on " + endpoint + ": " + RedisEndpoint.rootMessage(e), e);
    }
  }

  private static byte[] bytes(double d) {
    return String.format(Locale.ROOT, "%.17g", d).getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] bytes(long l) {
    return Long.toString(l).getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public String toString() {
    return "RedisRateLimiter[" + key + " on " + endpoint + ", " + perSecond + "/s, burst "
        + burst + "]";
  }
}
