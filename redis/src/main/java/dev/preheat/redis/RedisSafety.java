package dev.preheat.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Checks, before a priming or replica-warming run, whether its work would be wasted: primed keys
 * evicted before they are read, keys expiring before the run ends, a hotset that does not fit.
 * Each finding is a {@link Warning} that says what is wrong and how to fix it; nothing is changed
 * on the server.
 */
public final class RedisSafety {

  /** Of {@code maxmemory}, the share above which eviction is treated as imminent. */
  static final double PRESSURE = 0.9;

  private RedisSafety() {}

  /**
   * One finding.
   *
   * @param problem what would go wrong, with the figures
   * @param fix what to change
   */
  public record Warning(String problem, String fix) {
    /** Validates. */
    public Warning {
      Objects.requireNonNull(problem, "problem");
      Objects.requireNonNull(fix, "fix");
    }
  }

  /**
   * What the server told us: {@code maxmemory} (0 = no limit), the eviction policy and the
   * memory in use.
   *
   * @param maxmemory the configured limit in bytes, 0 when unlimited, -1 when unknown
   * @param policy {@code maxmemory-policy}, or {@code unknown}
   * @param usedMemory {@code used_memory} in bytes, -1 when unknown
   */
  public record ServerMemory(long maxmemory, String policy, long usedMemory) {}

  /**
   * Reads {@code CONFIG GET maxmemory maxmemory-policy} and {@code INFO memory}; values the
   * server refuses (managed Redis often renames {@code CONFIG}) are reported as unknown.
   *
   * @throws RedisUnavailableException if the server does not answer
   */
  public static ServerMemory read(RedisEndpoint endpoint) {
    var async = endpoint.shared().async();
    long max = -1;
    String policy = "unknown";
    long used = -1;
    long wait = endpoint.commandTimeout().toMillis() + 1000;
    try {
      Map<String, String> cfg = async.configGet("maxmemory", "maxmemory-policy")
          .get(wait, TimeUnit.MILLISECONDS);
      if (cfg.get("maxmemory") != null) {
        max = Long.parseLong(cfg.get("maxmemory"));
      }
      policy = cfg.getOrDefault("maxmemory-policy", "unknown");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // CONFIG disabled or renamed: fall back to INFO, which reports both too.
    }
    try {
      String info = async.info("memory").get(wait, TimeUnit.MILLISECONDS);
      for (String line : info.split("\r?\n")) {
        String[] kv = line.split(":", 2);
        if (kv.length != 2) {
          continue;
        }
        switch (kv[0]) {
          case "used_memory" -> used = Long.parseLong(kv[1].trim());
          case "maxmemory" -> max = max < 0 ? Long.parseLong(kv[1].trim()) : max;
          case "maxmemory_policy" -> policy = "unknown".equals(policy) ? kv[1].trim() : policy;
          default -> { }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      throw new RedisUnavailableException("cannot read memory figures of " + endpoint + ": "
          + RedisEndpoint.rootMessage(e), e);
    }
    return new ServerMemory(max, policy, used);
  }

  /**
   * Checks a planned run against the server's memory settings.
   *
   * @param hotsetBytes the expected bytes of the keys to write (values plus about 50 bytes of
   *     overhead per key), 0 when unknown
   * @param ttl the shortest TTL primed keys get, or null when keys keep the source's TTLs
   * @param expectedRun how long the run is expected to take
   * @throws RedisUnavailableException if the server does not answer
   */
  public static List<Warning> check(RedisEndpoint endpoint, long hotsetBytes,
      @org.jspecify.annotations.Nullable Duration ttl, Duration expectedRun) {
    return check(read(endpoint), hotsetBytes, ttl, expectedRun);
  }

  /** {@link #check(RedisEndpoint, long, Duration, Duration)} on figures already read. */
  public static List<Warning> check(ServerMemory m, long hotsetBytes,
      @org.jspecify.annotations.Nullable Duration ttl, Duration expectedRun) {
    List<Warning> out = new ArrayList<>();
    String policy = m.policy().toLowerCase(Locale.ROOT);
    if (ttl != null && ttl.compareTo(expectedRun) < 0) {
      out.add(new Warning("the TTL of primed keys (" + ttl + ") is shorter than the expected"
          + " run (" + expectedRun + "): keys primed first expire before the last are written",
          "raise the TTL above the run time, or prime fewer keys (--top) at a higher rate"));
    }
    if (m.maxmemory() < 0 || "unknown".equals(policy)) {
      out.add(new Warning("cannot read maxmemory/maxmemory-policy (CONFIG and INFO refused), so"
          + " eviction risk is unchecked", "check the server's memory settings by hand"));
      return out;
    }
    long free = m.maxmemory() == 0 ? Long.MAX_VALUE
        : Math.max(0, m.maxmemory() - Math.max(0, m.usedMemory()));
    boolean pressure = m.maxmemory() > 0
        && m.usedMemory() + hotsetBytes > (long) (m.maxmemory() * PRESSURE);
    if (m.maxmemory() > 0 && hotsetBytes > free) {
      out.add(new Warning(String.format(Locale.ROOT,
          "the hotset (%,d bytes) does not fit in maxmemory: %,d of %,d bytes are free",
          hotsetBytes, free, m.maxmemory()),
          "raise maxmemory, or prime fewer keys (--top N) so the hottest fit"));
    }
    if (pressure) {
      if (policy.equals("noeviction")) {
        out.add(new Warning("maxmemory-policy is noeviction and memory will be nearly full:"
            + " writes of primed keys (and of the application) will fail with OOM",
            "raise maxmemory, prime fewer keys, or use allkeys-lru"));
      } else if (policy.endsWith("lfu")) {
        out.add(new Warning("maxmemory-policy is " + policy + " and memory will be nearly full:"
            + " primed keys start with a low access frequency, so they are the first evicted,"
            + " before users read them",
            "raise maxmemory, prime fewer keys, or prime just before traffic arrives"));
      } else if (policy.equals("volatile-ttl")) {
        out.add(new Warning("maxmemory-policy is volatile-ttl and memory will be nearly full:"
            + " primed keys carry a TTL and are evicted by it before users read them",
            "raise maxmemory or prime fewer keys"));
      } else if (policy.endsWith("random")) {
        out.add(new Warning("maxmemory-policy is " + policy + " and memory will be nearly full:"
            + " primed keys are evicted at random, warm or not",
            "raise maxmemory, prime fewer keys, or use allkeys-lru"));
      } else if (policy.endsWith("lru")) {
        out.add(new Warning("maxmemory-policy is " + policy + " and memory will be nearly full:"
            + " priming evicts other keys that users are reading",
            "raise maxmemory or prime fewer keys"));
      }
    }
    return out;
  }
}
