package dev.preheat.source;

import dev.preheat.key.UrlCanonicalizer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/** Builders for sitemap test inputs and a stand-in canonicalizer. */
final class SitemapTestSupport {

  private SitemapTestSupport() {}

  /**
   * Stands in for the real canonicalizer: rejects whitespace, lower-cases scheme and host of
   * absolute URLs, leaves paths alone.
   */
  static final UrlCanonicalizer LOWER_HOST =
      url -> {
        for (int i = 0; i < url.length(); i++) {
          if (Character.isWhitespace(url.charAt(i))) {
            throw new IllegalArgumentException("whitespace at index " + i);
          }
        }
        int scheme = url.indexOf("://");
        if (scheme < 0) {
          return url;
        }
        int pathStart = url.indexOf('/', scheme + 3);
        int end = pathStart < 0 ? url.length() : pathStart;
        return url.substring(0, end).toLowerCase(Locale.ROOT)
            + (pathStart < 0 ? "/" : url.substring(pathStart));
      };

  static String urlset(String... urlElements) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
        + String.join("\n", urlElements)
        + "\n</urlset>\n";
  }

  static String url(String loc) {
    return "<url><loc>" + loc + "</loc></url>";
  }

  static String index(String... locs) {
    StringBuilder xml =
        new StringBuilder(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (String loc : locs) {
      xml.append("<sitemap><loc>").append(loc).append("</loc></sitemap>\n");
    }
    return xml.append("</sitemapindex>\n").toString();
  }

  static Path write(Path dir, String name, String content) {
    return write(dir, name, content.getBytes(StandardCharsets.UTF_8));
  }

  static Path write(Path dir, String name, byte[] content) {
    try {
      return Files.write(dir.resolve(name), content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] gzip(String content) {
    return gzip(content.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] gzip(byte[] content) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * A gzip bomb: {@code prefix}, then {@code fillerBytes} of {@code filler}, then {@code suffix},
   * compressed. Built from a repeated buffer so it never holds the decompressed content.
   */
  static byte[] gzipBomb(String prefix, byte filler, long fillerBytes, String suffix) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out =
        new GZIPOutputStream(bytes, 64 * 1024) {
          {
            def.setLevel(Deflater.BEST_COMPRESSION);
          }
        }) {
      out.write(prefix.getBytes(StandardCharsets.UTF_8));
      byte[] chunk = new byte[1024 * 1024];
      java.util.Arrays.fill(chunk, filler);
      for (long written = 0; written < fillerBytes; written += chunk.length) {
        out.write(chunk, 0, (int) Math.min(chunk.length, fillerBytes - written));
      }
      out.write(suffix.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
