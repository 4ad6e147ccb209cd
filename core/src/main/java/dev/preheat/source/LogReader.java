package dev.preheat.source;

import dev.preheat.internal.source.LogScanner;
import dev.preheat.internal.source.ScanResult;
import dev.preheat.internal.source.UserAgentFilter;
import dev.preheat.key.UrlCanonicalizer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Reads access logs into {@link TrafficRecord}s: method, canonical URL, status, bytes, time and
 * cache status. Client addresses, cookies and referers are never kept; the user agent is looked at
 * only by the exclusion filter, then dropped.
 *
 * <p>Plain files are split into chunks at line boundaries and parsed in parallel; gzip files
 * (recognized by their magic bytes, whatever their name) are streamed, one thread per file.
 * Memory stays bounded whatever the size of the logs. A malformed line never stops a run: it is
 * counted, and the first few are kept as {@link MalformedLine} samples in the {@link ReadStats}.
 * Lines longer than {@link Builder#maxLineLength(int)} are skipped without being buffered whole.
 *
 * <p>A reader is immutable and thread-safe; concurrent reads use separate workers.
 *
 * <pre>{@code
 * LogReader reader = LogReader.builder()
 *     .format(LogFormat.combined())
 *     .canonicalizer(canonicalizer)
 *     .build();
 * ReadStats stats = reader.read(List.of(Path.of("access.log"), Path.of("access.log.1.gz")),
 *     record -> counts.merge(record.url(), record.count(), Long::sum));
 * }</pre>
 */
public final class LogReader {

  /**
   * User-agent tokens excluded by default (matched case-insensitively anywhere in the user
   * agent): crawlers and link previewers, whose requests say little about what users will ask
   * for. {@code curl/} and {@code wget/} are deliberately not listed: API clients and scripts that
   * are real traffic use them; add them with {@link Builder#excludeUserAgents} if they are noise
   * in your logs.
   */
  public static final List<String> DEFAULT_EXCLUDED_USER_AGENTS =
      List.of("bot", "crawler", "spider", "slurp", "facebookexternalhit", "bingpreview");

  /**
   * The token in Preheat's own {@code User-Agent}: warm requests are always excluded unless
   * {@link Builder#includePreheatTraffic(boolean)} opts in, so warming never feeds itself.
   */
  public static final String PREHEAT_USER_AGENT_TOKEN = "Preheat/";

  /** Default {@link Builder#maxLineLength(int)}: 64 KiB. */
  public static final int DEFAULT_MAX_LINE_LENGTH = 64 * 1024;

  /** The largest {@link Builder#maxLineLength(int)} accepted: 16 MiB. */
  public static final int MAX_LINE_LENGTH_LIMIT = 16 * 1024 * 1024;

  /** Default {@link Builder#maxMalformedSamples(int)}. */
  public static final int DEFAULT_MAX_MALFORMED_SAMPLES = 5;

  /** Plain files are split into chunks of this size for parallel parsing. */
  static final long DEFAULT_CHUNK_BYTES = 8L * 1024 * 1024;

  /**
   * Distinct request targets all workers together cache (each its share, see
   * {@link #URL_CACHE_MIN_ENTRIES}) before a worker's cache is drained and cleared. The cache also
   * holds the per-target counts of a hotset tally, so fewer clears mean fewer URLs counted twice.
   */
  static final int URL_CACHE_ENTRIES = 1 << 20;

  /** The fewest distinct targets a worker caches, however many workers there are. */
  static final int URL_CACHE_MIN_ENTRIES = 1 << 16;

  /** Request-target bytes all workers together cache (each at least an eighth). */
  static final long URL_CACHE_KEY_BYTES = 48L * 1024 * 1024;

  private final LogFormat format;
  private final UrlCanonicalizer canonicalizer;
  private final List<String> excluded;
  private final boolean includePreheat;
  private final int maxLineLength;
  private final int maxSamples;
  private final int workers;
  private final Clock clock;
  private final long chunkBytes;
  private final LogScanner scanner;

  private LogReader(Builder b, LogFormat format, UrlCanonicalizer canonicalizer) {
    this.format = format;
    this.canonicalizer = canonicalizer;
    this.excluded = b.excluded == null ? DEFAULT_EXCLUDED_USER_AGENTS : b.excluded;
    this.includePreheat = b.includePreheat != null && b.includePreheat;
    this.maxLineLength = b.maxLineLength > 0 ? b.maxLineLength : DEFAULT_MAX_LINE_LENGTH;
    this.maxSamples = b.maxSamples >= 0 ? b.maxSamples : DEFAULT_MAX_MALFORMED_SAMPLES;
    this.workers = b.workers > 0 ? b.workers : Runtime.getRuntime().availableProcessors();
    this.clock = b.clock != null ? b.clock : Clock.systemUTC();
    this.chunkBytes = b.chunkBytes > 0 ? b.chunkBytes : DEFAULT_CHUNK_BYTES;
    List<String> tokens = new ArrayList<>(excluded);
    if (!includePreheat) {
      tokens.add(PREHEAT_USER_AGENT_TOKEN);
    }
    UserAgentFilter filter = tokens.isEmpty() ? null : new UserAgentFilter(tokens);
    // Memory for the workers' target caches is bounded in total, whatever the number of cores.
    int perWorker = Math.max(URL_CACHE_MIN_ENTRIES, Math.min(URL_CACHE_ENTRIES / 2,
        URL_CACHE_ENTRIES / workers));
    long keyBytes = Math.max(URL_CACHE_KEY_BYTES / 8, Math.min(URL_CACHE_KEY_BYTES / 2,
        URL_CACHE_KEY_BYTES / workers));
    this.scanner = new LogScanner(format::newParser, filter, canonicalizer, maxLineLength,
        maxSamples, chunkBytes, perWorker, keyBytes);
  }

  /** A builder; {@link Builder#format} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads {@code files} in the calling thread, in order, passing every record to {@code sink}.
   *
   * @return what was read; malformed lines are counted there, they never stop the run
   * @throws IOException if a file is missing, is a directory, is unreadable or fails while being
   *     read; the message names the file. Files are checked before any is read.
   * @throws NullPointerException if an argument or a file is null
   * @throws RuntimeException whatever {@code sink} throws, which stops the run
   */
  public ReadStats read(List<Path> files, TrafficSink sink) throws IOException {
    Objects.requireNonNull(sink, "sink");
    return read(files, 1, () -> sink);
  }

  /**
   * Reads {@code files} with up to {@link Builder#workers(int)} threads. {@code sinkPerWorker} is
   * called in the calling thread once per worker thread used, before reading starts; each sink
   * is then used by one thread only, so it needs no synchronization. The caller merges what the
   * sinks collected once this method returns. Counts and samples are the same as a sequential
   * {@link #read(List, TrafficSink)}; only the distribution of records over sinks and their order
   * differ.
   *
   * @return what was read
   * @throws IOException if a file is missing, is a directory, is unreadable or fails while being
   *     read; the message names the file
   * @throws NullPointerException if an argument or a file is null, or the supplier returns null
   * @throws RuntimeException whatever a sink throws, which stops the run
   */
  public ReadStats read(List<Path> files, Supplier<? extends TrafficSink> sinkPerWorker)
      throws IOException {
    Objects.requireNonNull(sinkPerWorker, "sinkPerWorker");
    return read(files, workers, sinkPerWorker);
  }

  private ReadStats read(List<Path> files, int threads, Supplier<? extends TrafficSink> sinks)
      throws IOException {
    List<Path> copy = List.copyOf(files);
    Instant start = clock.instant();
    ScanResult r = scanner.scan(copy, threads, sinks);
    Duration elapsed = Duration.between(start, clock.instant());
    List<MalformedLine> samples = new ArrayList<>(r.samples().size());
    for (ScanResult.Sample s : r.samples()) {
      samples.add(new MalformedLine(s.source(), s.line(), s.reason(), s.excerpt()));
    }
    return new ReadStats(r.files(), r.lines(), r.records(), r.malformed(), r.oversized(),
        r.filtered(), r.bytesRead(), elapsed.isNegative() ? Duration.ZERO : elapsed, samples,
        maxSamples);
  }

  /**
   * The latest request time in {@code files}, where hotset windows end. Cheap for plain files:
   * only their end is read, growing backwards until a line with a timestamp is found, and the
   * latest timestamp among the lines read wins (logs are only roughly ordered). Gzip files and
   * CloudFront/W3C logs are read whole. User-agent filters do not apply.
   *
   * @return the latest timestamp, or empty if no line has one (e.g. counts)
   * @throws IOException if a file is missing or unreadable; the message names it
   */
  public Optional<Instant> latestTimestamp(List<Path> files) throws IOException {
    Long latest = scanner.latest(List.copyOf(files));
    return latest == null ? Optional.empty() : Optional.of(Instant.ofEpochMilli(latest));
  }

  /** The format this reader parses. */
  public LogFormat format() {
    return format;
  }

  /** The canonicalizer URLs go through. */
  public UrlCanonicalizer canonicalizer() {
    return canonicalizer;
  }

  @Override
  public String toString() {
    return "LogReader{format=" + format + ", excludedUserAgents=" + excluded
        + ", includePreheatTraffic=" + includePreheat + ", maxLineLength=" + maxLineLength
        + ", maxMalformedSamples=" + maxSamples + ", workers=" + workers + "}";
  }

  /**
   * Builds a {@link LogReader}. Every setting may be given once; a second call fails, as does an
   * invalid value, at the call. Not thread-safe.
   */
  public static final class Builder {
    private @Nullable LogFormat format;
    private @Nullable UrlCanonicalizer canonicalizer;
    private @Nullable List<String> excluded;
    private @Nullable Boolean includePreheat;
    private int maxLineLength = -1;
    private int maxSamples = -1;
    private int workers = -1;
    private @Nullable Clock clock;
    private long chunkBytes = -1;

    private Builder() {}

    /**
     * The log format (required).
     *
     * @throws IllegalStateException if the format was already set
     */
    public Builder format(LogFormat format) {
      Objects.requireNonNull(format, "format");
      requireUnset(this.format == null, "format", this.format);
      this.format = format;
      return this;
    }

    /**
     * The canonicalizer every request target goes through (default
     * {@link UrlCanonicalizer#defaults()}). Targets it rejects with
     * {@link IllegalArgumentException} count as malformed lines. Its result for a target is
     * cached per worker, so it must be a pure function.
     *
     * @throws IllegalStateException if the canonicalizer was already set
     */
    public Builder canonicalizer(UrlCanonicalizer canonicalizer) {
      Objects.requireNonNull(canonicalizer, "canonicalizer");
      requireUnset(this.canonicalizer == null, "canonicalizer", this.canonicalizer);
      this.canonicalizer = canonicalizer;
      return this;
    }

    /**
     * Replaces {@link #DEFAULT_EXCLUDED_USER_AGENTS}: lines whose user agent contains one of these
     * tokens (ASCII case-insensitive) are dropped and counted in
     * {@link ReadStats#filteredByUserAgent()}. An empty collection keeps every user agent except
     * Preheat's own (see {@link #includePreheatTraffic}). Formats without a user agent are not
     * filtered.
     *
     * @throws IllegalArgumentException if a token is empty
     * @throws IllegalStateException if the exclusions were already set
     */
    public Builder excludeUserAgents(Collection<String> tokens) {
      Objects.requireNonNull(tokens, "tokens");
      requireUnset(excluded == null, "excludeUserAgents", excluded);
      for (String t : tokens) {
        if (Objects.requireNonNull(t, "user-agent token").isEmpty()) {
          throw new IllegalArgumentException("user-agent tokens must not be empty");
        }
      }
      excluded = List.copyOf(tokens);
      return this;
    }

    /**
     * Whether lines from Preheat's own warm requests ({@link #PREHEAT_USER_AGENT_TOKEN} in the
     * user agent) are read; default false, so warming does not count its own traffic as demand.
     *
     * @throws IllegalStateException if this was already set
     */
    public Builder includePreheatTraffic(boolean include) {
      requireUnset(includePreheat == null, "includePreheatTraffic", includePreheat);
      includePreheat = include;
      return this;
    }

    /**
     * Lines longer than this many bytes are skipped without being buffered whole and counted in
     * {@link ReadStats#oversizedLines()}. Default {@link #DEFAULT_MAX_LINE_LENGTH}.
     *
     * @throws IllegalArgumentException if not between 1 and {@link #MAX_LINE_LENGTH_LIMIT}
     * @throws IllegalStateException if this was already set
     */
    public Builder maxLineLength(int bytes) {
      if (bytes < 1 || bytes > MAX_LINE_LENGTH_LIMIT) {
        throw new IllegalArgumentException("maxLineLength must be between 1 and "
            + MAX_LINE_LENGTH_LIMIT + " but was " + bytes);
      }
      requireUnset(maxLineLength < 0, "maxLineLength", maxLineLength);
      maxLineLength = bytes;
      return this;
    }

    /**
     * How many malformed lines are kept as {@link ReadStats#samples()}; default
     * {@link #DEFAULT_MAX_MALFORMED_SAMPLES}. All of them are counted regardless.
     *
     * @throws IllegalArgumentException if negative
     * @throws IllegalStateException if this was already set
     */
    public Builder maxMalformedSamples(int samples) {
      if (samples < 0) {
        throw new IllegalArgumentException("maxMalformedSamples must be >= 0 but was " + samples);
      }
      requireUnset(maxSamples < 0, "maxMalformedSamples", maxSamples);
      maxSamples = samples;
      return this;
    }

    /**
     * The most threads {@link #read(List, Supplier)} uses; default the number of available
     * processors.
     *
     * @throws IllegalArgumentException if less than 1
     * @throws IllegalStateException if this was already set
     */
    public Builder workers(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("workers must be > 0 but was " + threads);
      }
      requireUnset(workers < 0, "workers", workers);
      workers = threads;
      return this;
    }

    /**
     * The clock that measures {@link ReadStats#elapsed()}; default the system UTC clock.
     *
     * @throws IllegalStateException if the clock was already set
     */
    public Builder clock(Clock clock) {
      Objects.requireNonNull(clock, "clock");
      requireUnset(this.clock == null, "clock", this.clock);
      this.clock = clock;
      return this;
    }

    /** Chunk size for splitting plain files; tests force tiny chunks to cut lines anywhere. */
    Builder chunkBytes(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("chunkBytes must be > 0 but was " + bytes);
      }
      chunkBytes = bytes;
      return this;
    }

    /**
     * Builds the reader.
     *
     * @throws IllegalStateException if the format was not set
     */
    public LogReader build() {
      if (format == null) {
        throw new IllegalStateException(
            "format is required, e.g. .format(LogFormat.combined()) or LogFormat.parse(\"combined\")");
      }
      return new LogReader(this, format,
          canonicalizer == null ? UrlCanonicalizer.defaults() : canonicalizer);
    }

    private static void requireUnset(boolean unset, String name, @Nullable Object current) {
      if (!unset) {
        throw new IllegalStateException(name + " was already set to " + current);
      }
    }
  }
}
