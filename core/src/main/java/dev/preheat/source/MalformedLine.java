package dev.preheat.source;

import java.util.Objects;

/**
 * A line a log reader could not use, kept as a sample in {@link ReadStats} so a user can see what
 * went wrong and where.
 *
 * @param source the file the line came from
 * @param lineNumber the 1-based line number (in the uncompressed content for gzip files)
 * @param reason what was wrong with it
 * @param excerpt the start of the line, at most about 120 characters, with control and non-ASCII
 *     bytes written as {@code \xHH} so it is safe to print
 */
public record MalformedLine(String source, long lineNumber, String reason, String excerpt) {

  /**
   * Validates the components.
   *
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if {@code lineNumber < 1}
   */
  public MalformedLine {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(excerpt, "excerpt");
    if (lineNumber < 1) {
      throw new IllegalArgumentException("lineNumber must be >= 1 but was " + lineNumber);
    }
  }

  /** {@code source:line: reason: excerpt}, the way compilers report errors. */
  @Override
  public String toString() {
    return source + ":" + lineNumber + ": " + reason + ": " + excerpt;
  }
}
