package dev.preheat.source;

import dev.preheat.internal.sitemap.BoundedLineReader;
import dev.preheat.internal.sitemap.Inputs;
import dev.preheat.internal.sitemap.LimitExceededException;
import dev.preheat.internal.sitemap.UrlShape;
import dev.preheat.key.UrlCanonicalizer;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads plain URL lists: UTF-8 text, one URL per line, plain or gzip-compressed (detected by magic
 * bytes).
 *
 * <p>Each line is trimmed; blank lines and lines starting with {@code #} are ignored (a {@code #}
 * later in a line is a URL fragment, not a comment). A URL is an absolute {@code http(s)} URL or
 * an origin-form path ({@code /a?b}), canonicalized by the configured {@link
 * UrlCanonicalizer}.
 *
 * <p><b>Bad input never stops a run.</b> A line that is not a URL, contains whitespace, is not
 * valid UTF-8, is rejected by the canonicalizer, or is longer than {@link
 * Builder#maxLineLength(int)} is skipped and reported with its line number; an over-long line is
 * never held in memory whole. Size and entry caps stop reading, keep what was read and are
 * reported, as are I/O errors.
 *
 * <p>Instances are immutable and thread-safe if the canonicalizer is.
 */
public final class UrlListReader {

  /** Default {@link Builder#maxLineLength(int)}: 64 KiB characters. */
  public static final int DEFAULT_MAX_LINE_LENGTH = 64 * 1024;

  /** Default {@link Builder#maxCompressedBytesPerFile(long)}: 256 MiB as stored. */
  public static final long DEFAULT_MAX_COMPRESSED_BYTES_PER_FILE = 256L * 1024 * 1024;

  /** Default {@link Builder#maxDecompressedBytesPerFile(long)}: 1 GiB of text. */
  public static final long DEFAULT_MAX_DECOMPRESSED_BYTES_PER_FILE = 1024L * 1024 * 1024;

  /** Default {@link Builder#maxEntries(int)}: URLs kept per run. */
  public static final int DEFAULT_MAX_ENTRIES = 1_000_000;

  /** Default {@link Builder#maxProblems(int)}: problems kept in the result (all are counted). */
  public static final int DEFAULT_MAX_PROBLEMS = 1_000;

  private final UrlCanonicalizer canonicalizer;
  private final int maxLineLength;
  private final long maxCompressedBytesPerFile;
  private final long maxDecompressedBytesPerFile;
  private final int maxEntries;
  private final int maxProblems;

  private UrlListReader(Builder b) {
    this.canonicalizer = b.canonicalizer == null ? UrlCanonicalizer.defaults() : b.canonicalizer;
    this.maxLineLength = b.maxLineLength == null ? DEFAULT_MAX_LINE_LENGTH : b.maxLineLength;
    this.maxCompressedBytesPerFile =
        b.maxCompressedBytesPerFile == null
            ? DEFAULT_MAX_COMPRESSED_BYTES_PER_FILE
            : b.maxCompressedBytesPerFile;
    this.maxDecompressedBytesPerFile =
        b.maxDecompressedBytesPerFile == null
            ? DEFAULT_MAX_DECOMPRESSED_BYTES_PER_FILE
            : b.maxDecompressedBytesPerFile;
    this.maxEntries = b.maxEntries == null ? DEFAULT_MAX_ENTRIES : b.maxEntries;
    this.maxProblems = b.maxProblems == null ? DEFAULT_MAX_PROBLEMS : b.maxProblems;
  }

  /** A new builder; the canonicalizer defaults to {@link UrlCanonicalizer#defaults()}. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads the URL list in {@code file}.
   *
   * @param file the list, plain or gzip-compressed
   * @return the URLs, problems and counts; problems in the content never throw
   * @throws IOException only if {@code file} itself cannot be opened
   * @throws NullPointerException if {@code file} is null
   */
  public UrlListResult read(Path file) throws IOException {
    Objects.requireNonNull(file, "file");
    try (InputStream in = Files.newInputStream(file)) {
      return new Run(file.toString()).read(in);
    }
  }

  /**
   * Reads a URL list from {@code in}, which the caller keeps ownership of (it is not closed).
   *
   * @param in the list, plain or gzip-compressed
   * @param sourceName names the stream in problems
   * @return the URLs, problems and counts; problems in the content, including I/O errors while
   *     reading, never throw
   * @throws NullPointerException if an argument is null
   */
  public UrlListResult read(InputStream in, String sourceName) {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(sourceName, "sourceName");
    return new Run(sourceName)
        .read(
            new FilterInputStream(in) {
              @Override
              public void close() {
                // The caller owns the stream.
              }
            });
  }

  @Override
  public String toString() {
    return "UrlListReader{maxLineLength="
        + maxLineLength
        + ", maxCompressedBytesPerFile="
        + maxCompressedBytesPerFile
        + ", maxDecompressedBytesPerFile="
        + maxDecompressedBytesPerFile
        + ", maxEntries="
        + maxEntries
        + ", maxProblems="
        + maxProblems
        + "}";
  }

  /** The mutable state of one read. */
  private final class Run {
    private final String source;
    private final List<String> urls = new ArrayList<>();
    private final Set<String> seen = new HashSet<>();
    private final List<SourceProblem> problems = new ArrayList<>();
    private long problemCount;
    private long linesSkipped;
    private long duplicates;
    private boolean truncated;

    Run(String source) {
      this.source = source;
    }

    UrlListResult read(InputStream raw) {
      Inputs.@Nullable Opened opened = null;
      BoundedLineReader lines = null;
      try {
        opened = Inputs.open(raw, maxCompressedBytesPerFile, maxDecompressedBytesPerFile);
        try (Reader reader = new InputStreamReader(opened.stream(), StandardCharsets.UTF_8)) {
          lines = new BoundedLineReader(reader, maxLineLength);
          readLines(lines);
        }
      } catch (IOException e) {
        LimitExceededException exceeded =
            opened == null ? Inputs.limitExceeded(e) : opened.exceeded();
        long line = lines == null ? SourceProblem.UNKNOWN_LINE : lines.lineNumber() + 1;
        if (exceeded != null) {
          truncated = true;
          problem(line, exceeded.getMessage() + "");
        } else {
          problem(line, "read failed: " + e.getMessage() + "; lines before this point were kept");
        }
      }
      return new UrlListResult(
          urls,
          problems,
          problemCount,
          lines == null ? 0 : lines.lineNumber(),
          linesSkipped,
          duplicates,
          truncated);
    }

    private void readLines(BoundedLineReader lines) throws IOException {
      String line;
      while ((line = lines.readLine()) != null) {
        long number = lines.lineNumber();
        if (lines.lastLineTooLong()) {
          skip(number, "line of " + lines.lastLineLength() + " characters is longer than"
              + " maxLineLength of " + maxLineLength + "; skipped");
          continue;
        }
        if (number == 1 && line.startsWith("\uFEFF")) {
          line = line.substring(1);
        }
        String url = line.strip();
        if (url.isEmpty() || url.startsWith("#")) {
          continue;
        }
        String canonical = canonical(url, number);
        if (canonical == null) {
          continue;
        }
        if (!seen.add(canonical)) {
          duplicates++;
          continue;
        }
        if (urls.size() >= maxEntries) {
          truncated = true;
          problem(number, "maxEntries of " + maxEntries + " URLs reached; reading stopped");
          return;
        }
        urls.add(canonical);
      }
    }

    private @Nullable String canonical(String url, long number) {
      if (url.indexOf('\uFFFD') >= 0) {
        skip(number, "line is not valid UTF-8; skipped");
        return null;
      }
      for (int i = 0; i < url.length(); i++) {
        if (Character.isWhitespace(url.charAt(i)) || Character.isISOControl(url.charAt(i))) {
          skip(number, quote(url) + " contains whitespace or control characters; write one URL"
              + " per line, percent-encoded; skipped");
          return null;
        }
      }
      String shape = UrlShape.checkAbsoluteHttpOrOriginForm(url);
      if (shape != null) {
        skip(number, quote(url) + ": " + shape + "; skipped");
        return null;
      }
      try {
        return canonicalizer.canonicalize(url);
      } catch (IllegalArgumentException e) {
        skip(number, "invalid URL " + quote(url) + ": " + e.getMessage() + "; skipped");
        return null;
      }
    }

    private void skip(long line, String message) {
      linesSkipped++;
      problem(line, message);
    }

    private void problem(long line, String message) {
      problemCount++;
      if (problems.size() < maxProblems) {
        problems.add(new SourceProblem(source, line, message));
      }
    }

    private String quote(String url) {
      return "'" + (url.length() > 200 ? url.substring(0, 200) + "..." : url) + "'";
    }
  }

  /**
   * Builds a {@link UrlListReader}. Each setting may be given once; arguments are validated when
   * given. Not thread-safe.
   */
  public static final class Builder {

    private @Nullable UrlCanonicalizer canonicalizer;
    private @Nullable Integer maxLineLength;
    private @Nullable Long maxCompressedBytesPerFile;
    private @Nullable Long maxDecompressedBytesPerFile;
    private @Nullable Integer maxEntries;
    private @Nullable Integer maxProblems;

    private Builder() {}

    /**
     * Sets the canonicalizer applied to every URL; required. A URL it rejects with {@link
     * IllegalArgumentException} is reported and skipped.
     *
     * @return this builder
     * @throws NullPointerException if {@code canonicalizer} is null
     * @throws IllegalStateException if it was already set
     */
    public Builder canonicalizer(UrlCanonicalizer canonicalizer) {
      Objects.requireNonNull(canonicalizer, "canonicalizer");
      SitemapReader.Builder.requireUnset(this.canonicalizer, "canonicalizer");
      this.canonicalizer = canonicalizer;
      return this;
    }

    /**
     * Sets the longest line kept, in characters; longer lines are skipped and reported without
     * being held in memory. Default {@link UrlListReader#DEFAULT_MAX_LINE_LENGTH}.
     *
     * @return this builder
     * @throws IllegalArgumentException if {@code max < 1}
     * @throws IllegalStateException if it was already set
     */
    public Builder maxLineLength(int max) {
      SitemapReader.Builder.requireAtLeast("maxLineLength", max, 1);
      SitemapReader.Builder.requireUnset(this.maxLineLength, "maxLineLength");
      this.maxLineLength = max;
      return this;
    }

    /**
     * Sets the most bytes read from the file as stored (compressed, if it is). Default {@link
     * UrlListReader#DEFAULT_MAX_COMPRESSED_BYTES_PER_FILE}.
     *
     * @return this builder
     * @throws IllegalArgumentException if {@code bytes < 1}
     * @throws IllegalStateException if it was already set
     */
    public Builder maxCompressedBytesPerFile(long bytes) {
      SitemapReader.Builder.requireAtLeast("maxCompressedBytesPerFile", bytes, 1);
      SitemapReader.Builder.requireUnset(
          this.maxCompressedBytesPerFile, "maxCompressedBytesPerFile");
      this.maxCompressedBytesPerFile = bytes;
      return this;
    }

    /**
     * Sets the most bytes of text read after decompression; this is what stops a gzip bomb.
     * Default {@link UrlListReader#DEFAULT_MAX_DECOMPRESSED_BYTES_PER_FILE}.
     *
     * @return this builder
     * @throws IllegalArgumentException if {@code bytes < 1}
     * @throws IllegalStateException if it was already set
     */
    public Builder maxDecompressedBytesPerFile(long bytes) {
      SitemapReader.Builder.requireAtLeast("maxDecompressedBytesPerFile", bytes, 1);
      SitemapReader.Builder.requireUnset(
          this.maxDecompressedBytesPerFile, "maxDecompressedBytesPerFile");
      this.maxDecompressedBytesPerFile = bytes;
      return this;
    }

    /**
     * Sets the most URLs kept; reading stops when it is reached. Default {@link
     * UrlListReader#DEFAULT_MAX_ENTRIES}.
     *
     * @return this builder
     * @throws IllegalArgumentException if {@code max < 1}
     * @throws IllegalStateException if it was already set
     */
    public Builder maxEntries(int max) {
      SitemapReader.Builder.requireAtLeast("maxEntries", max, 1);
      SitemapReader.Builder.requireUnset(this.maxEntries, "maxEntries");
      this.maxEntries = max;
      return this;
    }

    /**
     * Sets the most problems kept in a result; more are only counted. Default {@link
     * UrlListReader#DEFAULT_MAX_PROBLEMS}.
     *
     * @return this builder
     * @throws IllegalArgumentException if {@code max < 0}
     * @throws IllegalStateException if it was already set
     */
    public Builder maxProblems(int max) {
      SitemapReader.Builder.requireAtLeast("maxProblems", max, 0);
      SitemapReader.Builder.requireUnset(this.maxProblems, "maxProblems");
      this.maxProblems = max;
      return this;
    }

    /**
     * Builds the reader.
     *
     * @return a new immutable reader
     */
    public UrlListReader build() {
      return new UrlListReader(this);
    }
  }
}
