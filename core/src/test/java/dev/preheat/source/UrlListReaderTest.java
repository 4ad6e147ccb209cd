package dev.preheat.source;

import static dev.preheat.source.SitemapTestSupport.LOWER_HOST;
import static dev.preheat.source.SitemapTestSupport.gzip;
import static dev.preheat.source.SitemapTestSupport.gzipBomb;
import static dev.preheat.source.SitemapTestSupport.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UrlListReaderTest {

  @TempDir Path dir;

  private static UrlListReader reader() {
    return UrlListReader.builder().canonicalizer(LOWER_HOST).build();
  }

  private static UrlListResult read(UrlListReader reader, String text) {
    return reader.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "list.txt");
  }

  @Test
  void readsUrlsSkippingCommentsBlankLinesAndTrimming() {
    String text =
        "# warm these first\n"
            + "https://Example.com/a\n"
            + "\n"
            + "   /b?x=1   \n"
            + "\t# indented comment\n"
            + "/c#section\r\n"
            + "https://example.com/a\n";

    UrlListResult result = read(reader(), text);

    assertThat(result.urls()).containsExactly("https://example.com/a", "/b?x=1", "/c#section");
    assertThat(result.problems()).isEmpty();
    assertThat(result.linesRead()).isEqualTo(7);
    assertThat(result.duplicates()).isEqualTo(1);
    assertThat(result.truncated()).isFalse();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "example.com/a|not an absolute http(s) URL or a path starting with /",
        "ftp://example.com/a|scheme 'ftp' is not http or https",
        "//example.com/a|scheme-relative",
        "https://|no host",
        "/a b|whitespace",
        "https://e.com/a\u0007b|control characters",
      })
  void reportsBadLinesWithLineNumberAndKeepsGoing(String line, String reason) {
    UrlListResult result = read(reader(), "/first\n" + line + "\n/last\n");

    assertThat(result.urls()).containsExactly("/first", "/last");
    assertThat(result.linesSkipped()).isEqualTo(1);
    assertThat(result.problems()).singleElement()
        .satisfies(p -> assertThat(p.toString()).startsWith("list.txt:2: "))
        .extracting(SourceProblem::message).asString().contains(reason);
  }

  @Test
  void reportsUrlsTheCanonicalizerRejects() {
    UrlListReader reader =
        UrlListReader.builder()
            .canonicalizer(
                u -> {
                  if (u.contains("..")) {
                    throw new IllegalArgumentException("dot segments not allowed");
                  }
                  return u;
                })
            .build();

    UrlListResult result = read(reader, "/ok\n/a/../b\n");

    assertThat(result.urls()).containsExactly("/ok");
    assertThat(result.problems()).singleElement()
        .satisfies(p -> assertThat(p.line()).isEqualTo(2))
        .extracting(SourceProblem::message).asString()
        .contains("invalid URL '/a/../b'", "dot segments not allowed");
  }

  @Test
  void skipsOversizedLinesWithoutKeepingThemAndCountsLinesCorrectly() {
    String huge = "/" + "x".repeat(3_000_000);
    UrlListReader reader =
        UrlListReader.builder().canonicalizer(LOWER_HOST).maxLineLength(1024).build();

    UrlListResult result = read(reader, "/a\n" + huge + "\r\n/b\r/c");

    assertThat(result.urls()).containsExactly("/a", "/b", "/c");
    assertThat(result.linesRead()).isEqualTo(4);
    assertThat(result.problems()).singleElement()
        .satisfies(p -> assertThat(p.line()).isEqualTo(2))
        .extracting(SourceProblem::message).asString()
        .contains("3000001 characters", "maxLineLength of 1024").hasSizeLessThan(200);
  }

  @Test
  void defaultLineCapIs64KiB() {
    String fits = "/" + "y".repeat(64 * 1024 - 1);
    String tooLong = "/" + "z".repeat(64 * 1024);

    UrlListResult result = read(reader(), fits + "\n" + tooLong + "\n");

    assertThat(result.urls()).containsExactly(fits);
    assertThat(result.problems()).singleElement().extracting(SourceProblem::line).isEqualTo(2L);
  }

  @Test
  void readsGzipTransparentlyAndStripsByteOrderMark() throws IOException {
    Path file = write(dir, "urls.txt", gzip("\uFEFF/a\n/b\n"));

    UrlListResult result = reader().read(file);

    assertThat(result.urls()).containsExactly("/a", "/b");
  }

  @Test
  void reportsInvalidUtf8Lines() {
    byte[] bytes = {'/', 'a', '\n', '/', (byte) 0xC3, (byte) 0x28, '\n', '/', 'c', '\n'};

    UrlListResult result = reader().read(new ByteArrayInputStream(bytes), "bin.txt");

    assertThat(result.urls()).containsExactly("/a", "/c");
    assertThat(result.problems()).singleElement()
        .satisfies(p -> assertThat(p.line()).isEqualTo(2))
        .extracting(SourceProblem::message).asString().contains("not valid UTF-8");
  }

  @Test
  void gzipBombStopsAtTheDecompressedCap() throws IOException {
    byte[] bomb = gzipBomb("/before\n", (byte) '\n', 50L * 1024 * 1024, "/after\n");
    Path file = write(dir, "bomb.txt.gz", bomb);
    UrlListReader reader =
        UrlListReader.builder()
            .canonicalizer(LOWER_HOST)
            .maxDecompressedBytesPerFile(1024 * 1024)
            .build();

    UrlListResult result = reader.read(file);

    assertThat(result.urls()).containsExactly("/before");
    assertThat(result.truncated()).isTrue();
    assertThat(result.problems()).singleElement().asString()
        .contains("bomb.txt.gz", "maxDecompressedBytesPerFile", "1048576 bytes (1 MiB)");
  }

  @Test
  void capsEntriesAndReportsWhereReadingStopped() {
    UrlListReader reader = UrlListReader.builder().canonicalizer(LOWER_HOST).maxEntries(2).build();

    UrlListResult result = read(reader, "/1\n/2\n/2\n/3\n/4\n");

    assertThat(result.urls()).containsExactly("/1", "/2");
    assertThat(result.truncated()).isTrue();
    assertThat(result.problems()).singleElement()
        .satisfies(p -> assertThat(p.line()).isEqualTo(4))
        .extracting(SourceProblem::message).asString().contains("maxEntries of 2");
  }

  @Test
  void keepsAtMostMaxProblemsButCountsAll() {
    UrlListReader reader = UrlListReader.builder().canonicalizer(LOWER_HOST).maxProblems(1).build();

    UrlListResult result = read(reader, "bad1\nbad2\n/ok\n");

    assertThat(result.problems()).hasSize(1);
    assertThat(result.problemCount()).isEqualTo(2);
    assertThat(result.urls()).containsExactly("/ok");
  }

  @Test
  void ioErrorMidStreamIsReportedAndEarlierUrlsKept() {
    InputStream failing =
        new InputStream() {
          private final byte[] head = "/a\n/b\n".getBytes(StandardCharsets.US_ASCII);
          private int position;

          @Override
          public int read() throws IOException {
            if (position < head.length) {
              return head[position++];
            }
            throw new IOException("connection reset");
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            if (position >= head.length) {
              throw new IOException("connection reset");
            }
            int n = Math.min(len, head.length - position);
            System.arraycopy(head, position, b, off, n);
            position += n;
            return n;
          }
        };

    UrlListResult result = reader().read(failing, "remote");

    assertThat(result.urls()).containsExactly("/a", "/b");
    assertThat(result.problems()).singleElement().extracting(SourceProblem::message).asString()
        .contains("connection reset");
  }

  @Test
  void resultConvertsToTrafficRecords() {
    List<TrafficRecord> records = new ArrayList<>();

    read(reader(), "/a\n/b\n").forEachTrafficRecord(records::add);

    assertThat(records).containsExactly(TrafficRecord.of("/a"), TrafficRecord.of("/b"));
  }

  @Test
  void builderValidates() {
    assertThat(UrlListReader.builder().build()).isNotNull();
    assertThatThrownBy(() -> UrlListReader.builder().maxLineLength(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxLineLength must be >= 1 but was 0");
    assertThatThrownBy(() -> UrlListReader.builder().maxEntries(5).maxEntries(6))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("maxEntries was already set to 5");
  }
}
