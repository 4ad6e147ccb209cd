package dev.preheat.internal.sitemap;

import java.io.IOException;
import java.io.Reader;
import org.jspecify.annotations.Nullable;

/**
 * Reads lines ({@code \n}, {@code \r\n} or {@code \r} terminated) while holding at most {@code
 * maxLineLength} characters of one line in memory: longer lines are consumed and dropped, and
 * {@link #lastLineTooLong()} says so. Not thread-safe.
 */
public final class BoundedLineReader {

  private static final int BUFFER_SIZE = 8192;

  private final Reader in;
  private final int maxLineLength;
  private final char[] buffer = new char[BUFFER_SIZE];
  private final StringBuilder line = new StringBuilder();
  private int position;
  private int limit;
  private long lineNumber;
  private boolean tooLong;
  private long lastLength;
  private boolean skipLineFeed;

  /**
   * Creates the reader.
   *
   * @param in the characters to read; not closed by this class
   * @param maxLineLength the longest line kept, at least 1
   * @throws IllegalArgumentException if {@code maxLineLength < 1}
   */
  public BoundedLineReader(Reader in, int maxLineLength) {
    if (maxLineLength < 1) {
      throw new IllegalArgumentException("maxLineLength must be >= 1 but was " + maxLineLength);
    }
    this.in = in;
    this.maxLineLength = maxLineLength;
  }

  /**
   * Reads the next line without its terminator.
   *
   * @return the line, {@code ""} for a line that was too long (see {@link #lastLineTooLong()}),
   *     or null at the end of input
   * @throws IOException if reading fails
   */
  public @Nullable String readLine() throws IOException {
    line.setLength(0);
    tooLong = false;
    lastLength = 0;
    boolean any = false;
    while (true) {
      if (position == limit) {
        limit = in.read(buffer, 0, buffer.length);
        position = 0;
        if (limit <= 0) {
          limit = 0;
          if (!any) {
            return null;
          }
          return finish();
        }
      }
      char c = buffer[position++];
      if (skipLineFeed) {
        skipLineFeed = false;
        if (c == '\n') {
          continue;
        }
      }
      any = true;
      if (c == '\n') {
        return finish();
      }
      if (c == '\r') {
        skipLineFeed = true;
        return finish();
      }
      lastLength++;
      if (!tooLong) {
        if (line.length() < maxLineLength) {
          line.append(c);
        } else {
          tooLong = true;
          line.setLength(0);
        }
      }
    }
  }

  private String finish() {
    lineNumber++;
    return tooLong ? "" : line.toString();
  }

  /** The 1-based number of the line last returned by {@link #readLine()}, 0 before the first. */
  public long lineNumber() {
    return lineNumber;
  }

  /** Whether the line last returned was longer than the cap and therefore dropped. */
  public boolean lastLineTooLong() {
    return tooLong;
  }

  /** The length in characters of the line last returned, including dropped characters. */
  public long lastLineLength() {
    return lastLength;
  }
}
