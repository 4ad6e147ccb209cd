package dev.preheat.redis;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.preheat.internal.json.Json;
import dev.preheat.spi.ValidatorStore;
import dev.preheat.spi.Validators;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Validators in one Redis hash, {@code <prefix>} (field = target key, value = JSON {@code
 * {"etag":..,"lastModified":..,"uncacheable":..}}), shared by every instance, so one instance's
 * ETags make the next instance's requests conditional.
 *
 * <p>{@link #get} reads through a bounded local cache (one {@code HGET} per key on first use or
 * after the key was evicted; at most {@link #DEFAULT_MAX_CACHED} keys unless set, least recently
 * or frequently used evicted first; a Redis error is logged once and read as "no validators", so
 * a Redis outage only makes requests unconditional). {@link #put} is kept in memory until {@link
 * #flush()} writes it in one {@code HSET}; until then {@link #get} returns it even if the cache
 * evicted it. Thread-safe.
 */
public final class RedisValidatorStore implements ValidatorStore {

  private static final Logger LOG = LoggerFactory.getLogger(RedisValidatorStore.class);

  /** The hash key unless set: {@value}. */
  public static final String DEFAULT_KEY = "preheat:validators";

  /** Validators cached locally at most, unless set: {@value}. */
  public static final long DEFAULT_MAX_CACHED = 100_000;

  private static final JsonMapper JSON = Json.MAPPER;
  private static final Validators NONE = new Validators(null, null, null);

  private final RedisEndpoint endpoint;
  private final String key;
  private final Cache<String, Validators> local;
  private final Map<String, Validators> pending = new LinkedHashMap<>();
  private volatile boolean warned;

  private RedisValidatorStore(RedisEndpoint endpoint, String key, long maxCached) {
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    this.key = Objects.requireNonNull(key, "key");
    if (maxCached < 1) {
      throw new IllegalArgumentException("maxCached must be >= 1 but was " + maxCached);
    }
    // Eviction runs on the calling thread: no pool thread per store, and the bound holds at once.
    this.local = Caffeine.newBuilder().maximumSize(maxCached).executor(Runnable::run).build();
  }

  /** A store in the hash {@value #DEFAULT_KEY}. */
  public static RedisValidatorStore create(RedisEndpoint endpoint) {
    return new RedisValidatorStore(endpoint, DEFAULT_KEY, DEFAULT_MAX_CACHED);
  }

  /** A store in the hash {@code key}. */
  public static RedisValidatorStore create(RedisEndpoint endpoint, String key) {
    return new RedisValidatorStore(endpoint, key, DEFAULT_MAX_CACHED);
  }

  /**
   * A store in the hash {@code key} caching at most {@code maxCached} keys' validators locally.
   *
   * @throws IllegalArgumentException if {@code maxCached < 1}
   */
  public static RedisValidatorStore create(RedisEndpoint endpoint, String key, long maxCached) {
    return new RedisValidatorStore(endpoint, key, maxCached);
  }

  /** Keys whose validators are cached locally now (for tests). */
  long cachedCount() {
    local.cleanUp();
    return local.estimatedSize();
  }

  @Override
  public @Nullable Validators get(String targetKey) {
    Validators v;
    synchronized (pending) {
      v = pending.get(targetKey);
    }
    if (v == null) {
      v = local.getIfPresent(targetKey);
    }
    if (v == null) {
      v = NONE;
      try {
        byte[] raw = endpoint.shared().async().hget(key, targetKey)
            .get(endpoint.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
        if (raw != null) {
          v = decode(raw);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      } catch (Exception e) {
        if (!warned) {
          warned = true;
          LOG.warn("cannot read validators from {} ({}); requests are sent unconditionally",
              endpoint, RedisEndpoint.rootMessage(e));
        }
        return null;
      }
      local.asMap().putIfAbsent(targetKey, v);
    }
    return v == NONE ? null : v;
  }

  private static Validators decode(byte[] raw) {
    try {
      JsonNode n = JSON.readTree(raw);
      return new Validators(text(n, "etag"), text(n, "lastModified"), text(n, "uncacheable"));
    } catch (Exception e) {
      return NONE; // a foreign or corrupt value: treated as unknown, overwritten on next put
    }
  }

  private static @Nullable String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : Json.text(v);
  }

  @Override
  public void put(String targetKey, Validators validators) {
    Objects.requireNonNull(validators, "validators");
    local.put(targetKey, validators);
    synchronized (pending) {
      pending.put(targetKey, validators);
    }
  }

  /**
   * Writes the validators put since the last flush in one {@code HSET}. They stay pending (and
   * readable by {@link #get}) until Redis acknowledged them, so a failed flush is retried by the
   * next one.
   *
   * @throws UncheckedIOException if Redis does not acknowledge them
   */
  @Override
  public void flush() {
    Map<String, Validators> sent;
    synchronized (pending) {
      if (pending.isEmpty()) {
        return;
      }
      sent = new LinkedHashMap<>(pending);
    }
    Map<String, byte[]> batch = new HashMap<>();
    sent.forEach((k, v) -> batch.put(k, encode(v)));
    try {
      endpoint.shared().async().hset(key, batch)
          .get(endpoint.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException("writing validators interrupted",
          new java.io.InterruptedIOException());
    } catch (Exception e) {
      throw new UncheckedIOException("cannot write " + batch.size() + " validators to "
          + endpoint + ": " + RedisEndpoint.rootMessage(e), new java.io.IOException(e));
    }
    synchronized (pending) {
      sent.forEach(pending::remove);
    }
  }

  private static byte[] encode(Validators v) {
    ObjectNode n = JSON.createObjectNode();
    n.put("etag", v.etag());
    n.put("lastModified", v.lastModified());
    n.put("uncacheable", v.uncacheableReason());
    try {
      return JSON.writeValueAsBytes(n);
    } catch (Exception e) {
      throw new IllegalStateException("cannot encode validators", e);
    }
  }

  @Override
  public String toString() {
    return "RedisValidatorStore[" + endpoint + ", " + key + "]";
  }
}
