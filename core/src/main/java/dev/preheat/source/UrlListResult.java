package dev.preheat.source;

import java.util.List;
import java.util.Objects;

/**
 * What one {@link UrlListReader#read} run produced: the canonical URLs in file order, the problems
 * found, and counts. Immutable and thread-safe.
 *
 * <p>Every skipped line and applied cap is in {@link #problems()} (up to the reader's {@code
 * maxProblems}, with {@link #problemCount()} counting all), except comments, blank lines and
 * repeated URLs, which are counted in {@link #duplicates()}.
 */
public final class UrlListResult {

  private final List<String> urls;
  private final List<SourceProblem> problems;
  private final long problemCount;
  private final long linesRead;
  private final long linesSkipped;
  private final long duplicates;
  private final boolean truncated;

  UrlListResult(
      List<String> urls,
      List<SourceProblem> problems,
      long problemCount,
      long linesRead,
      long linesSkipped,
      long duplicates,
      boolean truncated) {
    this.urls = List.copyOf(urls);
    this.problems = List.copyOf(problems);
    this.problemCount = problemCount;
    this.linesRead = linesRead;
    this.linesSkipped = linesSkipped;
    this.duplicates = duplicates;
    this.truncated = truncated;
  }

  /** The canonical URLs, each once (the first occurrence wins), in file order. */
  public List<String> urls() {
    return urls;
  }

  /** The problems found, in file order, at most the reader's {@code maxProblems}. */
  public List<SourceProblem> problems() {
    return problems;
  }

  /** How many problems were found, including any beyond {@link #problems()}'s cap. */
  public long problemCount() {
    return problemCount;
  }

  /** How many lines were read, comments and blank lines included. */
  public long linesRead() {
    return linesRead;
  }

  /** How many lines were skipped as invalid (bad URL, too long, not UTF-8). */
  public long linesSkipped() {
    return linesSkipped;
  }

  /** How many lines repeated a URL already read and were therefore left out. */
  public long duplicates() {
    return duplicates;
  }

  /**
   * Whether a cap (size or entries) stopped reading, so the URLs may be incomplete. The problem
   * that says which cap is in {@link #problems()}.
   */
  public boolean truncated() {
    return truncated;
  }

  /**
   * Passes each URL to {@code sink} as a single GET {@link TrafficRecord}, in order.
   *
   * @param sink receives the records
   * @throws NullPointerException if {@code sink} is null
   */
  public void forEachTrafficRecord(TrafficSink sink) {
    Objects.requireNonNull(sink, "sink");
    for (String url : urls) {
      sink.accept(TrafficRecord.of(url));
    }
  }

  @Override
  public String toString() {
    return "UrlListResult{urls="
        + urls.size()
        + ", linesRead="
        + linesRead
        + ", linesSkipped="
        + linesSkipped
        + ", duplicates="
        + duplicates
        + ", problems="
        + problemCount
        + ", truncated="
        + truncated
        + "}";
  }
}
