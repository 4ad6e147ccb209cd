package dev.preheat.redis;

import dev.preheat.redis.internal.Scripts;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A budget shared by every instance (e.g. "at most 1M origin requests for this deploy"): a
 * counter in Redis that {@link #take} increments atomically (Lua) without ever passing the
 * limit. Thread-safe.
 */
public final class SharedBudget {

  /** The key prefix of budgets: {@value}. */
  public static final String PREFIX = "preheat:budget:";

  private final RedisEndpoint endpoint;
  private final String key;
  private final long limit;

  private SharedBudget(RedisEndpoint endpoint, String name, long limit) {
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    if (Objects.requireNonNull(name, "name").isBlank()) {
      throw new IllegalArgumentException("budget name must not be blank");
    }
    if (limit < 1) {
      throw new IllegalArgumentException("budget limit must be >= 1 but was " + limit);
    }
    this.key = PREFIX + name;
    this.limit = limit;
  }

  /**
   * The budget {@code name} with {@code limit} units in total.
   *
   * @throws IllegalArgumentException if the name is blank or {@code limit < 1}
   */
  public static SharedBudget create(RedisEndpoint endpoint, String name, long limit) {
    return new SharedBudget(endpoint, name, limit);
  }

  /**
   * Takes up to {@code amount} units; returns how many were taken (0 when the budget is spent).
   *
   * @throws IllegalArgumentException if {@code amount < 1}
   * @throws RedisUnavailableException if Redis does not answer
   */
  public long take(long amount) {
    if (amount < 1) {
      throw new IllegalArgumentException("amount must be >= 1 but was " + amount);
    }
    try {
      Long got = endpoint.shared().async().<Long>eval(Scripts.BUDGET_TAKE,
          ScriptOutputType.INTEGER, new String[] {key},
          Long.toString(limit).getBytes(StandardCharsets.US_ASCII),
          Long.toString(amount).getBytes(StandardCharsets.US_ASCII))
          .get(endpoint.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
      return got;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    } catch (Exception e) {
      throw new RedisUnavailableException("cannot take from the shared budget " + key + " on "
          + endpoint + ": " + RedisEndpoint.rootMessage(e), e);
    }
  }

  /** Units taken so far by all instances. */
  public long used() {
    try {
      byte[] v = endpoint.shared().async().get(key)
          .get(endpoint.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
      return v == null ? 0 : Long.parseLong(new String(v, StandardCharsets.US_ASCII));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    } catch (Exception e) {
      throw new RedisUnavailableException("cannot read the shared budget " + key + ": "
          + RedisEndpoint.rootMessage(e), e);
    }
  }

  /** The limit. */
  public long limit() {
    return limit;
  }

  @Override
  public String toString() {
    return "SharedBudget[" + key + ", limit " + limit + "]";
  }
}
