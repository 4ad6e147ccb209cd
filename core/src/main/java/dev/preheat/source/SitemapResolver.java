package dev.preheat.source;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Opens the sitemaps a sitemap index points to: maps the {@code <loc>} of an index entry to a
 * stream. This is the seam for where nested sitemaps come from: local files by default, an HTTP
 * fetch once a transport is configured.
 *
 * <p>Implementations must be thread-safe if the {@link SitemapReader} using them is shared between
 * threads. The reader closes every stream it gets.
 */
@FunctionalInterface
public interface SitemapResolver {

  /**
   * Opens the sitemap at {@code loc}. The stream may be gzip-compressed; the reader detects that.
   *
   * @param loc the {@code <loc>} of the index entry, trimmed, an absolute http(s) URL
   * @return a new stream positioned at the start of the sitemap
   * @throws IOException if it cannot be opened; the reader reports this as a problem of the index
   *     entry and goes on with the next one
   */
  InputStream open(String loc) throws IOException;

  /**
   * The name of the sitemap at {@code loc}: used in problems and {@link SitemapEntry#source()}, and
   * to recognize a sitemap that was already read (cycles, repeated references). Two locs that open
   * the same content should have the same name. The default is the loc itself.
   *
   * @param loc the {@code <loc>} of the index entry, trimmed
   * @return a stable name
   */
  default String name(String loc) {
    return loc;
  }

  /**
   * Resolves each loc to the file in {@code directory} named by the loc's last path segment:
   * {@code https://example.com/maps/posts-2.xml.gz} opens {@code directory/posts-2.xml.gz}. This
   * is how a downloaded sitemap tree is read offline. A loc whose last segment is empty, {@code .}
   * or {@code ..}, or contains a path separator, is refused, so an index can never name a file
   * outside {@code directory}.
   *
   * @param directory where the sitemap files are
   * @return the resolver
   */
  static SitemapResolver inDirectory(Path directory) {
    Objects.requireNonNull(directory, "directory");
    Path base = directory.toAbsolutePath().normalize();
    return new SitemapResolver() {
      @Override
      public InputStream open(String loc) throws IOException {
        Path file = fileFor(base, loc);
        try {
          return Files.newInputStream(file);
        } catch (NoSuchFileException e) {
          throw new NoSuchFileException(
              file.toString(), null, "no such file for " + loc + "; download it into " + base);
        }
      }

      @Override
      public String name(String loc) {
        try {
          return fileFor(base, loc).toString();
        } catch (IOException e) {
          return loc;
        }
      }

      @Override
      public String toString() {
        return "SitemapResolver.inDirectory(" + base + ")";
      }
    };
  }

  /**
   * Follows no index entry: each nested sitemap is reported as not opened. The default when a
   * sitemap is read from a stream rather than a file.
   *
   * @return the resolver
   */
  static SitemapResolver none() {
    return new SitemapResolver() {
      @Override
      public InputStream open(String loc) throws IOException {
        throw new IOException(
            "nested sitemap not followed: no SitemapResolver configured; set one with"
                + " SitemapReader.Builder.resolver(...)");
      }

      @Override
      public String toString() {
        return "SitemapResolver.none()";
      }
    };
  }

  private static Path fileFor(Path base, String loc) throws IOException {
    String path;
    try {
      path = new URI(loc).getRawPath();
    } catch (URISyntaxException e) {
      throw new IOException("cannot map " + loc + " to a file: " + e.getMessage(), e);
    }
    if (path == null) {
      throw new IOException("cannot map " + loc + " to a file: it has no path");
    }
    String segment = path.substring(path.lastIndexOf('/') + 1);
    if (segment.isEmpty()
        || segment.equals(".")
        || segment.equals("..")
        || segment.indexOf('\\') >= 0
        || segment.indexOf(':') >= 0) {
      throw new IOException(
          "cannot map " + loc + " to a file: last path segment '" + segment + "' is not a file name");
    }
    Path file;
    try {
      file = base.resolve(segment).normalize();
    } catch (InvalidPathException e) {
      throw new IOException("cannot map " + loc + " to a file: " + e.getMessage(), e);
    }
    if (!base.equals(file.getParent())) {
      throw new IOException("cannot map " + loc + " to a file inside " + base);
    }
    return file;
  }
}
