package dev.preheat.cli;

import dev.preheat.cli.Main.UsageError;
import dev.preheat.hotset.BlendList;
import dev.preheat.http.HttpSitemapResolver;
import dev.preheat.internal.source.AggregateSink;
import dev.preheat.hotset.Hotset;
import dev.preheat.hotset.HotsetSelector;
import dev.preheat.hotset.Weight;
import dev.preheat.key.UrlCanonicalizer;
import dev.preheat.source.LogFormat;
import dev.preheat.source.LogReader;
import dev.preheat.source.ReadStats;
import dev.preheat.source.SitemapEntry;
import dev.preheat.source.SitemapReader;
import dev.preheat.source.SitemapResult;
import dev.preheat.source.SourceProblem;
import dev.preheat.source.TrafficSink;
import dev.preheat.source.UrlListReader;
import dev.preheat.source.UrlListResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;


/**
 * The hotset options shared by {@code preheat hotset} and {@code preheat warm --log}: which logs,
 * sitemaps and lists to read and how to select from them. A picocli mixin; {@link #mine} runs the
 * selection. Not thread-safe (one instance per command line).
 */
final class HotsetOptions {

  /** Coverage used when neither {@code --coverage} nor {@code --top} is given. */
  static final double DEFAULT_COVERAGE = 0.8;

