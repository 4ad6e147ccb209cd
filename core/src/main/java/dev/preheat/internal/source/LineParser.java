package dev.preheat.internal.source;

/**
 * Parses one access-log line, given as a byte range, into a reusable {@link ParsedLine}.
 *
 * <p>An instance is used by one thread at a time; the scanner creates one per worker. Parsers
 * never throw on bad input: they return {@link #MALFORMED} and set {@link ParsedLine#error}.
 */
public interface LineParser {

  /** The line produced a record. */
  int RECORD = 0;

  /** The line carries no record and is not an error (a comment, a header row, a directive). */
  int SKIP = 1;

  /** The line could not be parsed; {@link ParsedLine#error} says why. */
  int MALFORMED = 2;

  /**
   * Whether every line can be parsed on its own, so a file may be split into chunks parsed in
   * parallel. Formats whose lines depend on earlier lines (W3C {@code #Fields:}) return false.
   */
  boolean splittable();

  /** Resets per-file state before the first line of a file (or of a chunk) is parsed. */
  void startFile();

  /**
   * Parses {@code buf[off, end)}, a line without its line terminator.
   *
   * @param firstLineOfFile whether this is line 1 of the file (header rows are only accepted there)
   * @return {@link #RECORD}, {@link #SKIP} or {@link #MALFORMED}
   */
  int parse(byte[] buf, int off, int end, boolean firstLineOfFile, ParsedLine out);
}
