package dev.preheat.internal.sitemap;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.jspecify.annotations.Nullable;

/**
 * Counts the bytes read through it and fails with {@link LimitExceededException} once more than
 * {@code limit} bytes were read.
 *
 * <p>Wrapped around the <em>decompressed</em> stream this is what makes a gzip bomb fail after
 * {@code limit} bytes instead of filling memory or disk. Parsers (StAX) may wrap the exception,
 * so the stream also remembers it: {@link #exceeded()} tells the caller after the fact. Not
 * thread-safe, like any stream.
 */
public final class LimitedInputStream extends FilterInputStream {

  private final long limit;
  private final String description;
  private long count;
  private @Nullable LimitExceededException exceeded;

  /**
   * Wraps {@code in}.
   *
   * @param in the stream to count
   * @param limit the largest number of bytes that may be read, at least 0
   * @param description what exceeded which cap, for the error message, e.g. {@code "decompressed
   *     size exceeds maxDecompressedBytesPerFile"}
   * @throws IllegalArgumentException if {@code limit < 0}
   */
  public LimitedInputStream(InputStream in, long limit, String description) {
    super(in);
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0 but was " + limit);
    }
    this.limit = limit;
    this.description = description;
  }

  /** The number of bytes read so far. */
  public long count() {
    return count;
  }

  /** The exception thrown when the cap was exceeded, or null if it was not. */
  public @Nullable LimitExceededException exceeded() {
    return exceeded;
  }

  @Override
  public int read() throws IOException {
    failIfExceeded();
    if (count >= limit) {
      return probeEnd();
    }
    int b = super.read();
    if (b >= 0) {
      count++;
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    failIfExceeded();
    if (len == 0) {
      return 0;
    }
    if (count >= limit) {
      return probeEnd();
    }
    // Hand over every byte up to the cap, so content before it is still parsed.
    int n = super.read(b, off, (int) Math.min(len, limit - count));
    if (n > 0) {
      count += n;
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    failIfExceeded();
    if (n <= 0) {
      return 0;
    }
    if (count >= limit) {
      probeEnd();
      return 0;
    }
    long skipped = super.skip(Math.min(n, limit - count));
    if (skipped > 0) {
      count += skipped;
    }
    return skipped;
  }

  /** At the cap: the end of input is fine, one more byte is one too many. */
  private int probeEnd() throws IOException {
    if (super.read() < 0) {
      return -1;
    }
    count++;
    exceeded =
        new LimitExceededException(
            description
                + " of "
                + formatBytes(limit)
                + "; the rest of the file was not read. Raise the cap if the file is legitimate");
    throw exceeded;
  }

  @Override
  public int available() throws IOException {
    // Callers such as BufferedInputStream keep reading while bytes are "available"; at the cap
    // none are, so they return what they have instead of running into the cap mid-read.
    return (int) Math.min(super.available(), limit - count);
  }

  @Override
  public boolean markSupported() {
    // Reset would make the count wrong.
    return false;
  }

  @Override
  public synchronized void mark(int readlimit) {
    // Not supported, see markSupported().
  }

  @Override
  public synchronized void reset() throws IOException {
    throw new IOException("mark/reset not supported");
  }

  private void failIfExceeded() throws LimitExceededException {
    LimitExceededException e = exceeded;
    if (e != null) {
      throw e;
    }
  }

  /**
   * Formats a byte count for messages: {@code "10485760 bytes (10 MiB)"}.
   *
   * @param bytes a non-negative byte count
   * @return the formatted count
   */
  public static String formatBytes(long bytes) {
    if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0) {
      return bytes + " bytes (" + bytes / (1024 * 1024) + " MiB)";
    }
    if (bytes >= 1024 && bytes % 1024 == 0) {
      return bytes + " bytes (" + bytes / 1024 + " KiB)";
    }
    return bytes + " bytes";
  }
}
