package dev.preheat.benchmarks;

import com.sun.management.OperatingSystemMXBean;
import dev.preheat.hotset.Hotset;
import dev.preheat.hotset.HotsetEntry;
import dev.preheat.hotset.HotsetSelector;
import dev.preheat.key.UrlCanonicalizer;
import dev.preheat.source.LogFormat;
import dev.preheat.source.LogReader;
import dev.preheat.source.ReadStats;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;

/**
 * Wall and process CPU time per phase of {@code preheat hotset --top N --output urls}, the way
 * the CLI runs it: read+count (log reader feeding the tally's sinks), select, and output (to a
 * discarding writer). The first round is the cold run a CLI user sees; later rounds show the
 * steady state after JIT compilation.
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar dev.preheat.benchmarks.HotsetPhases /tmp/access-2m.log 1000 3
 * }</pre>
 */
public final class HotsetPhases {

  private HotsetPhases() {}

  /** Arguments: log file, top (default 1000), rounds (default 1). */
  public static void main(String[] args) throws IOException {
    Path log = Path.of(args[0]);
    int top = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    System.out.printf("startup (JVM to main): %d ms uptime, cpu %d ms%n",
        ManagementFactory.getRuntimeMXBean().getUptime(), os.getProcessCpuTime() / 1_000_000);
    for (int r = 1; r <= rounds; r++) {
      long w0 = System.nanoTime();
      long c0 = os.getProcessCpuTime();
      LogReader reader = LogReader.builder().format(LogFormat.parse("combined"))
          .canonicalizer(UrlCanonicalizer.defaults()).build();
      HotsetSelector.Tally tally = HotsetSelector.builder().top(top).build().newTally();
      ReadStats stats = reader.read(List.of(log), tally::newSink);
      long w1 = System.nanoTime();
      long c1 = os.getProcessCpuTime();
      Hotset hotset = tally.select(List.of());
      long w2 = System.nanoTime();
      long c2 = os.getProcessCpuTime();
      PrintWriter out = new PrintWriter(OutputStream.nullOutputStream());
      for (HotsetEntry e : hotset.entries()) {
        out.println(e.url());
      }
      out.flush();
      long w3 = System.nanoTime();
      long c3 = os.getProcessCpuTime();
      System.out.printf("round %d: read+count %d ms (cpu %d), select %d ms (cpu %d), output %d ms"
              + " (cpu %d); %d lines, %d distinct, %d entries%n", r,
          (w1 - w0) / 1_000_000, (c1 - c0) / 1_000_000, (w2 - w1) / 1_000_000,
          (c2 - c1) / 1_000_000, (w3 - w2) / 1_000_000, (c3 - c2) / 1_000_000,
          stats.lines(), hotset.distinctUrls(), hotset.entries().size());
    }
    printThreadCpu();
  }

  /** CPU seconds per JVM thread group (compiler, GC, workers), from /proc on Linux. */
  private static void printThreadCpu() throws IOException {
    Path tasks = Path.of("/proc/self/task");
    if (!java.nio.file.Files.isDirectory(tasks)) {
      return;
    }
    java.util.Map<String, Long> ticks = new java.util.TreeMap<>();
    try (var dirs = java.nio.file.Files.list(tasks)) {
      for (Path t : (Iterable<Path>) dirs::iterator) {
        String stat = java.nio.file.Files.readString(t.resolve("stat"));
        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
            .replaceAll("[0-9#]+$", "").trim();
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        ticks.merge(name, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
      }
    }
    // Finished threads (the log readers) are gone; their CPU is the rest of the process's.
    ticks.forEach((name, t) -> {
      if (t > 0) {
        System.out.printf("  thread %-20s %5d ms%n", name, t * 10);
      }
    });
  }
}
