import java.io.*;
import java.util.*;

/**
 * Gen3 OUT N B VARIANT : the locked default's designs (issue 5); prints its scripts to stderr.
 * cur = lock keys SET NX PX in a script + EXISTS, quiet PSETEX, MGET+DEL release (main, 2026-11-24);
 * hq = lock table (one hash, fields token+expiry) taken by HMGET+HSET in a script + EXISTS,
 *      quiet PSETEX, HMGET+HDEL release script;
 * hf = the same check, then one fenced write+release script (PSETEX only where the lock holds);
 * q = quiet PSETEX alone (overwrite mode); set = the pipe's SET EX (with replies).
 */
public class Gen3 {
  static Map<String, String> S = new LinkedHashMap<>();
  static final String TIME = "local t = c('time') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) ";
  static {
    S.put("lockex", "local c = redis.call local K = KEYS local n = #K / 2 local tok = ARGV[1] local px = ARGV[2] local r = {} "
        + "for i = 1, n do if c('set', K[n + i], tok, 'NX', 'PX', px) then r[i] = 1 else r[i] = 0 end end "
        + "r[n + 1] = c('exists', unpack(K, 1, n)) return r");
    S.put("relm", "local K = KEYS local v = redis.call('mget', unpack(K)) local d = {} local tok = ARGV[1] "
        + "for i = 1, #K do if v[i] == tok then d[#d + 1] = K[i] end end if #d > 0 then redis.call('del', unpack(d)) end return #d");
    S.put("hcheck", "local c = redis.call local K = KEYS local h = K[1] local tok = ARGV[1] local px = tonumber(ARGV[2]) "
        + TIME + "local mine = tok .. ':' .. string.format('%d', now + px) local r = {} local s = {} "
        + "for a = 2, #K, 1000 do local b = math.min(#K, a + 999) local v = c('hmget', h, unpack(K, a, b)) "
        + "for i = a, b do local x = v[i - a + 1] "
        + "if not x or tonumber(string.sub(x, string.find(x, ':', 1, true) + 1)) <= now then r[i - 1] = 1 s[#s + 1] = K[i] s[#s + 1] = mine else r[i - 1] = 0 end end "
        + "end "
        + "for a = 1, #s, 1000 do c('hset', h, unpack(s, a, math.min(#s, a + 999))) end "
        + "if c('pttl', h) < px then c('pexpire', h, px) end "
        + "local n = 0 for a = 2, #K, 1000 do n = n + c('exists', unpack(K, a, math.min(#K, a + 999))) end "
        + "r[#K] = n return r");
    S.put("hcheckc", "local c = redis.call local K = KEYS local h = K[1] local tok = ARGV[1] local px = tonumber(ARGV[2]) "
        + TIME + "local mine = tok .. ':' .. string.format('%d', now + px) local r = {0} local s = {} "
        + "for a = 2, #K, 1000 do local b = math.min(#K, a + 999) local v = c('hmget', h, unpack(K, a, b)) "
        + "for i = a, b do local x = v[i - a + 1] "
        + "if not x or tonumber(string.sub(x, string.find(x, ':', 1, true) + 1)) <= now then s[#s + 1] = K[i] s[#s + 1] = mine else r[#r + 1] = i - 1 end end "
        + "end "
        + "for a = 1, #s, 1000 do c('hset', h, unpack(s, a, math.min(#s, a + 999))) end "
        + "if c('pttl', h) < px then c('pexpire', h, px) end "
        + "local n = 0 for a = 2, #K, 1000 do n = n + c('exists', unpack(K, a, math.min(#K, a + 999))) end "
        + "r[1] = n return r");
    S.put("hrel", "local c = redis.call local K = KEYS local h = K[1] local tok = ARGV[1] local tl = #tok local d = {} "
        + "for a = 2, #K, 1000 do local b = math.min(#K, a + 999) local v = c('hmget', h, unpack(K, a, b)) "
        + "for i = a, b do local x = v[i - a + 1] if x and string.sub(x, 1, tl) == tok then d[#d + 1] = K[i] end end end "
        + "for a = 1, #d, 1000 do c('hdel', h, unpack(d, a, math.min(#d, a + 999))) end return #d");
    S.put("hwrite", "local c = redis.call local K = KEYS local A = ARGV local h = K[1] local tok = A[1] local tl = #tok "
        + TIME + "local d = {} local lost = {} "
        + "for a = 2, #K, 1000 do local b = math.min(#K, a + 999) local v = c('hmget', h, unpack(K, a, b)) "
        + "for i = a, b do local x = v[i - a + 1] "
        + "if x and string.sub(x, 1, tl) == tok and tonumber(string.sub(x, tl + 2)) > now then "
        + "c('psetex', K[i], A[2 * i - 2], A[2 * i - 1]) d[#d + 1] = K[i] else lost[#lost + 1] = i - 1 end end end "
        + "for a = 1, #d, 1000 do c('hdel', h, unpack(d, a, math.min(#d, a + 999))) end return lost");
  }
  static void eval(String name, List<byte[]> keys, List<byte[]> argv) throws Exception {
    Gen.evalsha(S.get(name), keys, argv);
  }
  public static void main(String[] args) throws Exception {
    Gen.out = new BufferedOutputStream(new FileOutputStream(args[0]), 1 << 20);
    int n = Integer.parseInt(args[1]); int bs = Integer.parseInt(args[2]); String v = args[3];
    Random r = new Random(1);
    byte[] tok = Gen.b(v.startsWith("hqs") ? "DGp6Hnsf-3ueDi88Hg2aEQ" : "0c6a9a1e-7b1f-4f7b-9e0e-2f3c1e0d9a11");
    byte[] hash = Gen.b("preheat:lock:");
    List<Object[]> pending = new ArrayList<>();
    for (int s = 0; s < n; s += bs) {
      int e = Math.min(n, s + bs);
      List<byte[]> dk = new ArrayList<>(), lk = new ArrayList<>(), tv = new ArrayList<>();
      for (int i = s; i < e; i++) { dk.add(Gen.b("bench:" + i)); lk.add(Gen.b("preheat:lock:bench:" + i));
        tv.add(Gen.b(Long.toString(3600000 + r.nextInt(300000)))); tv.add(Gen.value(i, 100)); }
      List<byte[]> both = new ArrayList<>(dk); both.addAll(lk);
      List<byte[]> hk = new ArrayList<>(); hk.add(hash); hk.addAll(dk);
      List<byte[]> tokTv = new ArrayList<>(); tokTv.add(tok); tokTv.addAll(tv);
      if (Character.isDigit(v.charAt(v.length() - 1))) {
        int ahead = v.charAt(v.length() - 1) - '0';
        // checks sent 3 batches ahead (as the primer does): check batch i, then write and release batch i-3
        int back = s - 3 * bs;
        pending.add(new Object[] {dk, tv, both, hk, lk});
        if (v.startsWith("hx") || v.startsWith("hy")) eval("hcheckc", hk, List.of(tok, Gen.b("30000")));
        else if (v.startsWith("hq")) eval("hcheck", hk, List.of(tok, Gen.b("30000")));
        else eval("lockex", both, List.of(tok, Gen.b("30000")));
        boolean last = e == n;
        while (pending.size() > ahead || (last && !pending.isEmpty())) {
          Object[] o = pending.remove(0);
          @SuppressWarnings("unchecked") List<byte[]> odk = (List<byte[]>) o[0], otv = (List<byte[]>) o[1], ohk = (List<byte[]>) o[3], olk = (List<byte[]>) o[4];
          Gen.quiet(odk, otv);
          if (v.startsWith("hx")) { List<byte[]> a = new ArrayList<>(); a.add(Gen.b("CLIENT")); a.add(Gen.b("REPLY")); a.add(Gen.b("OFF")); Gen.cmd(a);
            a = new ArrayList<>(); a.add(Gen.b("HDEL")); a.addAll(ohk); Gen.cmd(a); Gen.cmd(List.of(Gen.b("CLIENT"), Gen.b("REPLY"), Gen.b("ON"))); }
          else if (v.startsWith("hq") || v.startsWith("hy")) eval("hrel", ohk, List.of(tok)); else eval("relm", olk, List.of(tok));
        }
        continue;
      }
      if (v.startsWith("bx")) {
        // claims as bits (BITFIELD, native): set in this epoch's bitmap, read last epoch's, EXISTS, in one MULTI
        List<byte[]> set1 = new ArrayList<>(List.of(Gen.b("BITFIELD"), Gen.b("preheat:claims:{e5}")));
        List<byte[]> get0 = new ArrayList<>(List.of(Gen.b("BITFIELD_RO"), Gen.b("preheat:claims:{e4}")));
        List<byte[]> clr = new ArrayList<>(List.of(Gen.b("BITFIELD"), Gen.b("preheat:claims:{e5}")));
        for (int i = s; i < e; i++) {
          byte[] pos = Gen.b(Integer.toString(r.nextInt(1 << 23)));
          set1.addAll(List.of(Gen.b("SET"), Gen.b("u1"), pos, Gen.b("1")));
          get0.addAll(List.of(Gen.b("GET"), Gen.b("u1"), pos));
          clr.addAll(List.of(Gen.b("SET"), Gen.b("u1"), pos, Gen.b("0")));
        }
        List<byte[]> ex = new ArrayList<>(); ex.add(Gen.b("EXISTS")); ex.addAll(dk);
        Gen.cmd(List.of(Gen.b("MULTI"))); Gen.cmd(set1); Gen.cmd(get0);
        Gen.cmd(List.of(Gen.b("PEXPIRE"), Gen.b("preheat:claims:{e5}"), Gen.b("90000"))); Gen.cmd(ex); Gen.cmd(List.of(Gen.b("EXEC")));
        Gen.quiet(dk, tv);
        Gen.cmd(List.of(Gen.b("CLIENT"), Gen.b("REPLY"), Gen.b("OFF"))); Gen.cmd(clr); Gen.cmd(List.of(Gen.b("CLIENT"), Gen.b("REPLY"), Gen.b("ON")));
        continue;
      }
      switch (v) {
        case "set" -> { for (int i = 0; i < dk.size(); i++) Gen.cmd(List.of(Gen.b("SET"), dk.get(i), tv.get(2 * i + 1), Gen.b("EX"), Gen.b("3600"))); }
        case "q" -> Gen.quiet(dk, tv);
        case "cur" -> { eval("lockex", both, List.of(tok, Gen.b("30000"))); Gen.quiet(dk, tv); eval("relm", lk, List.of(tok)); }
        case "hq" -> { eval("hcheck", hk, List.of(tok, Gen.b("30000"))); Gen.quiet(dk, tv); eval("hrel", hk, List.of(tok)); }
        case "hf" -> { eval("hcheck", hk, List.of(tok, Gen.b("30000"))); eval("hwrite", hk, tokTv); }
        case "hc" -> { eval("hcheck", hk, List.of(tok, Gen.b("30000"))); }
        default -> throw new IllegalArgumentException(v);
      }
    }
    Gen.out.close();
    for (String sc : S.values()) System.err.println("SCRIPT " + sc);
  }
}
