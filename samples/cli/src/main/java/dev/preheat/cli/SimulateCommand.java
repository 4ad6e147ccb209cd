package dev.preheat.cli;

import dev.preheat.cli.Main.UsageError;
import dev.preheat.hotset.Weight;
import dev.preheat.key.UrlCanonicalizer;
import dev.preheat.simulate.CostModel;
import dev.preheat.simulate.SimulationResult;
import dev.preheat.simulate.SimulationSettings;
import dev.preheat.simulate.Simulator;
import dev.preheat.simulate.TtlRule;
import dev.preheat.source.LogFormat;
import dev.preheat.source.LogReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code preheat simulate}: replays access logs through a simulated cache to show what warming a
 * hotset of each size would gain, next to an oracle, with the recommended size and the return on
 * investment.
 */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Replays access logs through a simulated LRU cache with TTLs: hit ratio without warming, "
          + "with warming the previous window's top N URLs at each window start, and with an "
          + "oracle (each window's own top N), for a sweep of N; recommended size and ROI.",
      "Exit codes: 0 done, 2 bad usage or unreadable input."
    })
final class SimulateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--log", arity = "1..*", paramLabel = "FILE", required = true,
      description = "Access log(s) to replay; several are read at once and merged by time (ties: "
          + "the file given first). .gz is read transparently. Repeatable.")
  List<Path> logs = new ArrayList<>();

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "combined",
      description = "combined (default), common, cloudfront, jsonl, or nginx:'<log_format>'. "
          + "counts has no timestamps and cannot be replayed.")
  String format;

  @Option(names = "--exclude-agent", paramLabel = "TOKEN",
      description = "Ignore log lines whose user agent contains TOKEN (replaces the default "
          + "crawler list; Preheat's own traffic is always ignored). Repeatable.")
  List<String> excludeAgents = new ArrayList<>();

  @Option(names = "--cache-key", paramLabel = "canonical|as-logged", defaultValue = "canonical",
      description = "canonical (default): URLs as Preheat warms them (tracking parameters "
          + "dropped, encoding normalized), like a cache that normalizes its keys; as-logged: the "
          + "exact request target, like a cache keyed on the raw URL.")
  String cacheKey;

  @Option(names = "--window", paramLabel = "DURATION", defaultValue = "24h",
      description = "Window length (default 24h); windows are aligned to multiples of it since "
          + "the epoch, and each is warmed with the previous one's hotset.")
  String window;

  @Option(names = "--reorder", paramLabel = "DURATION",
      description = "How far out of time order a log line may be and still be replayed in "
          + "order (default 10m, at most the window): a window is replayed once a line this far "
          + "past its end is read; its lines read later are counted as late and skipped.")
  @Nullable String reorder;

  @Option(names = "--sizes", paramLabel = "N,N,...", split = ",",
      description = "Hotset sizes to sweep (default 10,30,100,...,100000, cut after the largest "
          + "window's distinct URLs).")
  List<Integer> sizes = new ArrayList<>();

  @Option(names = "--cache-size", paramLabel = "N",
      description = "LRU capacity in entries (default unlimited).")
  @Nullable Long cacheSize;

  @Option(names = "--cache-bytes", paramLabel = "SIZE",
      description = "LRU capacity in bytes, e.g. 1g (default unlimited); a copy weighs the "
          + "largest body logged for its URL in the window it is stored in and the one before.")
  @Nullable String cacheBytes;

  @Option(names = "--ttl", paramLabel = "DURATION",
      description = "max-age of URLs without a rule or known max-age (default: fresh forever); "
          + "0s: not cached.")
  @Nullable String ttl;

  @Option(names = "--ttl-rule", paramLabel = "REGEX=DURATION",
      description = "max-age of URLs matching REGEX (searched in the URL), first match wins, "
          + "e.g. '\\.css$=7d'. Repeatable.")
  List<String> ttlRules = new ArrayList<>();

  @Option(names = "--max-ages", paramLabel = "FILE",
      description = "Known max-ages per URL: lines 'URL SECONDS' (or URL,SECONDS; # comments); "
          + "they win over rules and --ttl.")
  @Nullable Path maxAges;

  @Option(names = "--keep-cache",
      description = "Keep the cache across windows instead of purging it at each window start "
          + "(a deploy or purge per window is the default).")
  boolean keepCache;

  @Option(names = "--weight", paramLabel = "requests|bytes", defaultValue = "requests",
      description = "Rank hotset URLs by request count (default) or bytes.")
  String weight;

  @Option(names = "--min-gain", paramLabel = "MISSES",
      description = "Recommend the largest size up to which each extra warm request avoided at "
          + "least this many misses (default " + SimulationSettings.DEFAULT_MIN_GAIN + ").")
  @Nullable Double minGain;

  @Option(names = "--egress-per-gb", paramLabel = "PRICE",
      description = "Price of 1 GB (2^30 bytes) of origin egress or warm transfer (default "
          + CostModel.DEFAULT_EGRESS_PER_GB + ").")
  @Nullable Double egressPerGb;

  @Option(names = "--per-request", paramLabel = "PRICE",
      description = "Price of processing one request, a miss or a warm request (default "
          + "0.0000004).")
  @Nullable Double perRequest;

  @Option(names = "--origin-ms-per-miss", paramLabel = "MS",
      description = "Origin CPU milliseconds one miss costs (default 20).")
  @Nullable Double originMsPerMiss;

  @Option(names = "--origin-cpu-per-hour", paramLabel = "PRICE",
      description = "Price of one origin CPU hour (default " + CostModel.DEFAULT_ORIGIN_CPU_PER_HOUR
          + ").")
  @Nullable Double originCpuPerHour;

  @Option(names = "--output", paramLabel = "text|json", defaultValue = "text",
      description = "text (table and summary) or json (schema docs/schema/simulate.schema.json).")
  String output;

  @Option(names = "--html", paramLabel = "FILE",
      description = "Also write a self-contained HTML page (inline SVG charts, no scripts).")
  @Nullable Path html;

  @Option(names = "--workers", paramLabel = "N",
      description = "Threads replaying sizes in parallel (default: available processors).")
  @Nullable Integer workers;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (!output.equals("text") && !output.equals("json")) {
      throw new UsageError("--output must be text or json but was '" + output + "'");
    }
    for (Path log : logs) {
      HotsetOptions.requireReadable(log, "log");
    }
    LogFormat logFormat;
    try {
      logFormat = LogFormat.parse(format);
    } catch (IllegalArgumentException e) {
      throw new UsageError("--format: " + e.getMessage());
    }
    if (logFormat.toString().equals("counts")) {
      throw new UsageError("--format counts has no timestamps, so it cannot be replayed in time "
          + "order; give the access logs themselves");
    }
    SimulationSettings settings = settings();
    LogReader.Builder reader = LogReader.builder().format(logFormat);
    switch (cacheKey) {
      case "canonical" -> reader.canonicalizer(UrlCanonicalizer.defaults());
      // The identity: every distinct request target is its own cache key.
      case "as-logged" -> reader.canonicalizer(target -> target);
      default -> throw new UsageError(
          "--cache-key must be canonical or as-logged but was '" + cacheKey + "'");
    }
    if (!excludeAgents.isEmpty()) {
      reader.excludeUserAgents(excludeAgents);
    }
    long started = System.nanoTime();
    SimulationResult result;
    try {
      result = Simulator.of(settings).simulate(reader.build(), logs);
    } catch (IOException | UncheckedIOException e) {
      throw new UsageError(e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new UsageError(e.getMessage());
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
    SimulateReport report = new SimulateReport(result, describe(), Main.version(), elapsed);
    if (html != null) {
      try (Writer w = Files.newBufferedWriter(html, StandardCharsets.UTF_8)) {
        report.writeHtml(w);
      } catch (IOException e) {
        throw new UsageError("cannot write --html " + html + ": " + e.getMessage());
      }
    }
    if (output.equals("json")) {
      report.writeJson(out);
    } else {
      report.writeText(out);
      if (html != null) {
        out.println("  html             " + html);
      }
    }
    out.flush();
    return Main.OK;
  }

  private SimulationSettings settings() {
    SimulationSettings.Builder b = SimulationSettings.builder();
    b.window(parse(() -> Units.duration(window), "--window"));
    if (!sizes.isEmpty()) {
      parse(() -> b.sizes(sizes.stream().mapToInt(Integer::intValue).toArray()), "--sizes");
    }
    if (cacheSize != null && cacheBytes != null) {
      throw new UsageError("give --cache-size N or --cache-bytes SIZE, not both");
    }
    if (cacheSize != null) {
      parse(() -> b.maxEntries(cacheSize), "--cache-size");
    }
    if (cacheBytes != null) {
      parse(() -> b.maxBytes(Units.bytes(cacheBytes)), "--cache-bytes");
    }
    if (ttl != null) {
      b.defaultTtl(maxAge(ttl, "--ttl"));
    }
    List<TtlRule> rules = new ArrayList<>();
    for (String rule : ttlRules) {
      int eq = rule.lastIndexOf('=');
      if (eq <= 0) {
        throw new UsageError("--ttl-rule '" + rule + "' must look like REGEX=DURATION, e.g. "
            + "'\\.css$=7d'");
      }
      Duration age = maxAge(rule.substring(eq + 1), "--ttl-rule '" + rule + "'");
      rules.add(parse(() -> TtlRule.of(rule.substring(0, eq), age), "--ttl-rule"));
    }
    if (!rules.isEmpty()) {
      b.ttlRules(rules);
    }
    if (maxAges != null) {
      b.maxAges(readMaxAges(maxAges));
    }
    b.purgeEachWindow(!keepCache);
    b.weight(switch (weight.toLowerCase(Locale.ROOT)) {
      case "requests" -> Weight.REQUESTS;
      case "bytes" -> Weight.BYTES;
      default -> throw new UsageError("--weight must be requests or bytes but was '" + weight + "'");
    });
    if (minGain != null) {
      parse(() -> b.minGain(minGain), "--min-gain");
    }
    CostModel d = CostModel.defaults();
    b.costs(parse(() -> new CostModel(
        egressPerGb == null ? d.egressPerGb() : egressPerGb,
        perRequest == null ? d.perRequest() : perRequest,
        originMsPerMiss == null ? d.originMsPerMiss() : originMsPerMiss,
        originCpuPerHour == null ? d.originCpuPerHour() : originCpuPerHour), "costs"));
    if (workers != null) {
      parse(() -> b.workers(workers), "--workers");
    }
    if (reorder != null) {
      parse(() -> b.reorder(parse(() -> Units.duration(reorder), "--reorder")), "--reorder");
    }
    return parse(b::build, reorder != null ? "--reorder" : "settings");
  }

  /** A max-age: a duration ({@code 90s}, {@code 1h}), plain seconds, or 0 (not cached). */
  private static Duration maxAge(String text, String option) {
    String t = text.trim();
    if (t.matches("\\d{1,12}")) {
      return Duration.ofSeconds(Long.parseLong(t));
    }
    if (t.matches("0+(ms|s|m|h|d)")) {
      return Duration.ZERO;
    }
    return parse(() -> Units.duration(t), option);
  }

  private static Map<String, Duration> readMaxAges(Path file) {
    HotsetOptions.requireReadable(file, "--max-ages");
    UrlCanonicalizer canonicalizer = UrlCanonicalizer.defaults();
    Map<String, Duration> ages = new LinkedHashMap<>();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        String t = line.strip();
        if (t.isEmpty() || t.startsWith("#")) {
          continue;
        }
        String[] parts = t.split("[\\s,]+");
        String where = "--max-ages " + file + ":" + n;
        if (parts.length != 2) {
          throw new UsageError(where + ": expected 'URL SECONDS' but got '" + t + "'");
        }
        try {
          ages.put(canonicalizer.canonicalize(parts[0]), maxAge(parts[1], where));
        } catch (IllegalArgumentException e) {
          throw new UsageError(where + ": " + e.getMessage());
        }
      }
    } catch (IOException e) {
      throw new UsageError("cannot read --max-ages " + file + ": " + e.getMessage());
    }
    return ages;
  }

  private List<String> describe() {
    List<String> d = new ArrayList<>();
    d.add("format " + format);
    d.add("window " + window);
    if (reorder != null) {
      d.add("reorder " + reorder);
    }
    d.add("cache key " + cacheKey);
    d.add("cache " + (cacheSize != null ? cacheSize + " entries"
        : cacheBytes != null ? cacheBytes + " bytes" : "unlimited"));
    d.add("ttl " + (ttl == null ? "unlimited" : ttl));
    for (String r : ttlRules) {
      d.add("ttl rule " + r);
    }
    if (maxAges != null) {
      d.add("max-ages " + maxAges);
    }
    d.add(keepCache ? "cache kept across windows" : "cache purged at each window start");
    d.add("weight " + weight.toLowerCase(Locale.ROOT));
    return d;
  }

  private static <T> T parse(java.util.function.Supplier<T> parser, String option) {
    try {
      return parser.get();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new UsageError(option + ": " + e.getMessage());
    }
  }
}
