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
   * The primer's check of a batch, taking its claims (per-key locks) first. ARGV[2] is the lock
   * TTL in ms, or 0 to take no claims. With claims, KEYS[1] is the claim registry (a sorted set:
   * member = a claim list's name, score = its expiry in the server's clock, ms), KEYS[2] this
   * batch's claim list (a new name, unique to the run) and the other KEYS data keys; ARGV[1] is
   * the prefix of the run's own claim lists and ARGV[3] the data keys' {@link ClaimHashes}, 8 bytes
   * each, in order. A key is claimed unless another run's claim list that is still listed in the
   * registry with an expiry in the future holds it. Expired entries are trimmed from the registry
   * first. A claim list takes one of two forms, chosen by the script: with no other run's list
   * live (a run alone) it is one string, the hashes of its keys ({@code SET}, nothing compared,
   * no per-key work); with another run live it is a set of the key names ({@code SADD} per 1000),
   * compared with each other live list at the server's speed when that is a set ({@code SINTER}),
   * hash by hash in the script when it is a string (a run that was alone when it took those
   * claims). Keys held elsewhere are taken out of the set again. A list not empty gets the
   * expiry now + TTL and is listed in the registry with it, whose own TTL is raised to at least
   * the lock TTL. Without claims every KEY is a data key. Then, after the claims, one {@code
   * EXISTS} per 1000 data keys and, only when some exist, a {@code PTTL} per data key. Returns
   * {@code {exists, m, i_1..i_m, pttl_1..pttl_n}}: how many data keys exist, how many were not
   * claimed (held by another run), their 0-based positions, then the PTTLs (only when {@code
   * exists > 0}). A cold batch of a run alone costs the server a share of one multi-key command
   * per key ({@code EXISTS}) and a few per batch, and its reply is two integers; releasing it is
   * a {@code DEL}, whatever its form.
   *
   * <p><b>Lean form</b> (a standalone server): with ARGV[4] present the call carries only KEYS[1]
   * and KEYS[2] (no data keys; their number is taken from ARGV[3]) and checks no existence. A run
   * alone stores its claims as above and gets {@code {0, 0}}; if another run's list is live,
   * nothing is changed and the reply is {@code {-1}}: the caller sends the full form instead. The
   * caller reads existence with a plain {@code EXISTS} pipelined right behind the call: as a
   * holder releases its claims only behind its writes, a key claimed here shows any value its
   * previous holder wrote to that command as well. Redis turns every key a script call carries
   * into a Lua string and back into a command argument; the lean form saves that, about 70% of
   * the check's server work on a cold batch.
   */
  public static final String CLAIM =
      "if redis.replicate_commands then redis.replicate_commands() end "
          + "local c = redis.call local K = KEYS local px = tonumber(ARGV[2]) "
          + "local first = 1 local r = {0, 0} "
          + "if px > 0 then first = 3 local reg = K[1] local set = K[2] "
          + "local own = ARGV[1] local ol = #own local hs = ARGV[3] local n = #K - 2 "
          + "if ARGV[4] then n = #hs / 8 end "
          + "local sub = string.sub "
          + "local t = c('time') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) "
          + "c('zremrangebyscore', reg, '-inf', now) "
          + "local live = {} for _, o in ipairs(c('zrange', reg, 0, -1)) do "
          + "if sub(o, 1, ol) ~= own then live[#live + 1] = o end end "
          + "if ARGV[4] and #live > 0 then return {-1} end "
          + "local held = {} local any = false "
          + "if #live == 0 then c('set', set, hs) c('pexpireat', set, now + px) "
          + "else for a = 3, #K, 1000 do c('sadd', set, unpack(K, a, math.min(#K, a + 999))) end "
          + "local mine = nil local named = nil "
          + "for _, o in ipairs(live) do local ty = c('type', o)['ok'] "
          + "if ty == 'set' then local x = c('sinter', set, o) if #x > 0 then named = named or {} "
          + "for _, m in ipairs(x) do named[m] = true end end "
          + "elseif ty == 'string' then local b = c('get', o) "
          + "if not mine then mine = {} for i = 1, n do local h = sub(hs, 8 * i - 7, 8 * i) "
          + "local l = mine[h] if l then l[#l + 1] = i else mine[h] = {i} end end end "
          + "for j = 1, #b, 8 do local l = mine[sub(b, j, j + 7)] "
          + "if l then any = true for _, i in ipairs(l) do held[i] = true end end end end end "
          + "if named then for i = 1, n do if named[K[i + 2]] then held[i] = true any = true end end end "
          + "local gone = {} if any then for i = 1, n do if held[i] then gone[#gone + 1] = K[i + 2] end end "
          + "for a = 1, #gone, 1000 do c('srem', set, unpack(gone, a, math.min(#gone, a + 999))) end end "
          + "if #gone < n then c('pexpireat', set, now + px) end end "
          + "if any then for i = 1, n do if held[i] then r[#r + 1] = i - 1 end end end "
          + "if #r - 2 < n then c('zadd', reg, now + px, set) "
          + "if c('pttl', reg) < px then c('pexpire', reg, px) end end "
          + "r[2] = #r - 2 end "
          + "local n = 0 "
          + "for a = first, #K, 1000 do n = n + c('exists', unpack(K, a, math.min(#K, a + 999))) end "
          + "r[1] = n "
          + "if n > 0 then for i = first, #K do r[#r + 1] = c('pttl', K[i]) end end "
          + "return r";

  /**
   * The primer's fenced write of a batch: KEYS[1] is the claim registry, KEYS[2] the batch's
   * claim list, the other KEYS data keys (all claimed by this list); ARGV[1] the prefix of the
   * run's own claim lists, ARGV[2] the data keys' {@link ClaimHashes}, then a TTL in ms (jitter
   * included) and a value per data key. While the list's registry entry has not expired, no other
   * run can hold the keys: every key is written ({@code PSETEX}). Once it has expired another run
   * may have claimed or written a key since: only keys that are absent and held by no other run's
   * live claim list (by name in a set, by hash in a string; see {@link #CLAIM}) are written.
   * Returns the 0-based positions of the keys not written. The claims are released by the caller
   * afterwards.
   */
  public static final String FENCED_WRITE =
      "if redis.replicate_commands then redis.replicate_commands() end "
          + "local c = redis.call local K = KEYS local A = ARGV local reg = K[1] local set = K[2] "
          + "local own = A[1] local ol = #own local hs = A[2] local lost = {} local sub = string.sub "
          + "local t = c('time') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) "
          + "local sc = c('zscore', reg, set) "
          + "if sc and tonumber(sc) > now then "
          + "for i = 3, #K do c('psetex', K[i], A[2 * i - 3], A[2 * i - 2]) end "
          + "else c('zremrangebyscore', reg, '-inf', now) local others = c('zrange', reg, 0, -1) "
          + "local taken = {} local sets = {} "
          + "for _, o in ipairs(others) do if sub(o, 1, ol) ~= own then local ty = c('type', o)['ok'] "
          + "if ty == 'set' then sets[#sets + 1] = o elseif ty == 'string' then local b = c('get', o) "
          + "for j = 1, #b, 8 do taken[sub(b, j, j + 7)] = true end end "
          + "end end "
          + "for i = 3, #K do local q = 8 * (i - 2) "
          + "local free = c('exists', K[i]) == 0 and not taken[sub(hs, q - 7, q)] "
          + "if free then for _, o in ipairs(sets) do "
          + "if c('sismember', o, K[i]) == 1 then free = false break end end end "
          + "if free then c('psetex', K[i], A[2 * i - 3], A[2 * i - 2]) else lost[#lost + 1] = i - 3 end "
          + "end end "
          + "return lost";

  /**
   * The primer's write of a batch: {@code PSETEX KEYS[i] ARGV[2i-1] ARGV[2i]} for every key (the
   * TTL in ms, jitter included, is computed by the client). Returns the number of keys written.
   */
  public static final String WRITE =
      "local c = redis.call local K = KEYS local A = ARGV "
          + "for i = 1, #K do c('psetex', K[i], A[2 * i - 1], A[2 * i]) end return #K";

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
