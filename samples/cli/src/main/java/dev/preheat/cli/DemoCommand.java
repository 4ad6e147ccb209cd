package dev.preheat.cli;

import dev.preheat.cli.Main.UsageError;
import dev.preheat.cli.demo.DemoCache;
import dev.preheat.cli.demo.DemoClock;
import dev.preheat.cli.demo.DemoOrigin;
import dev.preheat.source.LogFormat;
import dev.preheat.source.LogReader;
import dev.preheat.source.TrafficRecord;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code preheat demo}: the real warm path against a demo target started in-process, so it needs
 * no external service. It starts an embedded origin serving the sample site's paths and an
 * embedded caching proxy in front of it (both on free loopback ports), then runs {@code preheat
 * warm} twice with the hotset of the sample log: a cold run that fills the cache, and, after the
 * demo clock has moved past the cached copies' max-age, a second run whose conditional requests
 * are revalidated (304).
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Warms a DEMO target started in this process (an embedded origin behind an embedded "
          + "caching proxy, on loopback ports) with the hotset of the sample log, twice: cold, "
          + "then revalidating with 304s. Needs no external service.",
      "Exit codes as for warm: 0 done, 2 bad usage, 3 SLO or verification missed, 4 aborted."
    })
final class DemoCommand implements Callable<Integer> {

  /** The sample log, relative to the repository root. */
  static final Path DEFAULT_LOG = Path.of("samples", "data", "access.log.gz");

  /** The demo site's name; requests are pinned to the proxy with {@code --connect-to}. */
  static final String DEMO_HOST = "www.preheat-demo.test";

  @Spec CommandSpec spec;

  @ParentCommand Main main;

  @Option(names = "--log", paramLabel = "FILE",
      description = "The access log whose paths the demo origin serves and whose hotset is "
          + "warmed (default samples/data/access.log.gz, from the repository root).")
  Path log = DEFAULT_LOG;

  @Option(names = "--report", paramLabel = "text|json", defaultValue = "text",
      description = "Report format of both runs.")
  String report;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!Files.isRegularFile(log)) {
      throw new UsageError("the demo reads the bundled sample log " + log + ", which is not "
          + "there: run it from the repository root or pass --log FILE");
    }
    Map<String, Long> sizes = sizes(log);
    DemoClock clock = new DemoClock(Clock.systemUTC());
    Path work = Files.createTempDirectory("preheat-demo");
    Path validators = work.resolve("validators.json");
    try (DemoOrigin origin = DemoOrigin.start(sizes, clock.instant().minus(Duration.ofDays(1)));
        DemoCache cache = DemoCache.start(origin.baseUrl(), clock)) {
      InetSocketAddress proxy = cache.address();
      String pin = proxy.getAddress().getHostAddress() + ":" + proxy.getPort();
      out.println("=== DEMO TARGET (embedded in this process, not a real site) ===");
      out.println("  origin  " + origin.baseUrl() + "  (" + origin.paths() + " paths from "
          + log.getFileName() + ", bodies sized as logged, ETag/Last-Modified, max-age="
          + DemoOrigin.MAX_AGE_SECONDS + ", feeds no-store, gzip + Vary: Accept-Encoding)");
      out.println("  cache   http://" + pin + "  (caching proxy, RFC 9211 Cache-Status, keyed on "
          + "URL + Vary'd headers)");
      out.println("  site    http://" + DEMO_HOST + "  pinned to the cache with --connect-to "
          + pin);
      out.println();
      List<String> args = new ArrayList<>(List.of("warm", "--log", log.toString(),
          "--base-url", "http://" + DEMO_HOST, "--connect-to", pin,
          "--validators", validators.toString(),
          "--checkpoint", work.resolve("checkpoints.jsonl").toString(),
          "--rate", "500/s", "--concurrency", "8",
          "--verify-sample", "1", "--report", report));

      out.println("=== Run 1: cold cache ===");
      out.println("$ preheat " + String.join(" ", args));
      out.flush();
      int first = Main.run(args.toArray(String[]::new), main.stdin(), out, err);
      out.println("  demo origin: " + origin.fullResponses() + " full responses, "
          + origin.notModifiedResponses() + " not modified; demo cache: " + cache.size()
          + " stored, " + cache.hits() + " hits");
      out.println();

      clock.advance(Duration.ofSeconds(DemoOrigin.MAX_AGE_SECONDS + 1L));
      long fullBefore = origin.fullResponses();
      long notModifiedBefore = origin.notModifiedResponses();
      out.println("=== Run 2: " + (DemoOrigin.MAX_AGE_SECONDS / 60) + " minutes later (demo "
          + "clock advanced; cached copies are stale), same command ===");
      out.flush();
      int second = Main.run(args.toArray(String[]::new), main.stdin(), out, err);
      out.println("  demo origin: " + (origin.fullResponses() - fullBefore) + " full responses, "
          + (origin.notModifiedResponses() - notModifiedBefore) + " not modified in run 2; "
          + "demo cache: " + cache.revalidations() + " revalidated with the origin");
      out.flush();
      return first != Main.OK ? first : second;
    } finally {
      deleteTree(work);
    }
  }

  /** Path to the largest body the log recorded for it, for GETs answered 200. */
  private static Map<String, Long> sizes(Path log) {
    Map<String, Long> sizes = new ConcurrentHashMap<>();
    try {
      LogReader.builder().format(LogFormat.combined()).build().read(List.of(log), (TrafficRecord r) -> {
        if (r.url().startsWith("/") && (r.status() == 200 || r.status() == 304)) {
          sizes.merge(r.url(), r.bytes() / r.count(), Math::max);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      throw new UsageError("cannot read " + log + ": " + e.getMessage());
    }
    return sizes;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
