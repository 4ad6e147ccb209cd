import java.io.*;
import java.nio.charset.StandardCharsets;
import java.util.*;

/** Gen OUT N B VARIANT : writes RESP for redis-cli --pipe. */
public class Gen {
  static OutputStream out;
  static void cmd(List<byte[]> a) throws IOException {
    out.write(("*" + a.size() + "\r\n").getBytes());
    for (byte[] b : a) { out.write(("$" + b.length + "\r\n").getBytes()); out.write(b); out.write("\r\n".getBytes()); }
  }
  static byte[] b(String s) { return s.getBytes(StandardCharsets.UTF_8); }
  static byte[] value(long i, int size) {
    byte[] v = new byte[size]; Arrays.fill(v, (byte) 'x');
    byte[] n = Long.toString(i).getBytes(); System.arraycopy(n, 0, v, 0, Math.min(n.length, size)); return v;
  }
  public static void main(String[] args) throws Exception {
    out = new BufferedOutputStream(new FileOutputStream(args[0]), 1 << 20);
    int n = Integer.parseInt(args[1]); int bs = Integer.parseInt(args[2]); String v = args[3];
    String script = switch (v) {
      case "evalset", "evalshaset" -> "for i = 1, #KEYS do redis.call('set', KEYS[i], ARGV[2 * i], 'PX', ARGV[2 * i - 1]) end return #KEYS";
      case "evalshapsetex" -> "for i = 1, #KEYS do redis.call('psetex', KEYS[i], ARGV[2 * i - 1], ARGV[2 * i]) end return #KEYS";
      case "evalshapsetexlocal" -> "local c = redis.call local K = KEYS local A = ARGV for i = 1, #K do c('psetex', K[i], A[2 * i - 1], A[2 * i]) end return #K";
      case "evalshanoop" -> "return #KEYS";
      default -> null;
    };
    Random r = new Random(1);
    for (int s = 0; s < n; s += bs) {
      int e = Math.min(n, s + bs);
      if (v.equals("set")) { for (int i = s; i < e; i++) cmd(List.of(b("SET"), b("bench:" + i), value(i, 100), b("EX"), b("3600"))); continue; }
      if (v.equals("psetex")) { for (int i = s; i < e; i++) cmd(List.of(b("PSETEX"), b("bench:" + i), b(Long.toString(3600000 + r.nextInt(300000))), value(i, 100))); continue; }
      List<byte[]> a = new ArrayList<>();
      a.add(b(v.startsWith("evalsha") ? "EVALSHA" : "EVAL"));
      a.add(b(v.startsWith("evalsha") ? sha1(script) : script));
      a.add(b(Integer.toString(e - s)));
      for (int i = s; i < e; i++) a.add(b("bench:" + i));
      for (int i = s; i < e; i++) { a.add(b(Long.toString(3600000 + r.nextInt(300000)))); a.add(value(i, 100)); }
      cmd(a);
    }
    out.close();
    if (script != null) System.err.println("SCRIPT " + script);
  }
  static String sha1(String s) throws Exception {
    return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1").digest(b(s)));
  }
  /** Appends {@code EVALSHA <sha1(script)> numkeys keys... argv...}. */
  static void evalsha(String script, List<byte[]> keys, List<byte[]> argv) throws Exception {
    List<byte[]> a = new java.util.ArrayList<>();
    a.add(b("EVALSHA")); a.add(b(sha1(script))); a.add(b(Integer.toString(keys.size())));
    a.addAll(keys); a.addAll(argv); cmd(a);
  }
  /** Appends the primer's quiet writes: PSETEX per key between CLIENT REPLY OFF and ON, then INFO. */
  static void quiet(List<byte[]> dk, List<byte[]> tv) throws Exception {
    cmd(List.of(b("CLIENT"), b("REPLY"), b("OFF")));
    for (int i = 0; i < dk.size(); i++) cmd(List.of(b("PSETEX"), dk.get(i), tv.get(2 * i), tv.get(2 * i + 1)));
    cmd(List.of(b("CLIENT"), b("REPLY"), b("ON")));
    cmd(List.of(b("INFO"), b("stats")));
  }
}
