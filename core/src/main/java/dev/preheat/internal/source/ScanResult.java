package dev.preheat.internal.source;

import java.util.List;

/**
 * What a scan counted, for the public {@code ReadStats} to wrap.
 *
 * @param files files read
 * @param lines lines seen, including blank, malformed, oversized and filtered ones
 * @param records records passed to sinks
 * @param malformed lines that could not be parsed (not counting oversized ones)
 * @param oversized lines longer than the limit, skipped unread
 * @param filtered lines dropped by the user-agent filter
 * @param bytesRead bytes read from disk (compressed bytes for gzip files)
 * @param samples the first malformed or oversized lines, in file and line order
 */
public record ScanResult(
    int files,
    long lines,
    long records,
    long malformed,
    long oversized,
    long filtered,
    long bytesRead,
    List<Sample> samples) {

  /**
   * One malformed line.
   *
   * @param source the file
   * @param line the 1-based line number in the (uncompressed) file
   * @param reason why it was rejected
   * @param excerpt the start of the line, control bytes escaped
   */
  public record Sample(String source, long line, String reason, String excerpt) {}
}
