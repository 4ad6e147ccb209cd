package dev.preheat.benchmarks;

import dev.preheat.redis.KeyLoader;
import dev.preheat.redis.RedisEndpoint;
import dev.preheat.redis.RedisPrimer;
import dev.preheat.redis.RedisReport;
import dev.preheat.redis.ValueSerializer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Primes N keys with V-byte values into a Redis server and prints keys/s, for {@code
 * benchmarks/redis-prime-vs-pipe.sh}. Keys are {@code bench:0..N-1}, values V bytes of 'x' with
 * the key's number at the start (the same data the script feeds to {@code redis-cli --pipe}).
 *
 * <pre>
 * java -cp benchmarks.jar dev.preheat.benchmarks.RedisPrimeBench URI N V MODE
 * java -cp benchmarks.jar dev.preheat.benchmarks.RedisPrimeBench FILE N V resp   (writes the
 *     RESP input of redis-cli --pipe)
 *   MODE: primer (defaults: lock and freshness check on), primer-nolock (one primer, no lock),
 *         primer-overwrite (no lock, no freshness check: the same commands as redis-cli --pipe),
 *         sync (one synchronous SET ... EX per key, the naive loop)
 * </pre>
 * Prints one line: {@code MODE keys=N seconds=S keys_per_s=R outcome=...}.
 */
public final class RedisPrimeBench {

  private RedisPrimeBench() {}

  static byte[] value(long i, int size) {
    byte[] v = new byte[size];
    Arrays.fill(v, (byte) 'x');
    byte[] n = Long.toString(i).getBytes();
    System.arraycopy(n, 0, v, 0, Math.min(n.length, size));
    return v;
  }

