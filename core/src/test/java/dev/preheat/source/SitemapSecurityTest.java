package dev.preheat.source;

import static dev.preheat.source.SitemapTestSupport.LOWER_HOST;
import static dev.preheat.source.SitemapTestSupport.gzip;
import static dev.preheat.source.SitemapTestSupport.gzipBomb;
import static dev.preheat.source.SitemapTestSupport.index;
import static dev.preheat.source.SitemapTestSupport.url;
import static dev.preheat.source.SitemapTestSupport.urlset;
import static dev.preheat.source.SitemapTestSupport.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile sitemaps: entity tricks, compression bombs, oversized files. */
class SitemapSecurityTest {

  private static final String SECRET = "TOP-SECRET-7f3a";
  private static final long MIB = 1024 * 1024;

  /** 200 MiB of whitespace inside a valid urlset, about 200 KB compressed. */
  private static byte[] bomb;

  @TempDir Path dir;

  @BeforeAll
  static void buildBomb() {
    bomb =
        gzipBomb(
            urlset(SitemapTestSupport.url("https://e.com/before")).replace("</urlset>\n", ""),
            (byte) ' ',
            200 * MIB,
            SitemapTestSupport.url("https://e.com/after") + "</urlset>");
  }

  private static SitemapReader reader() {
    return SitemapReader.builder().canonicalizer(LOWER_HOST).build();
  }

  @Test
  void externalEntityNeverReadsALocalFile() throws IOException {
    Path secret = write(dir, "secret.txt", "https://e.com/" + SECRET);
    String xml =
        "<?xml version=\"1.0\"?>\n"
            + "<!DOCTYPE urlset [<!ENTITY xxe SYSTEM \"" + secret.toUri() + "\">]>\n"
            + "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
            + "<url><loc>https://e.com/ok</loc></url>\n"
            + "<url><loc>&xxe;</loc></url>\n"
            + "</urlset>\n";
    Path file = write(dir, "xxe.xml", xml);

    SitemapResult result = reader().read(file);

    assertThat(result.entries()).extracting(SitemapEntry::url).containsExactly("https://e.com/ok");
    assertThat(result.problems()).singleElement()
        .satisfies(p -> assertThat(p.line()).isEqualTo(5))
        .extracting(SourceProblem::message).asString()
        .contains("malformed XML", "xxe", "not declared");
    assertThat(result.toString() + result.problems() + result.entries()).doesNotContain(SECRET);
  }

  @Test
  void externalParameterEntityAndExternalDtdAreNotFetched() throws IOException {
    Path secret = write(dir, "evil.dtd", "<!ENTITY leak \"" + SECRET + "\">");
    String xml =
        "<?xml version=\"1.0\"?>\n"
            + "<!DOCTYPE urlset SYSTEM \"" + secret.toUri() + "\" [<!ENTITY % p SYSTEM \""
            + secret.toUri() + "\"> %p;]>\n"
            + "<urlset><url><loc>https://e.com/&leak;</loc></url></urlset>\n";

    SitemapResult result = reader().read(write(dir, "xxe2.xml", xml));

    assertThat(result.entries()).isEmpty();
    assertThat(result.problems()).singleElement().extracting(SourceProblem::message).asString()
        .contains("malformed XML").doesNotContain(SECRET);
  }

  @Test
  void billionLaughsFailsFastWithoutExpanding() throws IOException {
    StringBuilder dtd = new StringBuilder("<!DOCTYPE urlset [\n<!ENTITY lol0 \"lol\">\n");
    for (int i = 1; i <= 9; i++) {
      String previous = "&lol" + (i - 1) + ";";
      dtd.append("<!ENTITY lol").append(i).append(" \"").append(previous.repeat(10)).append("\">\n");
    }
    dtd.append("]>\n");
    String xml =
        "<?xml version=\"1.0\"?>\n"
            + dtd
            + "<urlset><url><loc>https://e.com/&lol9;</loc></url></urlset>\n";

    SitemapResult result = reader().read(write(dir, "lol.xml", xml));

    assertThat(result.entries()).isEmpty();
    assertThat(result.problems()).singleElement()
        .satisfies(p -> assertThat(p.line()).isEqualTo(14))
        .extracting(SourceProblem::message).asString()
        .contains("lol9", "not declared").hasSizeLessThan(300);
  }

  @Test
  void gzipBombStopsAtTheDecompressedCapNamingFileAndCap() throws IOException {
    Path file = write(dir, "bomb.xml.gz", bomb);
    SitemapReader reader =
        SitemapReader.builder()
            .canonicalizer(LOWER_HOST)
            .maxDecompressedBytesPerFile(10 * MIB)
            .build();

    SitemapResult result = reader.read(file);

    assertThat(bomb.length).isLessThan(1024 * 1024);
    assertThat(result.entries()).extracting(SitemapEntry::url).containsExactly("https://e.com/before");
    assertThat(result.truncated()).isTrue();
    assertThat(result.problems()).singleElement()
        .satisfies(p -> assertThat(p.source()).endsWith("bomb.xml.gz"))
        .satisfies(p -> assertThat(p.line()).isEqualTo(SourceProblem.UNKNOWN_LINE))
        .extracting(SourceProblem::message).asString()
        .contains("decompressed size exceeds maxDecompressedBytesPerFile", "10485760 bytes (10 MiB)");
  }

  @Test
  void gzipBombInsideAnIndexDoesNotStopTheOtherSitemaps() throws IOException {
    write(dir, "bomb.xml.gz", bomb);
    write(dir, "good.xml", urlset(url("https://e.com/good")));
    Path root = write(dir, "index.xml", index("https://e.com/bomb.xml.gz", "https://e.com/good.xml"));
    SitemapReader reader =
        SitemapReader.builder()
            .canonicalizer(LOWER_HOST)
            .maxDecompressedBytesPerFile(10 * MIB)
            .build();

    SitemapResult result = reader.read(root);

    assertThat(result.entries()).extracting(SitemapEntry::url)
        .containsExactly("https://e.com/before", "https://e.com/good");
    assertThat(result.problems()).singleElement().extracting(SourceProblem::source).asString()
        .endsWith("bomb.xml.gz");
  }

  @Test
  void compressedSizeIsCappedAsStored() throws IOException {
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 2_000; i++) {
      many.append(url("https://e.com/page-" + i + "-" + Integer.toHexString(i * 7919))).append('\n');
    }
    byte[] compressed = gzip(urlset(many.toString()));
    Path file = write(dir, "big.xml.gz", compressed);
    SitemapReader reader =
        SitemapReader.builder()
            .canonicalizer(LOWER_HOST)
            .maxCompressedBytesPerFile(compressed.length / 2)
            .build();

    SitemapResult result = reader.read(file);

    assertThat(result.truncated()).isTrue();
    assertThat(result.entries()).hasSizeBetween(1, 1_999);
    assertThat(result.problems()).singleElement().extracting(SourceProblem::message).asString()
        .contains("maxCompressedBytesPerFile", (compressed.length / 2) + " bytes");
  }

  @Test
  void plainFileIsCappedToo() throws IOException {
    Path file = write(dir, "plain.xml", urlset(url("https://e.com/a") + " ".repeat(10_000)));
    SitemapReader reader =
        SitemapReader.builder().canonicalizer(LOWER_HOST).maxDecompressedBytesPerFile(4096).build();

    SitemapResult result = reader.read(file);

    assertThat(result.entries()).extracting(SitemapEntry::url).containsExactly("https://e.com/a");
    assertThat(result.problems()).singleElement().extracting(SourceProblem::message).asString()
        .contains("4096 bytes (4 KiB)");
  }
}
