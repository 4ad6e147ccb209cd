import java.io.*;
import java.util.*;

/**
 * Gen4 OUT N B VARIANT : the locked default's claim designs, round 2 (issue 5, branch redis6);
 * prints its scripts to stderr. Checks are sent 3 batches ahead, as the primer does.
 * ow = quiet PSETEX alone (overwrite mode); nl = the CLAIM script without claims, then quiet PSETEX;
 * cur = main's CLAIM (claims as fields of one hash) + quiet PSETEX + plain HDEL;
 * bs = claims as one set per batch (SADD, no value), listed in a registry (a sorted set scored by
 *      expiry); other runs' sets are intersected (SINTER) with the new one; release = DEL + ZREM.
 */
public class Gen4 {
  static Map<String, String> S = new LinkedHashMap<>();
  static {
    // main's Scripts.CLAIM (67bf6bd)
    S.put("claim",
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
          + "return r");
    // KEYS[1] registry (zset: batch set -> expiry ms), KEYS[2] this batch's set, KEYS[3..] data keys;
    // ARGV[1] the run's prefix of set names (own sets are skipped), ARGV[2] px
    S.put("bclaim",
      "if redis.replicate_commands then redis.replicate_commands() end "
          + "local c = redis.call local K = KEYS local own = ARGV[1] local px = tonumber(ARGV[2]) "
          + "local reg = K[1] local set = K[2] local r = {0, 0} "
          + "local t = c('time') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) "
          + "for a = 3, #K, 1000 do c('sadd', set, unpack(K, a, math.min(#K, a + 999))) end "
          + "c('pexpire', set, px) "
          + "c('zremrangebyscore', reg, '-inf', now) "
          + "local others = c('zrange', reg, 0, -1) "
          + "c('zadd', reg, now + px, set) "
          + "if c('pttl', reg) < px then c('pexpire', reg, px) end "
          + "local pos = nil local ol = #own "
          + "for _, o in ipairs(others) do if string.sub(o, 1, ol) ~= own then "
          + "local x = c('sinter', set, o) if #x > 0 then "
          + "if not pos then pos = {} for i = 3, #K do pos[K[i]] = i - 3 end end "
          + "c('srem', set, unpack(x)) for _, m in ipairs(x) do r[#r + 1] = pos[m] end end end end "
          + "r[2] = #r - 2 "
          + "local n = 0 "
          + "for a = 3, #K, 1000 do n = n + c('exists', unpack(K, a, math.min(#K, a + 999))) end "
          + "r[1] = n "
          + "if n > 0 then for i = 3, #K do r[#r + 1] = c('pttl', K[i]) end end "
          + "return r");
  }
  static {
    // KEYS[1] registry, KEYS[2] this batch's set (already filled by a plain SADD in the same MULTI)
    S.put("bmeta",
      "local c = redis.call local own = ARGV[1] local px = tonumber(ARGV[2]) "
          + "local reg = KEYS[1] local set = KEYS[2] local r = {} "
          + "local t = c('time') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) "
          + "c('pexpire', set, px) "
          + "c('zremrangebyscore', reg, '-inf', now) "
          + "local others = c('zrange', reg, 0, -1) "
          + "c('zadd', reg, now + px, set) "
          + "if c('pttl', reg) < px then c('pexpire', reg, px) end "
          + "local ol = #own "
          + "for _, o in ipairs(others) do if string.sub(o, 1, ol) ~= own then "
          + "local x = c('sinter', set, o) if #x > 0 then "
          + "c('srem', set, unpack(x)) for _, m in ipairs(x) do r[#r + 1] = m end end end end "
          + "return r");
  }
  static void eval(String name, List<byte[]> keys, List<byte[]> argv) throws Exception {
    Gen.evalsha(S.get(name), keys, argv);
  }
  public static void main(String[] args) throws Exception {
    Gen.out = new BufferedOutputStream(new FileOutputStream(args[0]), 1 << 20);
    int n = Integer.parseInt(args[1]); int bs = Integer.parseInt(args[2]); String v = args[3];
    Random r = new Random(1);
    String tok = "DGp6Hnsf-3ueDi88Hg2aEQ";
    byte[] table = Gen.b("preheat:lock:claims");
    byte[] reg = Gen.b("preheat:lock:claims");
    List<Object[]> pending = new ArrayList<>();
    int seq = 0;
    for (int s = 0; s < n; s += bs) {
      int e = Math.min(n, s + bs);
      List<byte[]> dk = new ArrayList<>(), tv = new ArrayList<>();
      for (int i = s; i < e; i++) { dk.add(Gen.b("bench:" + i));
        tv.add(Gen.b(Long.toString(3600000 + r.nextInt(300000)))); tv.add(Gen.value(i, 100)); }
      byte[] set = Gen.b("preheat:lock:claims:" + tok + ":" + Integer.toString(seq++, 36));
      switch (v) {
        case "ow" -> { Gen.quiet(dk, tv); continue; }
        case "nl" -> { eval("claim", dk, List.of(Gen.b(tok), Gen.b("0"))); Gen.quiet(dk, tv); continue; }
        case "cur" -> { List<byte[]> k = new ArrayList<>(); k.add(table); k.addAll(dk);
          eval("claim", k, List.of(Gen.b(tok), Gen.b("30000"))); }
        case "bs" -> { List<byte[]> k = new ArrayList<>(); k.add(reg); k.add(set); k.addAll(dk);
          eval("bclaim", k, List.of(Gen.b("preheat:lock:claims:" + tok + ":"), Gen.b("30000"))); }
        case "bm" -> { List<byte[]> a = new ArrayList<>(); a.add(Gen.b("SADD")); a.add(set); a.addAll(dk);
          Gen.cmd(List.of(Gen.b("MULTI"))); Gen.cmd(a);
          eval("bmeta", List.of(reg, set), List.of(Gen.b("preheat:lock:claims:" + tok + ":"), Gen.b("30000")));
          a = new ArrayList<>(); a.add(Gen.b("EXISTS")); a.addAll(dk); Gen.cmd(a); Gen.cmd(List.of(Gen.b("EXEC"))); }
        default -> throw new IllegalArgumentException(v);
      }
      pending.add(new Object[] {dk, tv, set});
      boolean last = e == n;
      while (pending.size() > 3 || (last && !pending.isEmpty())) {
        Object[] o = pending.remove(0);
        @SuppressWarnings("unchecked") List<byte[]> odk = (List<byte[]>) o[0], otv = (List<byte[]>) o[1];
        Gen.quiet(odk, otv);
        if (v.equals("cur")) { List<byte[]> a = new ArrayList<>(); a.add(Gen.b("HDEL")); a.add(table); a.addAll(odk); Gen.cmd(a); }
        else { Gen.cmd(List.of(Gen.b("DEL"), (byte[]) o[2])); Gen.cmd(List.of(Gen.b("ZREM"), reg, (byte[]) o[2])); }
      }
    }
    Gen.out.close();
    for (String sc : S.values()) System.err.println("SCRIPT " + sc);
  }
}
