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
   * The primer's check of a batch, taking its claims (per-key locks) first. ARGV[1] is the run's
   * token, ARGV[2] the lock TTL in ms, or 0 to take no claims. With claims, KEYS[1] is the claim
   * table (a hash: field = data key, value = {@code token:expiry}, the expiry in the server's
   * clock, ms) and the other KEYS are data keys; a key is claimed when its field is absent,
   * expired or already this run's (one {@code HMGET} and one {@code HSET} per 1000 keys), and the
   * table's TTL is raised to at least the lock TTL. Without claims every KEY is a data key. Then,
   * after the claims, one {@code EXISTS} per 1000 data keys and, only when some exist, a {@code
   * PTTL} per data key. Returns {@code {exists, m, i_1..i_m, pttl_1..pttl_n}}: how many data keys
   * exist, how many were not claimed (held by another run), their 0-based positions, then the
   * PTTLs (only when {@code exists > 0}). A cold batch with no contention costs the server a
   * share of four multi-key commands per key, and its reply is two integers.
   */
  public static final String CLAIM =
      "if redis.replicate_commands then redis.replicate_commands() end "
          + "local c = redis.call local K = KEYS local tok = ARGV[1] local px = tonumber(ARGV[2]) "
          + "local first = 1 local r = {0, 0} "
          + "if px > 0 then first = 2 local h = K[1] "
          + "local t = c('time') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) "
          + "local mine = tok .. ':' .. string.format('%d', now + px) local s = {} "
          + "for a = 2, #K, 1000 do local b = math.min(#K, a + 999) "
          + "local v = c('hmget', h, unpack(K, a, b)) "
          + "for i = a, b do local x = v[i - a + 1] local free = not x "
          + "if not free then local at = string.find(x, ':', 1, true) "
          + "free = (not at) or string.sub(x, 1, at - 1) == tok "
          + "or (tonumber(string.sub(x, at + 1)) or 0) <= now end "
          + "if free then s[#s + 1] = K[i] s[#s + 1] = mine else r[#r + 1] = i - 2 end end end "
          + "for a = 1, #s, 1000 do c('hset', h, unpack(s, a, math.min(#s, a + 999))) end "
          + "if #s > 0 and c('pttl', h) < px then c('pexpire', h, px) end "
          + "r[2] = #r - 2 end "
          + "local n = 0 "
          + "for a = first, #K, 1000 do n = n + c('exists', unpack(K, a, math.min(#K, a + 999))) end "
          + "r[1] = n "
          + "if n > 0 then for i = first, #K do r[#r + 1] = c('pttl', K[i]) end end "
          + "return r";

  /**
   * The primer's fenced write of a batch: KEYS[1] is the claim table, the other KEYS data keys;
   * ARGV[1] the run's token, then a TTL in ms (jitter included) and a value per data key. Each
   * key whose claim still holds the token is written ({@code PSETEX}) and its claim deleted; a key
   * whose claim was taken over by another run (ours expired) is not written. Returns the 0-based
   * positions of the keys not written.
   */
  public static final String FENCED_WRITE =
      "local c = redis.call local K = KEYS local A = ARGV local h = K[1] local p = A[1] .. ':' "
          + "local pl = #p local d = {} local lost = {} "
          + "for a = 2, #K, 1000 do local b = math.min(#K, a + 999) "
          + "local v = c('hmget', h, unpack(K, a, b)) "
          + "for i = a, b do local x = v[i - a + 1] "
          + "if x and string.sub(x, 1, pl) == p then c('psetex', K[i], A[2 * i - 2], A[2 * i - 1]) "
          + "d[#d + 1] = K[i] else lost[#lost + 1] = i - 2 end end end "
          + "for a = 1, #d, 1000 do c('hdel', h, unpack(d, a, math.min(#d, a + 999))) end "
          + "return lost";

  /**
   * The primer's write of a batch: {@code PSETEX KEYS[i] ARGV[2i-1] ARGV[2i]} for every key (the
   * TTL in ms, jitter included, is computed by the client). Returns the number of keys written.
   */
  public static final String WRITE =
      "local c = redis.call local K = KEYS local A = ARGV "
          + "for i = 1, #K do c('psetex', K[i], A[2 * i - 1], A[2 * i]) end return #K";

  /**
   * Releases the primer's claims: KEYS[1] is the claim table, the other KEYS data keys; deletes
   * the field of each that still holds ARGV[1] (the run's token; one {@code HMGET} and one {@code
   * HDEL} per 1000 keys). Returns how many were deleted.
   */
  public static final String RELEASE =
      "local c = redis.call local K = KEYS local h = K[1] local p = ARGV[1] .. ':' local pl = #p "
          + "local d = {} "
          + "for a = 2, #K, 1000 do local b = math.min(#K, a + 999) "
          + "local v = c('hmget', h, unpack(K, a, b)) "
          + "for i = a, b do local x = v[i - a + 1] "
          + "if x and string.sub(x, 1, pl) == p then d[#d + 1] = K[i] end end end "
          + "for a = 1, #d, 1000 do c('hdel', h, unpack(d, a, math.min(#d, a + 999))) end "
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