  @Option(names = "--log", arity = "1..*", paramLabel = "FILE",
      description = "Access log(s) to read; .gz is read transparently. Repeatable.")
  List<Path> logs = new ArrayList<>();

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "combined",
      description = "combined (default), common, cloudfront, jsonl, counts, or "
          + "nginx:'<log_format string>'.")
  String format;

  @Option(names = "--coverage", paramLabel = "SHARE",
      description = "Select the smallest set covering this share of demand (0 < SHARE <= 1). "
          + "Default 0.8 when --top is not given.")
  @Nullable Double coverage;

  @Option(names = "--top", paramLabel = "N", description = "Select at most the N hottest URLs.")
  @Nullable Integer top;

  @Option(names = "--max", paramLabel = "N",
      description = "Hard cap on the hotset size, lists included (default "
          + HotsetSelector.DEFAULT_MAX + ").")
  @Nullable Integer max;

  @Option(names = "--window", paramLabel = "DURATION",
      description = "Count only the last DURATION of traffic (e.g. 24h), ending at the logs' "
          + "latest timestamp or --until.")
  @Nullable String window;

  @Option(names = "--until", paramLabel = "INSTANT",
      description = "End of the window (ISO-8601, e.g. 2026-11-01T00:00:00Z) instead of the "
          + "logs' latest timestamp.")
  @Nullable String until;

  @Option(names = "--sustain", paramLabel = "K/N",
      description = "Keep only URLs in the top set of at least K of the last N windows "
          + "(damps bursts). Needs --window.")
  @Nullable String sustain;

  @Option(names = "--max-new", paramLabel = "N",
      description = "At most N selected URLs may be new since the previous window. Needs --window.")
  @Nullable Integer maxNew;

  @Option(names = "--sitemap", paramLabel = "FILE|URL[;priority=P][;expires=DATE]",
      description = "Blend a sitemap or sitemap index (file, .gz ok, or http(s) URL: nested "
          + "sitemaps only from its host). priority > 0 goes ahead of "
          + "traffic; default after it. Repeatable.")
  List<String> sitemaps = new ArrayList<>();

  @Option(names = "--list", paramLabel = "FILE[;priority=P][;expires=DATE]",
      description = "Blend a URL list (one per line, # comments), e.g. a campaign list that "
          + "expires. Repeatable.")
  List<String> lists = new ArrayList<>();

  @Option(names = "--exclude", paramLabel = "REGEX",
      description = "Exclude URLs whose path matches REGEX (find semantics). Repeatable.")
  List<String> excludes = new ArrayList<>();

  @Option(names = "--exclude-agent", paramLabel = "TOKEN",
      description = "Ignore log lines whose user agent contains TOKEN (case-insensitive). "
          + "Replaces the default crawler list; Preheat's own traffic is always ignored.")
  List<String> excludeAgents = new ArrayList<>();

  @Option(names = "--weight", paramLabel = "requests|bytes", defaultValue = "requests",
      description = "Rank by request count (default) or by bytes served.")
  String weight;

  @Option(names = "--memory-budget", paramLabel = "SIZE",
      description = "Memory for exact counting before switching to a bounded heavy-hitters "
          + "sketch (default 64m, about 300k distinct URLs).")
  @Nullable String memoryBudget;

  @Option(names = "--workers", paramLabel = "N",
      description = "Threads reading plain log files (default: available processors).")
  @Nullable Integer workers;

  /**
   * A mined hotset with what was read to get it.
   *
   * @param hotset the selection
   * @param stats what the log reader read
   * @param problems the first problems found in sitemaps and lists
   * @param problemCount how many problems sitemaps and lists had in total
   * @param settings the effective settings, for reports
   */
  record Mined(Hotset hotset, ReadStats stats, List<SourceProblem> problems, long problemCount,
      List<String> settings) {}

  /** Whether any input (log, sitemap or list) was given. */
  boolean hasInput() {
    return !logs.isEmpty() || !sitemaps.isEmpty() || !lists.isEmpty();
  }

  /**
   * Validates the options, reads the inputs and selects the hotset.
   *
   * @param baseUrl the command's {@code --base-url}: its host matches list URLs to log paths
   * @param clock the clock for expiring blend lists
   * @param err where progress goes when it is a terminal
   * @throws UsageError for bad options or unreadable input
   */
  Mined mine(@Nullable String baseUrl, Clock clock, PrintWriter err) {
    Request request = validate(baseUrl, clock);
    UrlCanonicalizer canonicalizer = UrlCanonicalizer.defaults();
    List<BlendList> blends = new ArrayList<>();
    List<SourceProblem> problems = new ArrayList<>();
    long[] problemCount = {0};
    for (BlendSpec s : request.sitemaps) {
      blends.add(readSitemap(s, canonicalizer, problems, problemCount));
    }
    for (BlendSpec s : request.lists) {
      blends.add(readList(s, canonicalizer, problems, problemCount));
    }

    ReadStats stats = ReadStats.empty();
    HotsetSelector.Builder selector = request.selector;
    Hotset hotset;
    if (logs.isEmpty()) {
      hotset = selector.build().select(List.of(), blends);
    } else {
      LogReader.Builder reader = LogReader.builder().format(request.format).canonicalizer(canonicalizer);
      if (!excludeAgents.isEmpty()) {
        reader.excludeUserAgents(excludeAgents);
      }
      if (workers != null) {
        reader.workers(workers);
      }
      LogReader logReader = reader.build();
      if (request.window != null) {
        Instant end = request.until != null ? request.until : latest(logReader);
        selector.window(request.window, end);
      }
      HotsetSelector.Tally tally = selector.build().newTally();
      Progress progress = Terminal.stderrIsTerminal() ? new Progress(err) : null;
      try {
        stats = progress == null
            ? logReader.read(logs, tally::newSink)
            : logReader.read(logs, () -> progress.wrap(tally.newSink()));
      } catch (IOException | UncheckedIOException e) {
        throw new UsageError(e.getMessage());
      } finally {
        if (progress != null) {
          progress.close();
        }
      }
      hotset = tally.select(blends);
      if (stats.lines() > 0 && stats.malformedLines() * 2 > stats.lines()) {
        // Most likely the wrong --format, not a broken log: say so instead of a silent empty set.
        err.printf(java.util.Locale.ROOT, "preheat: warning: %,d of %,d lines could not be read"
            + " as %s; is --format right? (combined, common, cloudfront, jsonl, counts,"
            + " nginx:'<log_format>')%n", stats.malformedLines(), stats.lines(), format);
        err.flush();
      }
    }
    return new Mined(hotset, stats, problems, problemCount[0], request.describe());
  }

  private Instant latest(LogReader reader) {
    try {
      return reader.latestTimestamp(logs).orElseThrow(() -> new UsageError(
          "--window needs timestamps, but no line in " + logs + " has one: give --until, or "
              + "drop --window for a format without time (counts)"));
    } catch (IOException e) {
      throw new UsageError(e.getMessage());
    }
  }

  private BlendList readSitemap(BlendSpec s, UrlCanonicalizer canonicalizer,
      List<SourceProblem> problems, long[] problemCount) {
    SitemapResult result;
    if (s.url() != null) {
      // Remote: nested sitemaps only from the same host (no fetching of arbitrary hosts).
      try (HttpSitemapResolver resolver = HttpSitemapResolver.builder(s.url()).build();
          java.io.InputStream in = resolver.openSitemap()) {
        result = SitemapReader.builder().canonicalizer(canonicalizer).resolver(resolver).build()
            .read(in, s.url().toString());
      } catch (IOException | IllegalArgumentException e) {
        throw new UsageError("cannot read sitemap " + s.url() + ": " + e.getMessage());
      }
    } else {
      try {
        result = SitemapReader.builder().canonicalizer(canonicalizer).build().read(s.file());
      } catch (IOException e) {
        throw new UsageError("cannot read sitemap " + s.file() + ": " + e.getMessage());
      }
    }
    keep(result.problems(), result.problemCount(), problems, problemCount);
    // Within a sitemap, its own priority then the freshest content first decide the order.
    List<SitemapEntry> entries = new ArrayList<>(result.entries());
    entries.sort(Comparator.comparingDouble(SitemapEntry::priority).reversed()
        .thenComparing(SitemapEntry::lastmod, Comparator.nullsLast(Comparator.reverseOrder())));
    List<String> urls = entries.stream().map(SitemapEntry::url).toList();
    return BlendList.of("sitemap:" + s.name(), urls, s.priority(), s.expires());
  }

  private BlendList readList(BlendSpec s, UrlCanonicalizer canonicalizer,
      List<SourceProblem> problems, long[] problemCount) {
    UrlListResult result;
    try {
      result = UrlListReader.builder().canonicalizer(canonicalizer).build().read(s.file());
    } catch (IOException e) {
      throw new UsageError("cannot read list " + s.file() + ": " + e.getMessage());
    }
    keep(result.problems(), result.problemCount(), problems, problemCount);
    return BlendList.of("list:" + s.name(), result.urls(), s.priority(), s.expires());
  }

  private static void keep(List<SourceProblem> found, long count, List<SourceProblem> problems,
      long[] problemCount) {
    problemCount[0] += count;
    for (SourceProblem p : found) {
      if (problems.size() < 5) {
        problems.add(p);
      }
    }
  }

  /** Everything the options mean, validated before any input is read. */
  private record Request(
      LogFormat format,
      HotsetSelector.Builder selector,
      @Nullable Duration window,
      @Nullable Instant until,
      List<BlendSpec> sitemaps,
      List<BlendSpec> lists,
      List<String> description) {

    List<String> describe() {
      return description;
    }
  }

  private Request validate(@Nullable String baseUrl, Clock clock) {
    if (logs.isEmpty() && sitemaps.isEmpty() && lists.isEmpty()) {
      throw new UsageError("nothing to read: give --log FILE (and/or --sitemap, --list)");
    }
    for (Path log : logs) {
      requireReadable(log, "log");
    }
    LogFormat logFormat;
    try {
      logFormat = LogFormat.parse(format);
    } catch (IllegalArgumentException e) {
      throw new UsageError("--format: " + e.getMessage());
    }
    List<String> description = new ArrayList<>();
    description.add("format " + format);
    HotsetSelector.Builder b = HotsetSelector.builder().clock(clock);
    try {
      Double share = coverage;
      if (share == null && top == null) {
        share = DEFAULT_COVERAGE;
      }
      if (share != null) {
        b.coverage(share);
        description.add("coverage " + share);
      }
      if (top != null) {
        b.top(top);
        description.add("top " + top);
      }
      if (max != null) {
        b.max(max);
        description.add("max " + max);
      }
      Weight w = switch (weight.toLowerCase(Locale.ROOT)) {
        case "requests" -> Weight.REQUESTS;
        case "bytes" -> Weight.BYTES;
        default -> throw new UsageError(
            "--weight must be requests or bytes but was '" + weight + "'");
      };
      b.weight(w);
      description.add("weight " + w.name().toLowerCase(Locale.ROOT));
      for (String regex : excludes) {
        try {
          Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
          throw new UsageError("--exclude '" + regex + "' is not a valid regular expression: "
              + e.getDescription());
        }
      }
      if (!excludes.isEmpty()) {
        b.excludePaths(excludes.toArray(String[]::new));
        description.add("exclude " + excludes);
      }
      if (memoryBudget != null) {
        b.memoryBudget(Units.bytes(memoryBudget));
        description.add("memory budget " + memoryBudget);
      }
      if (baseUrl != null) {
        URI base = parseBase(baseUrl);
        // Same-site matching is by host name; sameSiteHosts takes bare hosts, never host:port.
        b.sameSiteHosts(base.getHost());
      }
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new UsageError(e.getMessage());
    }
    Duration windowLength = null;
    Instant end = null;
    if (window != null) {
      windowLength = parse(() -> Units.duration(window), "--window");
      description.add("window " + window);
      if (until != null) {
        end = parseInstant(until, "--until");
      }
    } else if (until != null || sustain != null || maxNew != null) {
      throw new UsageError("--until, --sustain and --max-new need --window (e.g. --window 24h)");
    }
    if (logs.isEmpty() && window != null) {
      throw new UsageError("--window needs --log");
    }
    if (sustain != null) {
      int[] kn = parse(() -> Units.ratio(sustain), "--sustain");
      b.sustain(kn[0], kn[1]);
      description.add("sustain " + sustain);
    }
    if (maxNew != null) {
      parse(() -> b.maxNewEntries(maxNew), "--max-new");
      description.add("max new " + maxNew);
    }
    if (workers != null && workers < 1) {
      throw new UsageError("--workers must be >= 1 but was " + workers);
    }
    List<BlendSpec> sitemapSpecs = new ArrayList<>();
    for (String s : sitemaps) {
      sitemapSpecs.add(BlendSpec.parse(s, "--sitemap", true));
    }
    List<BlendSpec> listSpecs = new ArrayList<>();
    for (String s : lists) {
      listSpecs.add(BlendSpec.parse(s, "--list", false));
    }
    return new Request(logFormat, b, windowLength, end, sitemapSpecs, listSpecs, description);
  }

  private static URI parseBase(String text) {
    try {
      URI uri = new URI(text);
      if (uri.getHost() == null || uri.getScheme() == null
          || !(uri.getScheme().equalsIgnoreCase("http") || uri.getScheme().equalsIgnoreCase("https"))) {
        throw new UsageError("--base-url must be an absolute http(s) URL such as "
            + "https://www.example.com but was '" + text + "'");
      }
      return uri;
    } catch (java.net.URISyntaxException e) {
      throw new UsageError("--base-url '" + text + "' is not a URL: " + e.getReason());
    }
  }

  static void requireReadable(Path file, String what) {
    if (!Files.isRegularFile(file)) {
      throw new UsageError("cannot read " + what + " " + file + ": "
          + (Files.exists(file) ? "not a regular file" : "no such file"));
    }
    if (!Files.isReadable(file)) {
      throw new UsageError("cannot read " + what + " " + file + ": permission denied");
    }
  }

  private static <T> T parse(java.util.function.Supplier<T> parser, String option) {
    try {
      return parser.get();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new UsageError(option + ": " + e.getMessage());
    }
  }

  static Instant parseInstant(String text, String option) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      try {
        return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
      } catch (DateTimeParseException e2) {
        throw new UsageError(option + " '" + text + "' is not an ISO-8601 instant or date "
            + "(e.g. 2026-11-01T00:00:00Z or 2026-11-01)");
      }
    }
  }

  /**
   * {@code FILE[;priority=P][;expires=DATE]}; for sitemaps the location may also be an http(s)
   * URL ({@code url} set, {@code file} null).
   */
  record BlendSpec(@Nullable Path file, @Nullable URI url, int priority, @Nullable Instant expires) {

    /** The file or URL, for messages and provenance. */
    String name() {
      return url != null ? url.toString() : String.valueOf(file.getFileName());
    }

      static BlendSpec parse(String text, String option, boolean urlAllowed) {
      String[] parts = text.split(";");
      String location = parts[0].trim();
      Path file = null;
      URI url = null;
      if (urlAllowed && (location.startsWith("http://") || location.startsWith("https://"))) {
        try {
          url = new URI(location);
        } catch (java.net.URISyntaxException e) {
          throw new UsageError(option + " '" + location + "' is not a URL: " + e.getReason());
        }
      } else {
        file = Path.of(location);
        requireReadable(file, option.substring(2));
      }
      int priority = BlendList.DEFAULT_PRIORITY;
      Instant expires = null;
      Set<String> seen = new LinkedHashSet<>();
      for (int i = 1; i < parts.length; i++) {
        String[] kv = parts[i].split("=", 2);
        String key = kv[0].trim().toLowerCase(Locale.ROOT);
        if (kv.length != 2 || !seen.add(key)) {
          throw new UsageError(option + " '" + text + "': expected FILE[;priority=P][;expires=DATE]");
        }
        switch (key) {
          case "priority" -> {
            try {
              priority = Integer.parseInt(kv[1].trim());
            } catch (NumberFormatException e) {
              throw new UsageError(option + " '" + text + "': priority must be an integer");
            }
          }
          case "expires" -> expires = parseInstant(kv[1].trim(), option + " expires");
          default -> throw new UsageError(option + " '" + text + "': unknown setting '" + key
              + "', expected priority or expires");
        }
      }
      return new BlendSpec(file, url, priority, expires);
    }
  }

  /** Records/s on stderr while reading, for people watching a terminal. */
  static final class Progress implements AutoCloseable {
    private static final int PUBLISH_EVERY = 1 << 14;
    private final AtomicLong records = new AtomicLong();
    private final ProgressLine line;

    Progress(PrintWriter err) {
      this.line = new ProgressLine(err, "preheat-progress", seconds -> String.format(
          java.util.Locale.ROOT, "%,d records read, %,.0f records/s", records.get(),
          records.get() / Math.max(seconds, 1e-3)));
    }

    /**
     * Counts what {@code sink} receives. The tally's sinks let the log reader count lines per
     * target ({@link AggregateSink}); the wrapper keeps that fast path and counts admitted lines.
     */
    /** The records counted so far (published in steps of {@value #PUBLISH_EVERY}). */
    long records() {
      return records.get();
    }

    TrafficSink wrap(TrafficSink sink) {
      return sink instanceof AggregateSink
          ? new CountingAggregate((AggregateSink) sink) : new CountingRecords(sink);
    }

    /** Publishes the records counted by one sink every {@link #PUBLISH_EVERY}. */
    private abstract class Counter {
      private int pending;

      final void tick() {
        if (++pending == PUBLISH_EVERY) {
          records.addAndGet(pending);
          pending = 0;
        }
      }
    }

    private final class CountingRecords extends Counter implements TrafficSink {
      private final TrafficSink sink;

      CountingRecords(TrafficSink sink) {
        this.sink = sink;
      }

      @Override
      public void accept(dev.preheat.source.TrafficRecord record) {
        sink.accept(record);
        tick();
      }
    }

    private final class CountingAggregate extends Counter implements AggregateSink {
      private final AggregateSink sink;

      CountingAggregate(AggregateSink sink) {
        this.sink = sink;
      }

      @Override
      public void accept(dev.preheat.source.TrafficRecord record) {
        sink.accept(record);
        tick();
      }

      @Override
      public int windows() {
        return sink.windows();
      }

      @Override
      public boolean excluded(String url) {
        return sink.excluded(url);
      }

      @Override
      public int admit(String method, int status, long epochMillis, boolean excluded) {
        tick();
        return sink.admit(method, status, epochMillis, excluded);
      }

      @Override
      public void add(String url, int window, long requests, long bytes) {
        sink.add(url, window, requests, bytes);
      }

      @Override
      public void addAll(String[] urls, int[] windows, long[] requests, long[] bytes, int n) {
        sink.addAll(urls, windows, requests, bytes, n);
      }

      @Override
      public void expect(int urls, int sinks) {
        sink.expect(urls, sinks);
      }

      @Override
      public void disjoint() {
        sink.disjoint();
      }
    }

    @Override
    public void close() {
      line.close();
    }
  }

}
