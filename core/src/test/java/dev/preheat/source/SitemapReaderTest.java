package dev.preheat.source;

import static dev.preheat.source.SitemapTestSupport.LOWER_HOST;
import static dev.preheat.source.SitemapTestSupport.gzip;
import static dev.preheat.source.SitemapTestSupport.index;
import static dev.preheat.source.SitemapTestSupport.url;
import static dev.preheat.source.SitemapTestSupport.urlset;
import static dev.preheat.source.SitemapTestSupport.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.preheat.source.SitemapEntry.ChangeFrequency;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SitemapReaderTest {

  @TempDir Path dir;

  private static SitemapReader reader() {
    return SitemapReader.builder().canonicalizer(LOWER_HOST).build();
  }

  private static SitemapResult readString(SitemapReader reader, String xml) {
    return reader.read(
        new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), "test.xml");
  }

  private static List<String> urls(SitemapResult result) {
    return result.entries().stream().map(SitemapEntry::url).toList();
  }

  @Test
  void readsValidUrlsetKeepingAllFieldsAndIgnoringExtensions() throws Exception {
    Path file = Path.of(getClass().getResource("/sitemaps/urlset.xml").toURI());

    SitemapResult result = reader().read(file);

    String source = file.toAbsolutePath().normalize().toString();
    assertThat(result.entries())
        .containsExactly(
            new SitemapEntry(
                "https://example.com/",
                Instant.parse("2024-03-01T09:15:30Z"),
                1.0,
                ChangeFrequency.DAILY,
                source),
            new SitemapEntry(
                "https://example.com/products?id=7&color=red",
                null,
                SitemapEntry.DEFAULT_PRIORITY,
                null,
                source),
            // a bad priority or changefreq is reported, the URL is kept with the default
            new SitemapEntry(
                "https://example.com/about", null, SitemapEntry.DEFAULT_PRIORITY, null, source),
            new SitemapEntry(
                "https://example.com/blog", null, SitemapEntry.DEFAULT_PRIORITY, null, source),
            new SitemapEntry(
                "https://example.com/blog/",
                Instant.parse("2023-12-01T00:00:00Z"),
                0.3,
                ChangeFrequency.WEEKLY,
                source));
    assertThat(result.sitemapsRead()).isEqualTo(1);
    assertThat(result.truncated()).isFalse();
  }

  @Test
  void reportsEachBadEntryWithFileAndLineAndKeepsGoing() throws Exception {
    Path file = Path.of(getClass().getResource("/sitemaps/urlset.xml").toURI());

    SitemapResult result = reader().read(file);

    assertThat(result.problems())
        .extracting(SourceProblem::line)
        .containsExactly(21L, 25L, 27L, 32L, 36L);
    assertThat(result.problems())
        .extracting(SourceProblem::message)
        .satisfiesExactly(
            m -> assertThat(m).contains("invalid URL", "a b"),
            m -> assertThat(m).contains("scheme 'ftp' is not http or https"),
            m -> assertThat(m).contains("<url> without <loc>"),
            m -> assertThat(m).contains("priority", "1.5"),
            m -> assertThat(m).contains("sometimes"));
    assertThat(result.problems())
        .allSatisfy(p -> assertThat(p.source()).endsWith("urlset.xml"))
        .allSatisfy(p -> assertThat(p.toString()).startsWith(p.source() + ":" + p.line() + ": "));
    assertThat(result.entriesSkipped()).isEqualTo(3);
    assertThat(result.problemCount()).isEqualTo(5);
  }

  @ParameterizedTest
  @CsvSource({
    "2024, 2024-01-01T00:00:00Z",
    "2024-07, 2024-07-01T00:00:00Z",
    "2024-07-16, 2024-07-16T00:00:00Z",
    "2024-07-16T19:20Z, 2024-07-16T19:20:00Z",
    "2024-07-16T19:20+01:00, 2024-07-16T18:20:00Z",
    "2024-07-16T19:20:30-05:30, 2024-07-17T00:50:30Z",
    "2024-07-16T19:20:30.45+01:00, 2024-07-16T18:20:30.450Z",
    "2024-07-16T19:20:30.123456789123Z, 2024-07-16T19:20:30.123456789Z",
    "' 2024-07-16 ', 2024-07-16T00:00:00Z",
  })
  void parsesW3cLastmodFormats(String lastmod, String expected) {
    SitemapResult result =
        readString(
            reader(),
            urlset("<url><loc>https://e.com/</loc><lastmod>" + lastmod + "</lastmod></url>"));

    assertThat(result.problems()).isEmpty();
    assertThat(result.entries().get(0).lastmod()).isEqualTo(Instant.parse(expected));
  }

  @ParameterizedTest
  @CsvSource({
    "2024-07-16T19:20:30, zone",
    "2024-13-01, invalid date",
    "2024-02-30, invalid date",
    "2024-07-16T25:00Z, invalid date",
    "16/07/2024, not a W3C datetime",
    "2024-07-16 19:20Z, not a W3C datetime",
    "2024-07-16T19:20+0100, not a W3C datetime",
    "yesterday, not a W3C datetime",
  })
  void keepsEntriesWithInvalidLastmodWithoutIt(String lastmod, String reason) {
    SitemapResult result =
        readString(
            reader(),
            urlset(
                "<url><loc>https://e.com/</loc>",
                "<lastmod>" + lastmod + "</lastmod></url>"));

    assertThat(result.entries()).singleElement()
        .satisfies(e -> assertThat(e.url()).isEqualTo("https://e.com/"))
        .satisfies(e -> assertThat(e.lastmod()).isNull());
    assertThat(result.problems())
        .singleElement()
        .satisfies(p -> assertThat(p.line()).isEqualTo(4))
        .satisfies(p -> assertThat(p.message()).contains("<lastmod>", lastmod.strip(), reason));
  }

  @ParameterizedTest
  @CsvSource({"0.0, 0.0", "0, 0.0", "1, 1.0", "1.0, 1.0", "0.25, 0.25", ".5, 0.5", "' 0.8 ', 0.8"})
  void parsesPriority(String priority, double expected) {
    SitemapResult result =
        readString(
            reader(),
            urlset("<url><loc>https://e.com/</loc><priority>" + priority + "</priority></url>"));

    assertThat(result.entries()).singleElement().extracting(SitemapEntry::priority)
        .isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.01", "-0.1", "high", "NaN", "Infinity", "0x1p-1", "0.5d", "1e-1", ""})
  void keepsEntriesWithInvalidPriorityAtTheDefault(String priority) {
    SitemapResult result =
        readString(
            reader(),
            urlset("<url><loc>https://e.com/</loc><priority>" + priority + "</priority></url>"));

    assertThat(result.entries()).singleElement().extracting(SitemapEntry::priority)
        .isEqualTo(SitemapEntry.DEFAULT_PRIORITY);
    assertThat(result.problems()).singleElement()
        .extracting(SourceProblem::message).asString().contains("<priority>");
  }

  @ParameterizedTest
  @CsvSource({
    "always, ALWAYS", "hourly, HOURLY", "daily, DAILY", "weekly, WEEKLY",
    "monthly, MONTHLY", "yearly, YEARLY", "never, NEVER", "' Monthly ', MONTHLY",
  })
  void parsesChangefreq(String text, ChangeFrequency expected) {
    SitemapResult result =
        readString(
            reader(),
            urlset("<url><loc>https://e.com/</loc><changefreq>" + text + "</changefreq></url>"));

    assertThat(result.entries()).singleElement().extracting(SitemapEntry::changefreq)
        .isEqualTo(expected);
  }

  @Test
  void appliesDefaultsWhenOptionalFieldsAreAbsent() {
    SitemapEntry entry =
        readString(reader(), urlset(url("https://E.com/x"))).entries().get(0);

    assertThat(entry.url()).isEqualTo("https://e.com/x");
    assertThat(entry.priority()).isEqualTo(0.5);
    assertThat(entry.lastmod()).isNull();
    assertThat(entry.lastModified()).isEmpty();
    assertThat(entry.changefreq()).isNull();
    assertThat(entry.source()).isEqualTo("test.xml");
    assertThat(entry.toTrafficRecord()).isEqualTo(TrafficRecord.of("https://e.com/x"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "<url><loc></loc></url>|empty <loc>",
        "<url><loc>/relative/path</loc></url>|not an absolute http(s) URL",
        "<url><loc>javascript:alert(1)</loc></url>|scheme 'javascript'",
        "<url><loc>https:///nohost</loc></url>|no host",
        "<url><loc>https://e.com/a</loc><loc>https://e.com/b</loc></url>|more than one <loc>",
      })
  void skipsEntriesWithBadLoc(String urlElement, String reason) {
    SitemapResult result = readString(reader(), urlset(urlElement, url("https://e.com/ok")));

    assertThat(urls(result)).containsExactly("https://e.com/ok");
    assertThat(result.problems()).singleElement()
        .satisfies(p -> assertThat(p.line()).isEqualTo(3))
        .extracting(SourceProblem::message).asString().contains(reason);
  }

  @Test
  void skipsLocLongerThanTheCapWithoutKeepingIt() {
    String huge = "https://e.com/" + "a".repeat(5_000_000);
    SitemapReader reader =
        SitemapReader.builder().canonicalizer(LOWER_HOST).maxUrlLength(100).build();

    SitemapResult result = readString(reader, urlset(url(huge), url("https://e.com/ok")));

    assertThat(urls(result)).containsExactly("https://e.com/ok");
    assertThat(result.problems()).singleElement().extracting(SourceProblem::message).asString()
        .contains("maxUrlLength of 100").hasSizeLessThan(300);
  }

  @Test
  void keepsEachUrlOnceAndCountsDuplicates() {
    SitemapResult result =
        readString(
            reader(),
            urlset(url("https://e.com/a"), url("https://E.COM/a"), url("https://e.com/b")));

    assertThat(urls(result)).containsExactly("https://e.com/a", "https://e.com/b");
    assertThat(result.duplicates()).isEqualTo(1);
    assertThat(result.problems()).isEmpty();
  }

  @Test
  void readsGzipDetectedByMagicBytesNotByName() throws IOException {
    Path file = write(dir, "looks-plain.xml", gzip(urlset(url("https://e.com/gz"))));

    SitemapResult result = reader().read(file);

    assertThat(urls(result)).containsExactly("https://e.com/gz");
  }

  @Test
  void followsIndexIntoNestedPlainAndGzipSitemapsInOrder() throws IOException {
    write(dir, "posts.xml", urlset(url("https://e.com/p1"), url("https://e.com/p2")));
    write(dir, "pages.xml.gz", gzip(urlset(url("https://e.com/about"))));
    Path root =
        write(
            dir,
            "sitemap_index.xml",
            index("https://e.com/maps/posts.xml", "https://e.com/maps/pages.xml.gz"));

    SitemapResult result = reader().read(root);

    assertThat(urls(result))
        .containsExactly("https://e.com/p1", "https://e.com/p2", "https://e.com/about");
    assertThat(result.entries().get(0).source()).isEqualTo(dir.resolve("posts.xml").toString());
    assertThat(result.entries().get(2).source())
        .isEqualTo(dir.resolve("pages.xml.gz").toString());
    assertThat(result.sitemapsRead()).isEqualTo(3);
    assertThat(result.problems()).isEmpty();
  }

  @Test
  void reportsMissingNestedSitemapAndReadsTheOthers() throws IOException {
    write(dir, "b.xml", urlset(url("https://e.com/b")));
    Path root = write(dir, "index.xml", index("https://e.com/a.xml", "https://e.com/b.xml"));

    SitemapResult result = reader().read(root);

    assertThat(urls(result)).containsExactly("https://e.com/b");
    assertThat(result.problems()).singleElement()
        .satisfies(p -> assertThat(p.source()).endsWith("index.xml"))
        .satisfies(p -> assertThat(p.line()).isEqualTo(3))
        .extracting(SourceProblem::message).asString()
        .contains("cannot open nested sitemap https://e.com/a.xml", "a.xml");
  }

  @Test
  void stopsFollowingIndexesBeyondMaxDepth() throws IOException {
    // index0 -> index1 -> index2 -> leaf; with maxDepth 2, index2 (depth 2) is read, leaf is not.
    write(dir, "index1.xml", index("https://e.com/index2.xml"));
    write(dir, "index2.xml", index("https://e.com/leaf.xml"));
    write(dir, "leaf.xml", urlset(url("https://e.com/deep")));
    Path root = write(dir, "index0.xml", index("https://e.com/index1.xml"));
    SitemapReader reader = SitemapReader.builder().canonicalizer(LOWER_HOST).maxDepth(2).build();

    SitemapResult result = reader.read(root);

    assertThat(result.entries()).isEmpty();
    assertThat(result.sitemapsRead()).isEqualTo(3);
    assertThat(result.truncated()).isTrue();
    assertThat(result.problems()).singleElement()
        .satisfies(p -> assertThat(p.source()).endsWith("index2.xml"))
        .extracting(SourceProblem::message).asString()
        .contains("https://e.com/leaf.xml", "maxDepth 2");
  }

  @Test
  void defaultDepthFollowsThreeLevels() throws IOException {
    write(dir, "i1.xml", index("https://e.com/i2.xml"));
    write(dir, "i2.xml", index("https://e.com/leaf.xml"));
    write(dir, "leaf.xml", urlset(url("https://e.com/deep")));
    Path root = write(dir, "i0.xml", index("https://e.com/i1.xml"));

    assertThat(urls(reader().read(root))).containsExactly("https://e.com/deep");
  }

  @Test
  void detectsCyclesAndRepeatedReferences() throws IOException {
    write(dir, "a.xml", index("https://e.com/b.xml", "https://e.com/leaf.xml"));
    write(dir, "b.xml", index("https://e.com/a.xml", "https://e.com/leaf.xml"));
    write(dir, "leaf.xml", urlset(url("https://e.com/x")));

    SitemapResult result = reader().read(dir.resolve("a.xml"));

    assertThat(urls(result)).containsExactly("https://e.com/x");
    assertThat(result.sitemapsRead()).isEqualTo(3);
    assertThat(result.problems())
        .extracting(SourceProblem::message)
        .satisfiesExactly(
            m -> assertThat(m).contains("cycle", "a.xml -> ", "b.xml -> "),
            m -> assertThat(m).contains("already read"));
  }

  @Test
  void resolverDecidesWhereNestedSitemapsComeFrom() {
    Map<String, String> remote =
        Map.of("https://e.com/s1.xml", urlset(url("https://e.com/one")));
    List<String> opened = new ArrayList<>();
    SitemapResolver resolver =
        loc -> {
          opened.add(loc);
          String xml = remote.get(loc);
          if (xml == null) {
            throw new NoSuchFileException(loc);
          }
          return new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8));
        };
    SitemapReader reader =
        SitemapReader.builder().canonicalizer(LOWER_HOST).resolver(resolver).build();

    SitemapResult result =
        readString(reader, index(" https://e.com/s1.xml ", "https://e.com/missing.xml"));

    assertThat(opened).containsExactly("https://e.com/s1.xml", "https://e.com/missing.xml");
    assertThat(result.entries()).singleElement()
        .satisfies(e -> assertThat(e.source()).isEqualTo("https://e.com/s1.xml"));
    assertThat(result.problems()).singleElement().extracting(SourceProblem::message).asString()
        .contains("missing.xml");
  }

  @Test
  void streamsWithoutResolverReportNestedSitemapsAsNotFollowed() {
    SitemapResult result = readString(reader(), index("https://e.com/s1.xml"));

    assertThat(result.entries()).isEmpty();
    assertThat(result.problems()).singleElement().extracting(SourceProblem::message).asString()
        .contains("no SitemapResolver configured");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"https://e.com/", "https://e.com/..", "https://e.com/a/.", "https://e.com/%2e%2e%2fsecret"})
  void directoryResolverNeverLeavesItsDirectory(String loc) throws IOException {
    Path sub = dir.resolve("maps");
    java.nio.file.Files.createDirectories(sub);
    write(dir, "secret", urlset(url("https://e.com/secret")));
    Path root = write(sub, "index.xml", index(loc));

    SitemapResult result = reader().read(root);

    assertThat(result.entries()).isEmpty();
    assertThat(result.problems()).singleElement().extracting(SourceProblem::message).asString()
        .contains("cannot open nested sitemap");
  }

  @Test
  void malformedXmlKeepsEntriesBeforeTheErrorAndReportsTheLine() {
    String xml = urlset(url("https://e.com/a"), "<url><loc>https://e.com/b</loc>", "</urlset>");

    SitemapResult result = readString(reader(), xml);

    assertThat(urls(result)).containsExactly("https://e.com/a");
    assertThat(result.problems()).singleElement()
        .satisfies(p -> assertThat(p.line()).isEqualTo(5))
        .extracting(SourceProblem::message).asString()
        .startsWith("malformed XML").contains("entries before this point were kept");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "<html><body/></html>|root element <html> is neither",
        "''|Premature end of file",
        "not xml at all|malformed XML",
      })
  void reportsFilesThatAreNotSitemaps(String content, String reason) {
    SitemapResult result = readString(reader(), content);

    assertThat(result.entries()).isEmpty();
    assertThat(result.problems()).singleElement().extracting(SourceProblem::message).asString()
        .contains(reason);
  }

  @Test
  void capsEntriesPerFileAndReportsIt() {
    SitemapReader reader =
        SitemapReader.builder().canonicalizer(LOWER_HOST).maxEntriesPerFile(2).build();

    SitemapResult result =
        readString(
            reader, urlset(url("https://e.com/1"), url("https://e.com/2"), url("https://e.com/3")));

    assertThat(urls(result)).containsExactly("https://e.com/1", "https://e.com/2");
    assertThat(result.truncated()).isTrue();
    assertThat(result.problems()).singleElement()
        .satisfies(p -> assertThat(p.line()).isEqualTo(5))
        .extracting(SourceProblem::message).asString().contains("maxEntriesPerFile", "2");
  }

  @Test
  void capsEntriesPerRunAcrossSitemaps() throws IOException {
    write(dir, "a.xml", urlset(url("https://e.com/1"), url("https://e.com/2")));
    write(dir, "b.xml", urlset(url("https://e.com/3"), url("https://e.com/4")));
    write(dir, "c.xml", urlset(url("https://e.com/5")));
    Path root =
        write(dir, "index.xml", index("https://e.com/a.xml", "https://e.com/b.xml", "https://e.com/c.xml"));
    SitemapReader reader =
        SitemapReader.builder().canonicalizer(LOWER_HOST).maxEntriesTotal(3).build();

    SitemapResult result = reader.read(root);

    assertThat(urls(result)).containsExactly("https://e.com/1", "https://e.com/2", "https://e.com/3");
    assertThat(result.sitemapsRead()).isEqualTo(3);
    assertThat(result.truncated()).isTrue();
    assertThat(result.problems()).singleElement().extracting(SourceProblem::message).asString()
        .contains("maxEntriesTotal of 3");
  }

  @Test
  void capsSitemapsPerRun() throws IOException {
    write(dir, "a.xml", urlset(url("https://e.com/a")));
    write(dir, "b.xml", urlset(url("https://e.com/b")));
    Path root = write(dir, "index.xml", index("https://e.com/a.xml", "https://e.com/b.xml"));
    SitemapReader reader = SitemapReader.builder().canonicalizer(LOWER_HOST).maxSitemaps(2).build();

    SitemapResult result = reader.read(root);

    assertThat(urls(result)).containsExactly("https://e.com/a");
    assertThat(result.truncated()).isTrue();
    assertThat(result.problems()).singleElement().extracting(SourceProblem::message).asString()
        .contains("maxSitemaps of 2");
  }

  @Test
  void keepsAtMostMaxProblemsButCountsAll() {
    SitemapReader reader = SitemapReader.builder().canonicalizer(LOWER_HOST).maxProblems(2).build();

    SitemapResult result =
        readString(reader, urlset(url("ftp://a"), url("ftp://b"), url("ftp://c"), url("https://e.com/")));

    assertThat(result.problems()).hasSize(2);
    assertThat(result.problemCount()).isEqualTo(3);
    assertThat(result.entriesSkipped()).isEqualTo(3);
    assertThat(urls(result)).containsExactly("https://e.com/");
  }

  @Test
  void resultConvertsToTrafficRecords() {
    SitemapResult result = readString(reader(), urlset(url("https://e.com/a"), url("https://e.com/b")));
    List<TrafficRecord> records = new ArrayList<>();

    result.forEachTrafficRecord(records::add);

    assertThat(records)
        .containsExactly(TrafficRecord.of("https://e.com/a"), TrafficRecord.of("https://e.com/b"));
  }

  @Test
  void rootFileThatCannotBeOpenedThrows() {
    assertThatThrownBy(() -> reader().read(dir.resolve("absent.xml")))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("absent.xml");
  }

  @Test
  void streamIsLeftOpenForTheCaller() {
    boolean[] closed = {false};
    InputStream in =
        new ByteArrayInputStream(urlset(url("https://e.com/")).getBytes(StandardCharsets.UTF_8)) {
          @Override
          public void close() {
            closed[0] = true;
          }
        };

    reader().read(in, "s");

    assertThat(closed[0]).isFalse();
  }

  @Test
  void builderDefaultsToTheStandardCanonicalizer() throws Exception {
    SitemapResult r = SitemapReader.builder().build().read(
        new java.io.ByteArrayInputStream(("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
            + "<url><loc>HTTPS://Example.COM:443/a/./b?utm_source=x</loc></url></urlset>")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8)), "s.xml");
    assertThat(r.entries()).extracting(SitemapEntry::url).containsExactly("https://example.com/a/b");
  }

  @Test
  void builderRejectsSettingTwice() {
    SitemapReader.Builder builder = SitemapReader.builder().maxDepth(1);

    assertThatThrownBy(() -> builder.maxDepth(2))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("maxDepth was already set to 1");
  }

  @ParameterizedTest
  @CsvSource({
    "maxDepth, -1, maxDepth must be >= 0 but was -1",
    "maxCompressedBytesPerFile, 0, maxCompressedBytesPerFile must be >= 1 but was 0",
    "maxDecompressedBytesPerFile, 0, maxDecompressedBytesPerFile must be >= 1 but was 0",
    "maxEntriesPerFile, 0, maxEntriesPerFile must be >= 1 but was 0",
    "maxEntriesTotal, -5, maxEntriesTotal must be >= 1 but was -5",
    "maxSitemaps, 0, maxSitemaps must be >= 1 but was 0",
    "maxUrlLength, 0, maxUrlLength must be >= 1 but was 0",
    "maxProblems, -1, maxProblems must be >= 0 but was -1",
  })
  void builderRejectsOutOfRangeValues(String setting, int value, String message) {
    SitemapReader.Builder builder = SitemapReader.builder();

    assertThatThrownBy(
            () -> {
              switch (setting) {
                case "maxDepth" -> builder.maxDepth(value);
                case "maxCompressedBytesPerFile" -> builder.maxCompressedBytesPerFile(value);
                case "maxDecompressedBytesPerFile" -> builder.maxDecompressedBytesPerFile(value);
                case "maxEntriesPerFile" -> builder.maxEntriesPerFile(value);
                case "maxEntriesTotal" -> builder.maxEntriesTotal(value);
                case "maxSitemaps" -> builder.maxSitemaps(value);
                case "maxUrlLength" -> builder.maxUrlLength(value);
                case "maxProblems" -> builder.maxProblems(value);
                default -> throw new AssertionError(setting);
              }
            })
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @Test
  void entryRejectsPriorityOutOfRange() {
    assertThatThrownBy(() -> new SitemapEntry("https://e.com/", null, 1.5, null, "s"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("priority must be within 0.0 and 1.0 but was 1.5");
  }

}
