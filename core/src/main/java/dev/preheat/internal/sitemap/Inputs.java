package dev.preheat.internal.sitemap;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import org.jspecify.annotations.Nullable;

/** Opens a source stream with size caps and transparent gzip detection. */
public final class Inputs {

  private static final int BUFFER_SIZE = 64 * 1024;
  private static final int GZIP_MAGIC_1 = 0x1f;
  private static final int GZIP_MAGIC_2 = 0x8b;

  private Inputs() {}

  /**
   * A stream opened for reading with both size caps applied.
   *
   * @param stream what to read: decompressed if the input was gzip, size-limited in both cases
   * @param compressed counts the raw bytes read from the input
   * @param decompressed counts the bytes handed to the parser
   * @param gzip whether the input was detected as gzip
   */
  public record Opened(
      InputStream stream,
      LimitedInputStream compressed,
      LimitedInputStream decompressed,
      boolean gzip) {

    /** The cap violation that stopped reading, or null if none did. */
    public @Nullable LimitExceededException exceeded() {
      LimitExceededException e = compressed.exceeded();
      return e != null ? e : decompressed.exceeded();
    }
  }

  /**
   * Finds the cap violation among {@code failure} and its causes, for failures that happened
   * before {@link #open} returned its counters.
   *
   * @param failure what was thrown
   * @return the violation, or null if the failure was something else
   */
  public static @Nullable LimitExceededException limitExceeded(
      Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof LimitExceededException) {
        return (LimitExceededException) t;
      }
    }
    return null;
  }

  /**
   * Wraps {@code raw}: caps the raw bytes at {@code maxRawBytes}, detects gzip by its magic bytes
   * ({@code 1f 8b}) and, if present, decompresses, then caps the decompressed bytes at {@code
   * maxDecompressedBytes}. The caller closes {@link Opened#stream()}, which closes {@code raw}.
   *
   * @param raw the input as stored
   * @param maxRawBytes cap on bytes read from {@code raw}
   * @param maxDecompressedBytes cap on bytes after decompression (for plain input, the same bytes)
   * @return the opened stream and its counters
   * @throws IOException if the gzip header is corrupt or reading the magic bytes fails
   */
  public static Opened open(
      InputStream raw, long maxRawBytes, long maxDecompressedBytes)
      throws IOException {
    LimitedInputStream compressed =
        new LimitedInputStream(
            raw,
            maxRawBytes,
            "file size exceeds maxCompressedBytesPerFile");
    BufferedInputStream buffered = new BufferedInputStream(compressed, BUFFER_SIZE);
    buffered.mark(2);
    int b1 = buffered.read();
    int b2 = buffered.read();
    buffered.reset();
    boolean gzip = b1 == GZIP_MAGIC_1 && b2 == GZIP_MAGIC_2;
    InputStream content = gzip ? new GZIPInputStream(buffered, BUFFER_SIZE) : buffered;
    LimitedInputStream decompressed =
        new LimitedInputStream(
            content,
            maxDecompressedBytes,
            "decompressed size exceeds maxDecompressedBytesPerFile");
    return new Opened(decompressed, compressed, decompressed, gzip);
  }
}
