import java.io.*;
import java.nio.file.*;
import java.util.*;

/**
 * Gen5 OUT N BS VARIANT: the primer's claim check as it is (Scripts.CLAIM, read from the redis
 * module's source) against the same check without data keys followed by a plain EXISTS.
 * cur = CLAIM with the keys, then quiet writes (3 batches behind), DEL + ZREM; sx = the same with
 * the split check; curc / sxc = the checks and releases only, no writes; pipe = SET EX with replies.
 */
public class Gen5 {
  /** Scripts.CLAIM's text: its string literals concatenated (run.sh runs from this folder). */
  static String claimScript() throws IOException {
    String src = Files.readString(Path.of(System.getProperty("scripts",
        "../../redis/src/main/java/dev/preheat/redis/internal/Scripts.java")));
    int at = src.indexOf("public static final String CLAIM =");
    String body = src.substring(at, src.indexOf(";\n", at));
    StringBuilder sb = new StringBuilder();
    var m = java.util.regex.Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(body);
    while (m.find()) {
      sb.append(m.group(1).replace("\\\"", "\"").replace("\\\\", "\\"));
    }
    return sb.toString();
  }

  public static void main(String[] args) throws Exception {
    Gen.out = new BufferedOutputStream(new FileOutputStream(args[0]), 1 << 20);
    int n = Integer.parseInt(args[1]); int bs = Integer.parseInt(args[2]); String v = args[3];
    String claim = claimScript();
    // the claim script without data keys: the batch's size comes from its hashes
    String split = claim.replace("local n = #K - 2", "local n = #hs / 8");
    Random r = new Random(1);
    String tok = "DGp6Hnsf-3ueDi88Hg2aEQ";
    byte[] reg = Gen.b("preheat:lock:claimlists");
    List<Object[]> pending = new ArrayList<>();
    int seq = 0;
    for (int s = 0; s < n; s += bs) {
      int e = Math.min(n, s + bs);
      List<byte[]> dk = new ArrayList<>(), tv = new ArrayList<>();
      for (int i = s; i < e; i++) { dk.add(Gen.b("bench:" + i));
        tv.add(Gen.b(Long.toString(3600000 + r.nextInt(300000)))); tv.add(Gen.value(i, 100)); }
      byte[] set = Gen.b("preheat:lock:claims:" + tok + ":" + Integer.toString(seq++, 36));
      byte[] hs = new byte[8 * dk.size()]; r.nextBytes(hs);
      byte[] prefix = Gen.b("preheat:lock:claims:" + tok + ":");
      switch (v) {
        case "pipe" -> { for (int i = 0; i < dk.size(); i++) Gen.cmd(List.of(Gen.b("SET"), dk.get(i), tv.get(2 * i + 1), Gen.b("EX"), Gen.b("3600"))); continue; }
        case "ow" -> { Gen.quiet(dk, tv); continue; }
        case "cur", "curc" -> { List<byte[]> k = new ArrayList<>(); k.add(reg); k.add(set); k.addAll(dk);
          Gen.evalsha(claim, k, List.of(prefix, Gen.b("30000"), hs)); }
        case "sx", "sxc" -> { Gen.evalsha(split, List.of(reg, set), List.of(prefix, Gen.b("30000"), hs));
          List<byte[]> a = new ArrayList<>(); a.add(Gen.b("EXISTS")); a.addAll(dk); Gen.cmd(a); }
        default -> throw new IllegalArgumentException(v);
      }
      if (v.endsWith("c")) { Gen.cmd(List.of(Gen.b("DEL"), set)); Gen.cmd(List.of(Gen.b("ZREM"), reg, set)); continue; }
      pending.add(new Object[] {dk, tv, set});
      boolean last = e == n;
      while (pending.size() > 3 || (last && !pending.isEmpty())) {
        Object[] o = pending.remove(0);
        @SuppressWarnings("unchecked") List<byte[]> odk = (List<byte[]>) o[0], otv = (List<byte[]>) o[1];
        Gen.quiet(odk, otv);
        Gen.cmd(List.of(Gen.b("DEL"), (byte[]) o[2])); Gen.cmd(List.of(Gen.b("ZREM"), reg, (byte[]) o[2]));
      }
    }
    Gen.out.close();
    System.err.println("SCRIPT " + claim);
    System.err.println("SCRIPT " + split);
  }
}
