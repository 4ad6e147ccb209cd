package dev.preheat.redis;

import dev.preheat.redis.internal.Scripts;
import io.lettuce.core.ScriptOutputType;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One warmer per deploy: the instance that takes the lease for a deploy id warms (a CDN, a
 * cache), the others wait or skip, and each says which.
 *
 * <p>The lease is a Redis key {@code preheat:lease:<deployId>} set with {@code NX PX ttl} holding
 * "holder token", where the token is a <em>fencing token</em> from {@code INCR
 * preheat:lease:<deployId>:fence}: it only grows, so a holder that was paused past its TTL and
 * lost the lease can be told apart from the new holder by anything that records the token.
 * While held, the lease is renewed every third of its TTL (only if it still holds this holder's
 * value, by a Lua compare-and-expire); a holder that crashes stops renewing and the lease
 * expires after at most one TTL. {@link Held#close()} releases it (compare-and-delete).
 *
 * <p>Thread-safe. A {@link Held} lease owns one daemon renewal thread until it is released or
 * lost.
 */
public final class WarmLease {

  private static final Logger LOG = LoggerFactory.getLogger(WarmLease.class);

  /** The key prefix: {@value}. */
  public static final String PREFIX = "preheat:lease:";

  /** The lease TTL unless set: 30 s. */
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(30);

  private final RedisEndpoint endpoint;
  private final String deployId;
  private final Duration ttl;
  private final String holder;

  private WarmLease(RedisEndpoint endpoint, String deployId, Duration ttl, String holder) {
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    this.deployId = Objects.requireNonNull(deployId, "deployId");
    if (deployId.isBlank()) {
      throw new IllegalArgumentException("deployId must not be blank");
    }
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.toMillis() < 100) {
      throw new IllegalArgumentException("lease ttl must be at least 100 ms but was " + ttl);
    }
    this.ttl = ttl;
    this.holder = Objects.requireNonNull(holder, "holder");
    if (holder.isBlank() || holder.contains(" ")) {
      throw new IllegalArgumentException("holder must be non-blank without spaces but was '"
          + holder + "'");
    }
  }

  /**
   * The lease of {@code deployId} with the default TTL, held as this process ({@code
   * pid@host-random}).
   */
  public static WarmLease of(RedisEndpoint endpoint, String deployId) {
    return of(endpoint, deployId, DEFAULT_TTL, defaultHolder());
  }

  /**
   * The lease of {@code deployId}.
   *
   * @param ttl how long the lease outlives a crashed holder, at least 100 ms
   * @param holder this instance's name in the lease (no spaces), shown to contenders
   * @throws IllegalArgumentException if an argument is out of range
   */
  public static WarmLease of(RedisEndpoint endpoint, String deployId, Duration ttl,
      String holder) {
    return new WarmLease(endpoint, deployId, ttl, holder);
  }

  static String defaultHolder() {
    return ManagementFactory.getRuntimeMXBean().getName().replace(' ', '_') + "-"
        + UUID.randomUUID().toString().substring(0, 8);
  }

  private String key() {
    return PREFIX + deployId;
  }

  /** What happened when contending for the lease. */
  public enum Decision {
    /** This instance took the lease at once and warms. */
    ACQUIRED,
    /** This instance waited for another holder and then took the lease; it warms. */
    ACQUIRED_AFTER_WAIT,
    /** Another instance holds the lease; this one skips warming (the caller asked to skip). */
    SKIPPED,
    /** Another instance held the lease for the whole wait; this one gives up. */
    WAIT_TIMED_OUT
  }

  /**
   * The result of contending.
   *
   * @param decision what happened
   * @param lease the held lease, non-null exactly for {@code ACQUIRED*}
   * @param otherHolder the holder seen when not acquired ("holder token"), or null
   * @param message one line for logs: who warms, and why this instance does or does not
   */
  public record Attempt(Decision decision, @Nullable Held lease, @Nullable String otherHolder,
      String message) {
    /** Whether this instance holds the lease and should warm. */
    public boolean acquired() {
      return lease != null;
    }
  }

  /**
   * Takes the lease if it is free; otherwise skips at once.
   *
   * @throws RedisUnavailableException if Redis does not answer
   */
  public Attempt tryAcquire() {
    Held h = attempt();
    if (h != null) {
      return new Attempt(Decision.ACQUIRED, h, null, "lease " + deployId + " acquired by "
          + holder + " (fencing token " + h.fencingToken() + "): this instance warms");
    }
    String other = currentHolder();
    return new Attempt(Decision.SKIPPED, null, other, "lease " + deployId + " is held by "
        + other + ": this instance skips warming");
  }

  /**
   * Takes the lease, waiting up to {@code maxWait} for another holder to release it or to let
   * it expire; polls every {@code min(ttl/4, 250 ms)}.
   *
   * @throws InterruptedException if interrupted while waiting
   * @throws RedisUnavailableException if Redis does not answer
   */
  public Attempt acquire(Duration maxWait) throws InterruptedException {
    Objects.requireNonNull(maxWait, "maxWait");
    Instant until = Instant.now().plus(maxWait);
    boolean waited = false;
    String other = null;
    long poll = Math.max(10, Math.min(ttl.toMillis() / 4, 250));
    while (true) {
      Held h = attempt();
      if (h != null) {
        Decision d = waited ? Decision.ACQUIRED_AFTER_WAIT : Decision.ACQUIRED;
        return new Attempt(d, h, null, "lease " + deployId + " acquired by " + holder
            + (waited ? " after waiting for " + other : "") + " (fencing token "
            + h.fencingToken() + "): this instance warms");
      }
      String now = currentHolder();
      if (now != null) {
        other = now;
      }
      if (!Instant.now().isBefore(until)) {
        return new Attempt(Decision.WAIT_TIMED_OUT, null, other, "lease " + deployId
            + " was held by " + other + " for the whole wait of " + maxWait
            + ": this instance does not warm");
      }
      waited = true;
      Thread.sleep(poll);
    }
  }

  private @Nullable Held attempt() {
    try {
      Long token = endpoint.shared().async().<Long>eval(Scripts.LEASE_ACQUIRE,
          ScriptOutputType.INTEGER, new String[] {key(), key() + ":fence"},
          holder.getBytes(StandardCharsets.UTF_8),
          Long.toString(ttl.toMillis()).getBytes(StandardCharsets.US_ASCII))
          .get(endpoint.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
      return token == null || token == 0 ? null : new Held(token);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (Exception e) {
      throw new RedisUnavailableException("cannot contend for lease " + key() + " on "
          + endpoint + ": " + RedisEndpoint.rootMessage(e), e);
    }
  }

  /** The current holder's value ("holder token"), or null when free. */
  public @Nullable String currentHolder() {
    try {
      byte[] v = endpoint.shared().async().get(key())
          .get(endpoint.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
      return v == null ? null : new String(v, StandardCharsets.UTF_8);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (Exception e) {
      throw new RedisUnavailableException("cannot read lease " + key() + ": "
          + RedisEndpoint.rootMessage(e), e);
    }
  }

  @Override
  public String toString() {
    return "WarmLease[" + key() + ", ttl " + ttl + ", holder " + holder + "]";
  }

  /**
   * A lease held by this instance, renewed in the background until {@link #close()} or until
   * it is lost (renewal found another value, or Redis stayed unreachable past the TTL).
   */
  public final class Held implements AutoCloseable {
    private final long token;
    private final byte[] value;
    private final ScheduledExecutorService renewer;
    private final AtomicBoolean held = new AtomicBoolean(true);
    private volatile Instant lastRenewed = Instant.now();

    private Held(long token) {
      this.token = token;
      this.value = (holder + " " + token).getBytes(StandardCharsets.UTF_8);
      this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "preheat-lease-" + deployId);
        t.setDaemon(true);
        return t;
      });
      long every = Math.max(10, ttl.toMillis() / 3);
      renewer.scheduleWithFixedDelay(this::renewQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    /** The fencing token: larger than every token handed out before for this deploy id. */
    public long fencingToken() {
      return token;
    }

    /** The deploy id. */
    public String deployId() {
      return deployId;
    }

    /** Whether the lease is still held (not released, not lost). */
    public boolean isHeld() {
      return held.get();
    }

    private void renewQuietly() {
      try {
        if (!renew()) {
          LOG.warn("lease {} lost: another holder took it (our token {})", key(), token);
        }
      } catch (RuntimeException e) {
        if (Duration.between(lastRenewed, Instant.now()).compareTo(ttl) > 0) {
          lose();
          LOG.warn("lease {} lost: could not renew for longer than its TTL ({})", key(),
              e.getMessage());
        }
      }
    }

    /**
     * Renews the lease now; false (and the lease is lost) when it no longer holds this
     * holder's value.
     *
     * @throws RedisUnavailableException if Redis does not answer
     */
    public boolean renew() {
      if (!held.get()) {
        return false;
      }
      try {
        Long ok = endpoint.shared().async().<Long>eval(Scripts.RENEW_IF_OWNER,
            ScriptOutputType.INTEGER, new String[] {key()}, value,
            Long.toString(ttl.toMillis()).getBytes(StandardCharsets.US_ASCII))
            .get(endpoint.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
        if (ok != null && ok == 1) {
          lastRenewed = Instant.now();
          return true;
        }
        lose();
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return held.get();
      } catch (Exception e) {
        throw new RedisUnavailableException("cannot renew lease " + key() + ": "
            + RedisEndpoint.rootMessage(e), e);
      }
    }

    private void lose() {
      held.set(false);
      renewer.shutdown();
    }

    /** Releases the lease if this holder still holds it. Idempotent; never throws. */
    @Override
    public void close() {
      boolean was = held.getAndSet(false);
      renewer.shutdownNow();
      if (!was) {
        return;
      }
      try {
        endpoint.shared().async().eval(Scripts.RELEASE_IF_OWNER, ScriptOutputType.INTEGER,
            new String[] {key()}, value)
            .get(endpoint.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        LOG.warn("cannot release lease {} ({}); it expires within {}", key(),
            RedisEndpoint.rootMessage(e), ttl);
      }
    }

    @Override
    public String toString() {
      return "lease " + deployId + " held by " + holder + " (token " + token + ")";
    }
  }
}