  /** Writes {@code SET bench:i <value> EX 3600} for every key in RESP, for redis-cli --pipe. */
  static void writeResp(java.nio.file.Path file, int n, int size) throws java.io.IOException {
    try (var out = new java.io.BufferedOutputStream(java.nio.file.Files.newOutputStream(file),
        1 << 20)) {
      for (int i = 0; i < n; i++) {
        byte[] k = ("bench:" + i).getBytes();
        out.write(("*5\r\n$3\r\nSET\r\n$" + k.length + "\r\n").getBytes());
        out.write(k);
        out.write(("\r\n$" + size + "\r\n").getBytes());
        out.write(value(i, size));
        out.write("\r\n$2\r\nEX\r\n$4\r\n3600\r\n".getBytes());
      }
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 4 && args[3].equals("resp")) {
      writeResp(java.nio.file.Path.of(args[0]), Integer.parseInt(args[1]),
          Integer.parseInt(args[2]));
      return;
    }
    if (args.length != 4) {
      System.err.println("usage: RedisPrimeBench URI N VALUE_BYTES primer|primer-nolock|sync");
      System.exit(2);
    }
    String uri = args[0];
    int n = Integer.parseInt(args[1]);
    int size = Integer.parseInt(args[2]);
    String mode = args[3];
    List<String> keys = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      keys.add("bench:" + i);
    }
    var os = (com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    long cpu0;
    long start;
    long[] firstLoad = {0};
    double seconds;
    String outcome;
    if (mode.equals("raw")) {
      RedisClient client = RedisClient.create(uri);
      try (StatefulRedisConnection<String, byte[]> c = client.connect(
          io.lettuce.core.codec.RedisCodec.of(io.lettuce.core.codec.StringCodec.UTF8,
              io.lettuce.core.codec.ByteArrayCodec.INSTANCE))) {
        c.setAutoFlushCommands(false);
        var async = c.async();
        cpu0 = os.getProcessCpuTime();
        start = System.nanoTime();
        List<io.lettuce.core.RedisFuture<String>> fs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          fs.add(async.psetex(keys.get(i), 3600_000L, value(i, size)));
          if (fs.size() == 1000) {
            c.flushCommands();
            fs.get(fs.size() - 1).get();
            fs.clear();
          }
        }
        c.flushCommands();
        if (!fs.isEmpty()) {
          fs.get(fs.size() - 1).get();
        }
        seconds = (System.nanoTime() - start) / 1e9;
      } finally {
        client.shutdown();
      }
      outcome = "written=" + n;
    } else if (mode.equals("sync")) {
      RedisClient client = RedisClient.create(uri);
      try (StatefulRedisConnection<String, byte[]> c = client.connect(
          io.lettuce.core.codec.RedisCodec.of(io.lettuce.core.codec.StringCodec.UTF8,
              io.lettuce.core.codec.ByteArrayCodec.INSTANCE))) {
        RedisCommands<String, byte[]> sync = c.sync();
        io.lettuce.core.SetArgs ex = io.lettuce.core.SetArgs.Builder.ex(3600);
        cpu0 = os.getProcessCpuTime();
        start = System.nanoTime();
        for (int i = 0; i < n; i++) {
          sync.set(keys.get(i), value(i, size), ex);
        }
        seconds = (System.nanoTime() - start) / 1e9;
      } finally {
        client.shutdown();
      }
      outcome = "written=" + n;
    } else {
      try (RedisEndpoint endpoint = RedisEndpoint.open(uri)) {
        var b = RedisPrimer.builder(endpoint, ValueSerializer.bytes())
            .ttl(Duration.ofHours(1)).jitter(Duration.ofMinutes(5));
        String batch = System.getenv("PRIMER_BATCH");
        if (batch != null && !batch.isEmpty()) {
          b.batchSize(Integer.parseInt(batch));
        }
        if (mode.equals("primer-nolock")) {
          b.noLock();
        } else if (mode.equals("primer-overwrite")) {
          b.noLock().overwriteFresh();
        } else if (!mode.equals("primer")) {
          throw new IllegalArgumentException("unknown mode " + mode);
        }
        RedisPrimer<byte[]> primer = b.build();
        // The values are built before the clock starts, as the pipe's RESP file is written before
        // it is timed; the loader only looks them up (LOADER=generate builds each when asked).
        boolean generate = "generate".equals(System.getenv("LOADER"));
        Map<String, byte[]> source = new HashMap<>(generate ? 16 : n * 2);
        if (!generate) {
          for (int i = 0; i < n; i++) {
            source.put(keys.get(i), value(i, size));
          }
        }
        KeyLoader<byte[]> loader = ks -> {
          if (firstLoad[0] == 0) {
            firstLoad[0] = System.nanoTime();
          }
          Map<String, byte[]> m = new HashMap<>(ks.size() * 2);
          for (String k : ks) {
            m.put(k, generate ? value(Long.parseLong(k.substring(6)), size) : source.get(k));
          }
          return m;
        };
        // WARM_RUNS=n: n untimed runs first (each followed by FLUSHALL), so the timed run is the
        // primer's speed in a JVM that has already primed once (classes loaded, code compiled,
        // the connection machinery up), e.g. a service re-priming after a purge.
        int warmRuns = Integer.parseInt(System.getenv().getOrDefault("WARM_RUNS", "0"));
        for (int w = 0; w < warmRuns; w++) {
          primer.prime(keys, loader);
          RedisClient admin = RedisClient.create(uri);
          try (StatefulRedisConnection<String, String> c = admin.connect()) {
            c.sync().flushall();
          } finally {
            admin.shutdown();
          }
        }
        firstLoad[0] = 0;
        cpu0 = os.getProcessCpuTime();
        start = System.nanoTime();
        RedisReport r = primer.prime(keys, loader);
        seconds = (System.nanoTime() - start) / 1e9;
        outcome = r.warm().totals().outcomes().entrySet().stream()
            .filter(e -> e.getValue() > 0)
            .map(e -> e.getKey().name().toLowerCase(Locale.ROOT) + ":" + e.getValue())
            .reduce((a, c) -> a + "," + c).orElse("none");
      }
    }
    double cpuUs = (os.getProcessCpuTime() - cpu0) / 1e3 / n;
    // first_load_ms: from the call to prime() to the loader's first call (the start-up part)
    System.out.printf(Locale.ROOT, "%s keys=%d seconds=%.3f keys_per_s=%.0f outcome=%s"
        + " client_cpu_us_per_key=%.2f first_load_ms=%.0f%n", mode, n, seconds, n / seconds,
        outcome, cpuUs, firstLoad[0] == 0 ? -1.0 : (firstLoad[0] - start) / 1e6);
  }
}
