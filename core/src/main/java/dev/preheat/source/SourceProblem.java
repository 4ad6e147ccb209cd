package dev.preheat.source;

import java.util.Objects;

/**
 * One problem found while reading a sitemap or URL list: a skipped entry, a sitemap that could not
 * be opened or parsed, or a cap that stopped reading. Problems are reported, never thrown: one bad
 * entry or file does not stop a run.
 *
 * @param source the file or URL the problem is in, as the reader names it
 * @param line the 1-based line, or {@link #UNKNOWN_LINE} when the problem concerns the whole source
 * @param message what was wrong and, where it helps, what to do
 */
public record SourceProblem(String source, long line, String message) {

  /** The {@link #line()} of a problem that concerns a whole source rather than one line. */
  public static final long UNKNOWN_LINE = -1;

  /**
   * Validates the components.
   *
   * @throws NullPointerException if {@code source} or {@code message} is null
   * @throws IllegalArgumentException if {@code line} is neither positive nor {@link
   *     #UNKNOWN_LINE}
   */
  public SourceProblem {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(message, "message");
    if (line < 1 && line != UNKNOWN_LINE) {
      throw new IllegalArgumentException("line must be >= 1 or UNKNOWN_LINE but was " + line);
    }
  }

  /** {@code source:line: message}, or {@code source: message} without a line. */
  @Override
  public String toString() {
    return line == UNKNOWN_LINE ? source + ": " + message : source + ":" + line + ": " + message;
  }
}
