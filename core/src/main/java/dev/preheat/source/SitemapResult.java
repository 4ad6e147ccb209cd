package dev.preheat.source;

import java.util.List;
import java.util.Objects;

/**
 * What one {@link SitemapReader#read} run produced: the entries in document order (an index's
 * sitemaps in the order the index lists them), the problems found, and counts. Immutable and
 * thread-safe.
 *
 * <p>Nothing is dropped silently: every skipped entry, unreadable sitemap and applied cap is in
 * {@link #problems()} (up to the reader's {@code maxProblems}, with {@link #problemCount()} counting
 * all of them), except repeated URLs, which are kept once and counted in {@link #duplicates()}.
 */
public final class SitemapResult {

  private final List<SitemapEntry> entries;
  private final List<SourceProblem> problems;
  private final long problemCount;
  private final int sitemapsRead;
  private final long entriesSkipped;
  private final long duplicates;
  private final boolean truncated;

  SitemapResult(
      List<SitemapEntry> entries,
      List<SourceProblem> problems,
      long problemCount,
      int sitemapsRead,
      long entriesSkipped,
      long duplicates,
      boolean truncated) {
    this.entries = List.copyOf(entries);
    this.problems = List.copyOf(problems);
    this.problemCount = problemCount;
    this.sitemapsRead = sitemapsRead;
    this.entriesSkipped = entriesSkipped;
    this.duplicates = duplicates;
    this.truncated = truncated;
  }

  /** The valid entries, each URL once (the first occurrence wins), in reading order. */
  public List<SitemapEntry> entries() {
    return entries;
  }

  /** The problems found, in reading order, at most the reader's {@code maxProblems}. */
  public List<SourceProblem> problems() {
    return problems;
  }

  /** How many problems were found, including any beyond {@link #problems()}'s cap. */
  public long problemCount() {
    return problemCount;
  }

  /** How many sitemap files (urlsets and indexes, including the first) were opened. */
  public int sitemapsRead() {
    return sitemapsRead;
  }

  /** How many {@code <url>} and index {@code <sitemap>} entries were skipped as invalid. */
  public long entriesSkipped() {
    return entriesSkipped;
  }

  /** How many entries repeated a URL already read and were therefore left out. */
  public long duplicates() {
    return duplicates;
  }

  /**
   * Whether a cap (size, entries, depth or number of sitemaps) stopped reading somewhere, so the
   * entries may be incomplete. The problem that says which cap is in {@link #problems()}.
   */
  public boolean truncated() {
    return truncated;
  }

  /**
   * Passes each entry to {@code sink} as a single GET {@link TrafficRecord}, in order.
   *
   * @param sink receives the records
   * @throws NullPointerException if {@code sink} is null
   */
  public void forEachTrafficRecord(TrafficSink sink) {
    Objects.requireNonNull(sink, "sink");
    for (SitemapEntry entry : entries) {
      sink.accept(entry.toTrafficRecord());
    }
  }

  @Override
  public String toString() {
    return "SitemapResult{entries="
        + entries.size()
        + ", sitemapsRead="
        + sitemapsRead
        + ", entriesSkipped="
        + entriesSkipped
        + ", duplicates="
        + duplicates
        + ", problems="
        + problemCount
        + ", truncated="
        + truncated
        + "}";
  }
}
