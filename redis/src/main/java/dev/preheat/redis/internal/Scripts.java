package dev.preheat.redis.internal;

/** Lua scripts run atomically on the server. */
public final class Scripts {

  private Scripts() {}

  /** Deletes KEYS[1] only if it still holds ARGV[1] (the holder's token). Returns 1 or 0. */
  public static final String RELEASE_IF_OWNER =
      "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) "
          + "else return 0 end";

  /** Extends KEYS[1] to ARGV[2] ms only if it still holds ARGV[1]. Returns 1 or 0. */
  public static final String RENEW_IF_OWNER =
      "if redis.call('get', KEYS[1]) == ARGV[1] then "
          + "return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";

  /**
   * Lease acquisition: if KEYS[1] is free, takes the next fencing token from KEYS[2] (INCR),
   * stores "ARGV[1] token" with a TTL of ARGV[2] ms and returns the token; else returns the
   * negated... nothing: 0. Fencing tokens only grow.
   */
  public static final String LEASE_ACQUIRE =
      "if redis.call('exists', KEYS[1]) == 1 then return 0 end "
          + "local t = redis.call('incr', KEYS[2]) "
          + "redis.call('set', KEYS[1], ARGV[1] .. ' ' .. t, 'PX', ARGV[2]) "
          + "return t";

  /**
   * A token bucket: KEYS[1] a hash {tokens, ts}; ARGV: rate per ms, burst, permits wanted, now
   * in ms (or -1 for the server's TIME). Returns {granted, wait ms}. The bucket starts with one
   * token so a fleet does not start with a burst.
   */
  public static final String TOKEN_BUCKET =
      "local rate = tonumber(ARGV[1]) local burst = tonumber(ARGV[2]) "
          + "local want = tonumber(ARGV[3]) local now = tonumber(ARGV[4]) "
          + "if now < 0 then local t = redis.call('time') "
          + "now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000 end "
          + "local v = redis.call('hmget', KEYS[1], 'tokens', 'ts') "
          + "local tokens = tonumber(v[1]) local ts = tonumber(v[2]) "
          + "if tokens == nil or ts == nil then tokens = 1 ts = now end "
          + "if now > ts then tokens = math.min(burst, tokens + (now - ts) * rate) ts = now end "
          + "local granted = math.min(want, math.floor(tokens + 1e-9)) local wait = 0 "
          + "if granted > 0 then tokens = math.max(0, tokens - granted) "
          + "else wait = math.ceil((1 - tokens) / rate) end "
          + "redis.call('hset', KEYS[1], 'tokens', string.format('%.17g', tokens), "
          + "'ts', string.format('%.17g', ts)) "
          + "redis.call('pexpire', KEYS[1], math.ceil(burst / rate) + 60000) "
          + "return {granted, wait}";

  /**
   * A shared budget: KEYS[1] the amount used; ARGV: the limit, the amount wanted. Takes up to
   * the amount left and returns it (0 when exhausted).
   */
  public static final String BUDGET_TAKE =
      "local used = tonumber(redis.call('get', KEYS[1]) or '0') "
          + "local left = tonumber(ARGV[1]) - used "
          + "local take = math.min(left, tonumber(ARGV[2])) "
          + "if take <= 0 then return 0 end "
          + "redis.call('incrby', KEYS[1], take) return take";

  /**
   * The primer's check of a batch: the first ARGV[3] of KEYS are lock keys, each taken with
   * {@code SET lock ARGV[1] NX PX ARGV[2]}; the other KEYS are data keys, read after every lock
   * was taken. Returns one integer per lock key (1 taken, 0 held by someone else), then, when
   * there are data keys, how many of them exist (one {@code EXISTS} per 1000 keys) and, only if
   * that is not 0, the {@code PTTL} of each data key (-2 absent, -1 no TTL). Priming a cold
   * cache therefore costs one multi-key command per batch for the freshness check, not a command
   * per key.
   */
  public static final String CHECK =
      "local c = redis.call local K = KEYS local tok = ARGV[1] local px = ARGV[2] "
          + "local nl = tonumber(ARGV[3]) local r = {} "
          + "for i = 1, nl do if c('set', K[i], tok, 'NX', 'PX', px) then r[i] = 1 "
          + "else r[i] = 0 end end "
          + "if #K == nl then return r end "
          + "local n = 0 "
          + "for a = nl + 1, #K, 1000 do n = n + c('exists', unpack(K, a, math.min(#K, a + 999))) end "
          + "r[nl + 1] = n "
          + "if n > 0 then for i = nl + 1, #K do r[i + 1] = c('pttl', K[i]) end end "
          + "return r";

  /**
   * The primer's write of a batch: {@code PSETEX KEYS[i] ARGV[2i-1] ARGV[2i]} for every key (the
   * TTL in ms, jitter included, is computed by the client). Returns the number of keys written.
   */
  public static final String WRITE =
      "local c = redis.call local K = KEYS local A = ARGV "
          + "for i = 1, #K do c('psetex', K[i], A[2 * i - 1], A[2 * i]) end return #K";

  /**
   * Releases the primer's locks: deletes each of KEYS that still holds ARGV[1] (the run's
   * token), read with one {@code MGET} and deleted with one {@code DEL} per 1000 keys. Returns how
   * many were deleted.
   */
  public static final String RELEASE =
      "local K = KEYS local tok = ARGV[1] local d = {} "
          + "for a = 1, #K, 1000 do local b = math.min(#K, a + 999) "
          + "local v = redis.call('mget', unpack(K, a, b)) "
          + "for i = a, b do if v[i - a + 1] == tok then d[#d + 1] = K[i] end end end "
          + "for a = 1, #d, 1000 do redis.call('del', unpack(d, a, math.min(#d, a + 999))) end "
          + "return #d";

  /** The SHA-1 digest of {@code script}, as {@code EVALSHA} names it. */
  public static String sha1(String script) {
    try {
      return java.util.HexFormat.of().formatHex(
          java.security.MessageDigest.getInstance("SHA-1").digest(utf8(script)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError("SHA-1 is always available", e);
    }
  }

  private static byte[] utf8(String script) {
    return script.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
