package dev.preheat.source;

import dev.preheat.key.UrlCanonicalizer;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Reads sitemaps ({@code <urlset>}) and sitemap indexes ({@code <sitemapindex>}) as defined by
 * sitemaps.org, plain or gzip-compressed (detected by magic bytes, not by file name).
 *
 * <p>Index entries are followed through a {@link SitemapResolver} up to {@link
 * Builder#maxDepth(int)} levels; a sitemap already read in the run (a cycle or a repeated
 * reference) is not read again. Each {@code <url>} keeps {@code loc} (canonicalized by the
 * configured {@link UrlCanonicalizer}), {@code lastmod} (W3C datetime), {@code priority} and
 * {@code changefreq}; extension elements (images, alternates, news) are ignored.
 *
 * <p><b>Bad input never stops a run.</b> An entry with a missing, non-http(s) or invalid loc is
 * skipped and reported with its file and line; an invalid lastmod, priority or changefreq is
 * reported and the URL kept with that field's default, so no warmable URL is lost;
 * malformed XML ends that file (entries before the error are kept) and is reported; every cap that
 * applies is reported and sets {@link SitemapResult#truncated()}.
 *
 * <p><b>Hostile input.</b> Parsing is streaming (StAX) with DTDs and external entities disabled:
 * XXE and entity-expansion ("billion laughs") documents fail at the first entity reference,
 * without reading any file or expanding anything. Sizes are capped per file both as stored and
 * after decompression (a gzip bomb stops at the cap), entries are capped per file and per run, and
 * element text is capped, so memory stays bounded by the caps whatever the input.
 *
 * <p>Instances are immutable and thread-safe if the canonicalizer and resolver are.
 */
public final class SitemapReader {

  /** Default {@link Builder#maxDepth(int)}: index levels followed below the file read. */
  public static final int DEFAULT_MAX_DEPTH = 3;

  /** Default {@link Builder#maxCompressedBytesPerFile(long)}: 50 MiB as stored. */
  public static final long DEFAULT_MAX_COMPRESSED_BYTES_PER_FILE = 50L * 1024 * 1024;

  /**
   * Default {@link Builder#maxDecompressedBytesPerFile(long)}: 100 MiB, twice the 50 MB the
   * sitemap protocol allows, to tolerate generous producers.
   */
  public static final long DEFAULT_MAX_DECOMPRESSED_BYTES_PER_FILE = 100L * 1024 * 1024;

  /** Default {@link Builder#maxEntriesPerFile(int)}: the protocol's 50,000 entries per file. */
  public static final int DEFAULT_MAX_ENTRIES_PER_FILE = 50_000;

  /** Default {@link Builder#maxEntriesTotal(int)}: entries kept per run. */
  public static final int DEFAULT_MAX_ENTRIES_TOTAL = 1_000_000;

  /** Default {@link Builder#maxSitemaps(int)}: sitemap files opened per run. */
  public static final int DEFAULT_MAX_SITEMAPS = 10_000;

  /** Default {@link Builder#maxUrlLength(int)}: the protocol's limit for a loc. */
  public static final int DEFAULT_MAX_URL_LENGTH = 2_048;

  /** Default {@link Builder#maxProblems(int)}: problems kept in the result (all are counted). */
  public static final int DEFAULT_MAX_PROBLEMS = 1_000;

  final UrlCanonicalizer canonicalizer;
  final @Nullable SitemapResolver resolver;
  final int maxDepth;
  final long maxCompressedBytesPerFile;
  final long maxDecompressedBytesPerFile;
  final int maxEntriesPerFile;
  final int maxEntriesTotal;
  final int maxSitemaps;
  final int maxUrlLength;
  final int maxProblems;

  private SitemapReader(Builder b) {
    this.canonicalizer = b.canonicalizer == null ? UrlCanonicalizer.defaults() : b.canonicalizer;
    this.resolver = b.resolver;
    this.maxDepth = orDefault(b.maxDepth, DEFAULT_MAX_DEPTH);
    this.maxCompressedBytesPerFile =
        b.maxCompressedBytesPerFile == null
            ? DEFAULT_MAX_COMPRESSED_BYTES_PER_FILE
            : b.maxCompressedBytesPerFile;
    this.maxDecompressedBytesPerFile =
        b.maxDecompressedBytesPerFile == null
            ? DEFAULT_MAX_DECOMPRESSED_BYTES_PER_FILE
            : b.maxDecompressedBytesPerFile;
    this.maxEntriesPerFile = orDefault(b.maxEntriesPerFile, DEFAULT_MAX_ENTRIES_PER_FILE);
    this.maxEntriesTotal = orDefault(b.maxEntriesTotal, DEFAULT_MAX_ENTRIES_TOTAL);
    this.maxSitemaps = orDefault(b.maxSitemaps, DEFAULT_MAX_SITEMAPS);
    this.maxUrlLength = orDefault(b.maxUrlLength, DEFAULT_MAX_URL_LENGTH);
    this.maxProblems = orDefault(b.maxProblems, DEFAULT_MAX_PROBLEMS);
  }

  private static int orDefault(@Nullable Integer value, int defaultValue) {
    return value == null ? defaultValue : value;
  }

  /** A new builder; the canonicalizer defaults to {@link UrlCanonicalizer#defaults()}. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads the sitemap or sitemap index in {@code file} and, for an index, the sitemaps it lists.
   * Unless a resolver was configured, nested sitemaps are looked up with {@link
   * SitemapResolver#inDirectory(Path)} in the directory of {@code file}.
   *
   * @param file a sitemap, plain or gzip-compressed
   * @return the entries, problems and counts; problems in the content never throw
   * @throws IOException only if {@code file} itself cannot be opened
   * @throws NullPointerException if {@code file} is null
   */
  public SitemapResult read(Path file) throws IOException {
    Objects.requireNonNull(file, "file");
    Path absolute = file.toAbsolutePath().normalize();
    SitemapResolver effective = resolver;
    if (effective == null) {
      Path parent = absolute.getParent();
      effective = parent == null ? SitemapResolver.none() : SitemapResolver.inDirectory(parent);
    }
    InputStream in = Files.newInputStream(absolute);
    SitemapRun run = new SitemapRun(this, effective);
    run.readRoot(in, absolute.toString());
    return run.result();
  }

  /**
   * Reads a sitemap or sitemap index from {@code in}, which the caller keeps ownership of (it is
   * not closed). Nested sitemaps are followed only if a resolver was configured.
   *
   * @param in the sitemap, plain or gzip-compressed
   * @param sourceName names the stream in problems and {@link SitemapEntry#source()}
   * @return the entries, problems and counts; problems in the content, including I/O errors
   *     while reading, never throw
   * @throws NullPointerException if an argument is null
   */
  public SitemapResult read(InputStream in, String sourceName) {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(sourceName, "sourceName");
    SitemapRun run = new SitemapRun(this, resolver == null ? SitemapResolver.none() : resolver);
    run.readRoot(
        new FilterInputStream(in) {
          @Override
          public void close() {
            // The caller owns the stream.
          }
        },
        sourceName);
    return run.result();
  }

  @Override
  public String toString() {
    return "SitemapReader{maxDepth="
        + maxDepth
        + ", maxCompressedBytesPerFile="
        + maxCompressedBytesPerFile
        + ", maxDecompressedBytesPerFile="
        + maxDecompressedBytesPerFile
        + ", maxEntriesPerFile="
        + maxEntriesPerFile
        + ", maxEntriesTotal="
        + maxEntriesTotal
        + ", maxSitemaps="
        + maxSitemaps
        + ", maxUrlLength="
        + maxUrlLength
        + ", maxProblems="
        + maxProblems
        + ", resolver="
        + (resolver == null ? "inDirectory(<file's directory>)" : resolver)
        + "}";
  }

  /**
   * Builds a {@link SitemapReader}. Each setting may be given once; arguments are validated when
   * given. Not thread-safe.
   */
  public static final class Builder {

    private @Nullable UrlCanonicalizer canonicalizer;
    private @Nullable SitemapResolver resolver;
    private @Nullable Integer maxDepth;
    private @Nullable Long maxCompressedBytesPerFile;
    private @Nullable Long maxDecompressedBytesPerFile;
    private @Nullable Integer maxEntriesPerFile;
    private @Nullable Integer maxEntriesTotal;
    private @Nullable Integer maxSitemaps;
    private @Nullable Integer maxUrlLength;
    private @Nullable Integer maxProblems;

    private Builder() {}

    /**
     * Sets the canonicalizer applied to every {@code <loc>}; default {@link UrlCanonicalizer#defaults()}. A loc it rejects with
     * {@link IllegalArgumentException} is reported and skipped.
     *
     * @return this builder
     * @throws NullPointerException if {@code canonicalizer} is null
     * @throws IllegalStateException if it was already set
     */
    public Builder canonicalizer(UrlCanonicalizer canonicalizer) {
      Objects.requireNonNull(canonicalizer, "canonicalizer");
      requireUnset(this.canonicalizer, "canonicalizer");
      this.canonicalizer = canonicalizer;
      return this;
    }

    /**
     * Sets how index entries are opened. Default: {@link SitemapResolver#inDirectory(Path)} of
     * the file read by {@link #read(Path)}, {@link SitemapResolver#none()} for streams.
     *
     * @return this builder
     * @throws NullPointerException if {@code resolver} is null
     * @throws IllegalStateException if it was already set
     */
    public Builder resolver(SitemapResolver resolver) {
      Objects.requireNonNull(resolver, "resolver");
      requireUnset(this.resolver, "resolver");
      this.resolver = resolver;
      return this;
    }

    /**
     * Sets how many index levels below the file read are followed (0: none). Deeper index entries
     * are reported, not opened. Default {@link SitemapReader#DEFAULT_MAX_DEPTH}.
     *
     * @return this builder
     * @throws IllegalArgumentException if {@code maxDepth < 0}
     * @throws IllegalStateException if it was already set
     */
    public Builder maxDepth(int maxDepth) {
      requireAtLeast("maxDepth", maxDepth, 0);
      requireUnset(this.maxDepth, "maxDepth");
      this.maxDepth = maxDepth;
      return this;
    }

    /**
     * Sets the most bytes read from one file as stored (compressed, if it is). Default {@link
     * #DEFAULT_MAX_COMPRESSED_BYTES_PER_FILE}.
     *
     * @return this builder
     * @throws IllegalArgumentException if {@code bytes < 1}
     * @throws IllegalStateException if it was already set
     */
    public Builder maxCompressedBytesPerFile(long bytes) {
      requireAtLeast("maxCompressedBytesPerFile", bytes, 1);
      requireUnset(this.maxCompressedBytesPerFile, "maxCompressedBytesPerFile");
      this.maxCompressedBytesPerFile = bytes;
      return this;
    }

    /**
     * Sets the most bytes of XML read from one file after decompression; this is what stops a
     * gzip bomb. Default {@link SitemapReader#DEFAULT_MAX_DECOMPRESSED_BYTES_PER_FILE}.
     *
     * @return this builder
     * @throws IllegalArgumentException if {@code bytes < 1}
     * @throws IllegalStateException if it was already set
     */
    public Builder maxDecompressedBytesPerFile(long bytes) {
      requireAtLeast("maxDecompressedBytesPerFile", bytes, 1);
      requireUnset(this.maxDecompressedBytesPerFile, "maxDecompressedBytesPerFile");
      this.maxDecompressedBytesPerFile = bytes;
      return this;
    }

    /**
     * Sets the most entries ({@code <url>} or {@code <sitemap>}, valid or not) read from one file;
     * the rest of the file is skipped and reported. Default {@link SitemapReader#DEFAULT_MAX_ENTRIES_PER_FILE}.
     *
     * @return this builder
     * @throws IllegalArgumentException if {@code max < 1}
     * @throws IllegalStateException if it was already set
     */
    public Builder maxEntriesPerFile(int max) {
      requireAtLeast("maxEntriesPerFile", max, 1);
      requireUnset(this.maxEntriesPerFile, "maxEntriesPerFile");
      this.maxEntriesPerFile = max;
      return this;
    }

    /**
     * Sets the most entries kept per run; reading stops when it is reached. Default {@link
     * #DEFAULT_MAX_ENTRIES_TOTAL}.
     *
     * @return this builder
     * @throws IllegalArgumentException if {@code max < 1}
     * @throws IllegalStateException if it was already set
     */
    public Builder maxEntriesTotal(int max) {
      requireAtLeast("maxEntriesTotal", max, 1);
      requireUnset(this.maxEntriesTotal, "maxEntriesTotal");
      this.maxEntriesTotal = max;
      return this;
    }

    /**
     * Sets the most sitemap files opened per run, the first included. Default {@link
     * #DEFAULT_MAX_SITEMAPS}.
     *
     * @return this builder
     * @throws IllegalArgumentException if {@code max < 1}
     * @throws IllegalStateException if it was already set
     */
    public Builder maxSitemaps(int max) {
      requireAtLeast("maxSitemaps", max, 1);
      requireUnset(this.maxSitemaps, "maxSitemaps");
      this.maxSitemaps = max;
      return this;
    }

    /**
     * Sets the longest {@code <loc>} accepted, in characters; longer ones are skipped and reported.
     * Default {@link SitemapReader#DEFAULT_MAX_URL_LENGTH}.
     *
     * @return this builder
     * @throws IllegalArgumentException if {@code max < 1}
     * @throws IllegalStateException if it was already set
     */
    public Builder maxUrlLength(int max) {
      requireAtLeast("maxUrlLength", max, 1);
      requireUnset(this.maxUrlLength, "maxUrlLength");
      this.maxUrlLength = max;
      return this;
    }

    /**
     * Sets the most problems kept in a result; more are only counted. Default {@link
     * #DEFAULT_MAX_PROBLEMS}.
     *
     * @return this builder
     * @throws IllegalArgumentException if {@code max < 0}
     * @throws IllegalStateException if it was already set
     */
    public Builder maxProblems(int max) {
      requireAtLeast("maxProblems", max, 0);
      requireUnset(this.maxProblems, "maxProblems");
      this.maxProblems = max;
      return this;
    }

    /**
     * Builds the reader.
     *
     * @return a new immutable reader
     */
    public SitemapReader build() {
      return new SitemapReader(this);
    }

    static void requireUnset(@Nullable Object current, String name) {
      if (current != null) {
        throw new IllegalStateException(name + " was already set to " + current);
      }
    }

    static void requireAtLeast(String name, long value, long min) {
      if (value < min) {
        throw new IllegalArgumentException(
            name + " must be >= " + min + " but was " + value);
      }
    }
  }
}
