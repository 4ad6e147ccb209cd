package dev.preheat.source;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link LogReader} run read: files, lines, records, and the lines it could not use, with
 * the first few of them as {@link MalformedLine} samples. Immutable and thread-safe.
 *
 * <p>Every line is counted in {@link #lines()}; a line then either became a record, was blank or a
 * header/comment, was {@link #malformedLines() malformed}, was {@link #oversizedLines()
 * oversized} or was {@link #filteredByUserAgent() filtered}.
 */
public final class ReadStats {

  private static final ReadStats EMPTY = new ReadStats(0, 0, 0, 0, 0, 0, 0, Duration.ZERO, List.of(), 0);

  private final int files;
  private final long lines;
  private final long records;
  private final long malformed;
  private final long oversized;
  private final long filtered;
  private final long bytesRead;
  private final Duration elapsed;
  private final List<MalformedLine> samples;
  private final int sampleLimit;

  ReadStats(int files, long lines, long records, long malformed, long oversized, long filtered,
      long bytesRead, Duration elapsed, List<MalformedLine> samples, int sampleLimit) {
    this.files = files;
    this.lines = lines;
    this.records = records;
    this.malformed = malformed;
    this.oversized = oversized;
    this.filtered = filtered;
    this.bytesRead = bytesRead;
    this.elapsed = Objects.requireNonNull(elapsed, "elapsed");
    this.samples = List.copyOf(samples);
    this.sampleLimit = sampleLimit;
  }

  /** Stats of a run that read nothing; the identity of {@link #merge}. */
  public static ReadStats empty() {
    return EMPTY;
  }

  /** Number of files read. */
  public int files() {
    return files;
  }

  /** Number of lines seen, whatever became of them. */
  public long lines() {
    return lines;
  }

  /** Number of records passed to sinks. */
  public long records() {
    return records;
  }

  /** Lines that could not be parsed or whose URL was rejected (oversized lines not included). */
  public long malformedLines() {
    return malformed;
  }

  /** Lines longer than the reader's limit, skipped without being buffered whole. */
  public long oversizedLines() {
    return oversized;
  }

  /** Lines dropped because their user agent matched an exclusion (bots, Preheat's own traffic). */
  public long filteredByUserAgent() {
    return filtered;
  }

  /** Bytes read from disk (compressed bytes for gzip files). */
  public long bytesRead() {
    return bytesRead;
  }

  /** Wall time of the run, as measured by the reader's clock. */
  public Duration elapsed() {
    return elapsed;
  }

  /** The first malformed or oversized lines, in file and line order. */
  public List<MalformedLine> samples() {
    return samples;
  }

  /**
   * Combines the stats of two runs: counts and elapsed times are added, samples are this run's
   * followed by the other's, keeping at most the larger of the two runs' sample limits.
   *
   * @throws NullPointerException if {@code other} is null
   */
  public ReadStats merge(ReadStats other) {
    Objects.requireNonNull(other, "other");
    int limit = Math.max(sampleLimit, other.sampleLimit);
    List<MalformedLine> merged = new ArrayList<>(samples);
    merged.addAll(other.samples);
    return new ReadStats(files + other.files, lines + other.lines, records + other.records,
        malformed + other.malformed, oversized + other.oversized, filtered + other.filtered,
        bytesRead + other.bytesRead, elapsed.plus(other.elapsed),
        merged.subList(0, Math.min(limit, merged.size())), limit);
  }

  @Override
  public String toString() {
    return "ReadStats{files=" + files + ", lines=" + lines + ", records=" + records
        + ", malformed=" + malformed + ", oversized=" + oversized + ", filteredByUserAgent="
        + filtered + ", bytesRead=" + bytesRead + ", elapsed=" + elapsed + ", samples=" + samples
        + "}";
  }
}
