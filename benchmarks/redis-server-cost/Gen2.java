import java.io.*;
import java.nio.charset.StandardCharsets;
import java.util.*;

/** Gen2 OUT N B VARIANT : sequences of EVALSHA per batch; prints scripts to stderr (one per line, "SCRIPT ..."). */
public class Gen2 {
  // cmd, b, value and the output stream are Gen's (compiled together by run.sh).
  static Map<String, String> S = new LinkedHashMap<>();
  static {
    S.put("setg", "for i = 1, #KEYS do redis.call('set', KEYS[i], ARGV[2 * i], 'PX', ARGV[2 * i - 1]) end return #KEYS");
    S.put("psetex", "local c = redis.call local K = KEYS local A = ARGV for i = 1, #K do c('psetex', K[i], A[2 * i - 1], A[2 * i]) end return #K");
    S.put("psetexlcg", "local c = redis.call local K = KEYS local A = ARGV local base = tonumber(A[1]) local j = tonumber(A[2]) + 1 local x = tonumber(A[3]) "
        + "for i = 1, #K do x = (x * 16807) % 2147483647 c('psetex', K[i], base + x % j, A[i + 3]) end return #K");
    S.put("pttlg", "local r = {} for i = 1, #KEYS do r[i] = redis.call('pttl', KEYS[i]) end return r");
    S.put("pttl", "local c = redis.call local K = KEYS local r = {} for i = 1, #K do r[i] = c('pttl', K[i]) end return r");
    S.put("lockpttlg", "local nl = tonumber(ARGV[3]) local r = {} for i = 1, nl do if redis.call('set', KEYS[i], ARGV[1], 'NX', 'PX', ARGV[2]) then r[i] = 1 else r[i] = 0 end end for i = nl + 1, #KEYS do r[i] = redis.call('pttl', KEYS[i]) end return r");
    S.put("releaseg", "local c = 0 for i = 1, #KEYS do if redis.call('get', KEYS[i]) == ARGV[1] then redis.call('del', KEYS[i]) c = c + 1 end end return c");
    // check: first half KEYS data keys, second half lock keys; pttl first, lock only if not fresh
    S.put("check2", "local c = redis.call local K = KEYS local n = #K / 2 local tok = ARGV[1] local px = ARGV[2] local fresh = tonumber(ARGV[3]) local r = {} "
        + "for i = 1, n do local t = c('pttl', K[i]) if t == -1 or t >= fresh then r[i] = t elseif c('set', K[n + i], tok, 'NX', 'PX', px) then r[i] = -3 - t else r[i] = -9 end end return r");
    // write+release: first half data keys, second half lock keys; ARGV[1] token then ttl,value pairs
    S.put("writerel", "local c = redis.call local K = KEYS local A = ARGV local n = #K / 2 local tok = A[1] "
        + "for i = 1, n do c('psetex', K[i], A[2 * i], A[2 * i + 1]) local v = c('getdel', K[n + i]) if v and v ~= tok then c('set', K[n + i], v, 'PX', 30000) end end return n");
    S.put("writerelgd", "local c = redis.call local K = KEYS local A = ARGV local n = #K / 2 local tok = A[1] "
        + "for i = 1, n do c('psetex', K[i], A[2 * i], A[2 * i + 1]) if c('get', K[n + i]) == tok then c('del', K[n + i]) end end return n");
    S.put("lockex", "local c = redis.call local K = KEYS local n = #K / 2 local tok = ARGV[1] local px = ARGV[2] local r = {} "
        + "for i = 1, n do if c('set', K[n + i], tok, 'NX', 'PX', px) then r[i] = 1 else r[i] = 0 end end "
        + "r[n + 1] = c('exists', unpack(K, 1, n)) return r");
    S.put("relm", "local K = KEYS local v = redis.call('mget', unpack(K)) local d = {} local tok = ARGV[1] "
        + "for i = 1, #K do if v[i] == tok then d[#d + 1] = K[i] end end if #d > 0 then redis.call('del', unpack(d)) end return #d");
    S.put("setlocal", "local c = redis.call local K = KEYS local A = ARGV for i = 1, #K do c('set', K[i], A[2 * i], 'PX', A[2 * i - 1]) end return #K");
  }
  static void eval(String name, List<byte[]> keys, List<byte[]> argv) throws Exception {
    Gen.evalsha(S.get(name), keys, argv);
  }
  public static void main(String[] args) throws Exception {
    Gen.out = new BufferedOutputStream(new FileOutputStream(args[0]), 1 << 20);
    int n = Integer.parseInt(args[1]); int bs = Integer.parseInt(args[2]); String v = args[3];
    Random r = new Random(1);
    byte[] tok = Gen.b("0c6a9a1e-7b1f-4f7b-9e0e-2f3c1e0d9a11");
    for (int s = 0; s < n; s += bs) {
      int e = Math.min(n, s + bs);
      List<byte[]> dk = new ArrayList<>(), lk = new ArrayList<>(), tv = new ArrayList<>(), vals = new ArrayList<>();
      for (int i = s; i < e; i++) { dk.add(Gen.b("bench:" + i)); lk.add(Gen.b("preheat:lock:bench:" + i));
        tv.add(Gen.b(Long.toString(3600000 + r.nextInt(300000)))); tv.add(Gen.value(i, 100)); vals.add(Gen.value(i, 100)); }
      List<byte[]> both = new ArrayList<>(dk); both.addAll(lk);
      List<byte[]> lockArgs = List.of(tok, Gen.b("30000"), Gen.b(Integer.toString(e - s)));
      List<byte[]> tokTv = new ArrayList<>(); tokTv.add(tok); tokTv.addAll(tv);
      switch (v) {
        case "ow-cur" -> eval("setg", dk, tv);
        case "ow-psetex" -> eval("psetex", dk, tv);
        case "ow-lcg" -> { List<byte[]> a = new ArrayList<>(List.of(Gen.b("3600000"), Gen.b("300000"), Gen.b(Integer.toString(1 + r.nextInt(2000000000)))));
          a.addAll(vals); eval("psetexlcg", dk, a); }
        case "nl-cur" -> { eval("pttlg", dk, List.of()); eval("setg", dk, tv); }
        case "nl-local" -> { eval("pttl", dk, List.of()); eval("psetex", dk, tv); }
        case "lk-cur" -> { List<byte[]> ks = new ArrayList<>(lk); ks.addAll(dk); eval("lockpttlg", ks, lockArgs); eval("setg", dk, tv); eval("releaseg", lk, List.of(tok)); }
        case "lk-getdel" -> { eval("check2", both, List.of(tok, Gen.b("30000"), Gen.b("1800000"))); eval("writerel", both, tokTv); }
        case "lk-getdel2" -> { eval("check2", both, List.of(tok, Gen.b("30000"), Gen.b("1800000"))); eval("writerelgd", both, tokTv); }
        case "nl-exists" -> { List<byte[]> a = new ArrayList<>(); a.add(Gen.b("EXISTS")); a.addAll(dk); Gen.cmd(a); eval("psetex", dk, tv); }
        case "lk-new" -> { eval("lockex", both, List.of(tok, Gen.b("30000"))); eval("psetex", dk, tv); eval("relm", lk, List.of(tok)); }
        case "ow-setlocal" -> eval("setlocal", dk, tv);
        default -> throw new IllegalArgumentException(v);
      }
    }
    Gen.out.close();
    for (String sc : S.values()) System.err.println("SCRIPT " + sc);
  }
}
