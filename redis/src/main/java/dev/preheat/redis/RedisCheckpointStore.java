package dev.preheat.redis;

import dev.preheat.spi.CheckpointStore;
import dev.preheat.warm.Outcome;
import io.lettuce.core.RedisFuture;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Checkpoints in Redis, shared by every instance: one hash per plan, {@code
 * <prefix><planHash>}, field = target key, value = outcome, expiring {@link #DEFAULT_RETENTION}
 * after the last record so abandoned plans do not accumulate.
 *
 * <p>{@link #record} is one {@code HSET} (pipelined with the expiry) and waits for the reply, so
 * a record that returned is durable as far as Redis is. Thread-safe.
 */
public final class RedisCheckpointStore implements CheckpointStore {

  /** The key prefix unless set: {@value}. */
  public static final String DEFAULT_PREFIX = "preheat:checkpoints:";

  /** How long a plan's checkpoints live after its last record: 7 days. */
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);

  private final RedisEndpoint endpoint;
  private final String prefix;
  private final Duration retention;

  private RedisCheckpointStore(RedisEndpoint endpoint, String prefix, Duration retention) {
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    this.prefix = Objects.requireNonNull(prefix, "prefix");
    this.retention = Objects.requireNonNull(retention, "retention");
    if (retention.isNegative() || retention.isZero()) {
      throw new IllegalArgumentException("retention must be > 0 but was " + retention);
    }
  }

  /** A store with the default prefix and retention. */
  public static RedisCheckpointStore create(RedisEndpoint endpoint) {
    return new RedisCheckpointStore(endpoint, DEFAULT_PREFIX, DEFAULT_RETENTION);
  }

  /**
   * A store under {@code prefix} whose plans expire {@code retention} after their last record.
   *
   * @throws IllegalArgumentException if {@code retention <= 0}
   */
  public static RedisCheckpointStore create(RedisEndpoint endpoint, String prefix,
      Duration retention) {
    return new RedisCheckpointStore(endpoint, prefix, retention);
  }

  private <T> T await(RedisFuture<T> f, String what) {
    try {
      return f.get(endpoint.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(what + " interrupted", new java.io.InterruptedIOException());
    } catch (Exception e) {
      throw new UncheckedIOException(what + " on " + endpoint + " failed: "
          + RedisEndpoint.rootMessage(e), new java.io.IOException(e));
    }
  }

  @Override
  public Set<String> finished(String planHash) {
    Map<String, byte[]> all = await(endpoint.shared().async().hgetall(prefix + planHash),
        "reading checkpoints of plan " + planHash);
    return Set.copyOf(new HashSet<>(all.keySet()));
  }

  @Override
  public void record(String planHash, String targetKey, Outcome outcome) {
    var async = endpoint.shared().async();
    String key = prefix + planHash;
    RedisFuture<Boolean> set = async.hset(key, targetKey,
        outcome.name().getBytes(StandardCharsets.US_ASCII));
    async.pexpire(key, retention.toMillis());
    await(set, "recording checkpoint " + targetKey);
  }

  @Override
  public void clear(String planHash) {
    await(endpoint.shared().async().del(prefix + planHash), "clearing checkpoints of " + planHash);
  }

  @Override
  public String toString() {
    return "RedisCheckpointStore[" + endpoint + ", " + prefix + "]";
  }
}
