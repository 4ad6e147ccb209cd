package dev.preheat.internal.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The combined/common shortcut against the general matcher it stands in for: on every line of the
 * real Apache log, on hand-written edge cases and on hundreds of thousands of mutated lines, both
 * must give the same outcome and the same fields (or the same error).
 */
class PatternLineParserShortcutTest {

  private static final String[] EDGE_CASES = {
    "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET /a HTTP/1.1\" 200 12 \"-\" \"Mozilla/5.0\"",
    "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET /a HTTP/1.1\" 200 - \"-\" \"UA\"",
    "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"HEAD /a?b=c HTTP/2.0\" 304 0 \"r\" \"UA\" extra",
    "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"POST /a HTTP/1.0\" 201 5 \"r\" \"UA\"",
    "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"MKCOL /a HTTP/1.1\" 201 5 \"r\" \"UA\"",
    "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"get /a HTTP/1.1\" 200 5 \"r\" \"UA\"",
    "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET /a\" 200 5 \"r\" \"UA\"",
    "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET /a HTTP/\" 200 5 \"r\" \"UA\"",
    "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET /a HTTP/1.1 x\" 200 5 \"r\" \"UA\"",
    "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET /a b HTTP/1.1\" 200 5 \"r\" \"UA\"",
    "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET - HTTP/1.1\" 200 5 \"r\" \"UA\"",
    "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET  HTTP/1.1\" 200 5 \"r\" \"UA\"",
    "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"-\" 400 0 \"-\" \"-\"",
    "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET /a\\\"b HTTP/1.1\" 200 5 \"r\" \"UA\"",
    "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET /a HTTP/1.1\" 200 5 \"r\\\"x\" \"U\\\"A\"",
    "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET /a HTTP/1.1\" 200 5 \"r\" x\" \"UA\"",
    "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET /a HTTP/1.1\" 200 5 \"r\" \"UA",
    "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET /a HTTP/1.1\" 2000 5 \"r\" \"UA\"",
    "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET /a HTTP/1.1\" 20 5 \"r\" \"UA\"",
    "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET /a HTTP/1.1\" 200 5x \"r\" \"UA\"",
    "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET /a HTTP/1.1\" 200 1234567890123456789 \"r\" \"U\"",
    "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET /a HTTP/1.1\" 200  \"r\" \"UA\"",
    "1.2.3.4 - - [17/Foo/2015:10:05:03 +0000] \"GET /a HTTP/1.1\" 200 5 \"r\" \"UA\"",
    "1.2.3.4 - - [31/Feb/2015:10:05:03 +0000] \"GET /a HTTP/1.1\" 200 5 \"r\" \"UA\"",
    "1.2.3.4 - - [17/May/2015:10:05:03 +0000 ] \"GET /a HTTP/1.1\" 200 5 \"r\" \"UA\"",
    "1.2.3.4 - - [17/May/2015:10:05:03] \"GET /a HTTP/1.1\" 200 5 \"r\" \"UA\"",
    "1.2.3.4 - user name [17/May/2015:10:05:03 +0000] \"GET /a HTTP/1.1\" 200 5 \"r\" \"UA\"",
    "1.2.3.4 - us[er [17/May/2015:10:05:03 +0000] \"GET /a HTTP/1.1\" 200 5 \"r\" \"UA\"",
    "1.2.3.4 - [17/May/2015:10:05:03 +0000] \"GET /a HTTP/1.1\" 200 5 \"r\" \"UA\"",
    "1.2.3.4 -  [17/May/2015:10:05:03 +0000] \"GET /a HTTP/1.1\" 200 5 \"r\" \"UA\"",
    "::1 - - [17/May/2015:10:05:03 +0000] \"GET /a HTTP/1.1\" 200 5 \"r\" \"UA\"",
    "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET /\u00e9t\u00e9?q=\u00fc HTTP/1.1\" 200 5 \"r\" \"UA\"",
    "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET /a\tb HTTP/1.1\" 200 5 \"r\" \"UA\"",
    "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET /a\u007fb HTTP/1.1\" 200 5 \"r\" \"UA\"",
    "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET /a HTTP/1.1\" 200 5 \"r\u0001\" \"UA\"",
    "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET /a HTTP/1.1\" 200 5",
    "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET /a HTTP/1.1\" 200 5 extra",
    "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET /a HTTP/1.1\" 200",
    "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET /a HTTP/1.1\"",
    "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET",
    "1.2.3.4 - - [17/May/2015:10:05:03 +0000]",
    "1.2.3.4 - - [17/May/2015:10",
    "1.2.3.4",
    "",
    "garbage",
    "\"\"\"\"\"\"\"\"",
  };

  /** The real log's lines; for the common format cut before the referer. */
  private static List<byte[]> realLines(String format) throws IOException, URISyntaxException {
    Path log = Path.of(PatternLineParserShortcutTest.class
        .getResource("/logs/apache-combined-10k.log").toURI());
    List<byte[]> lines = new ArrayList<>();
    for (String line : Files.readAllLines(log, StandardCharsets.ISO_8859_1)) {
      if (format.equals(PatternLineParser.COMMON)) {
        int quote = line.indexOf('"', line.indexOf('"', line.indexOf('"') + 1) + 1);
        line = quote > 0 ? line.substring(0, quote - 1) : line;
      }
      lines.add(line.getBytes(StandardCharsets.ISO_8859_1));
    }
    return lines;
  }

  private static List<byte[]> edgeCases() {
    List<byte[]> lines = new ArrayList<>();
    for (String s : EDGE_CASES) {
      lines.add(s.getBytes(StandardCharsets.UTF_8));
    }
    return lines;
  }

  @ParameterizedTest
  @ValueSource(strings = {PatternLineParser.COMBINED, PatternLineParser.COMMON})
  void sameAsTheGeneralMatcherOnRealAndEdgeCaseLines(String format) throws Exception {
    PatternLineParser fast = PatternLineParser.compile(format, true);
    PatternLineParser general = fast.withoutShortcut();
    List<byte[]> lines = new ArrayList<>(realLines(format));
    lines.addAll(edgeCases());
    int records = 0;
    for (byte[] line : lines) {
      records += compare(fast, general, line) ? 1 : 0;
    }
    assertThat(records).as("lines read as records").isGreaterThan(9_990);
  }

  /**
   * Random edits (the bytes that delimit fields, escapes, controls, digits, UTF-8) at random
   * places of real lines: whatever the shortcut accepts, the general matcher reads identically.
   */
  @ParameterizedTest
  @ValueSource(strings = {PatternLineParser.COMBINED, PatternLineParser.COMMON})
  void sameAsTheGeneralMatcherOnMutatedLines(String format) throws Exception {
    PatternLineParser fast = PatternLineParser.compile(format, true);
    PatternLineParser general = fast.withoutShortcut();
    List<byte[]> seeds = new ArrayList<>(realLines(format));
    seeds.addAll(edgeCases());
    byte[] tricky = " \"\\[]-:/+.0123456789HTPGE\t\u007f\u0001\r\n?#%".getBytes(StandardCharsets.ISO_8859_1);
    Random random = new Random(42);
    int records = 0;
    int malformed = 0;
    for (int n = 0; n < 200_000; n++) {
      byte[] line = seeds.get(random.nextInt(seeds.size()));
      int edits = 1 + random.nextInt(3);
      for (int k = 0; k < edits; k++) {
        line = mutate(line, random, tricky);
      }
      if (compare(fast, general, line)) {
        records++;
      } else {
        malformed++;
      }
    }
    assertThat(records).isGreaterThan(10_000);
    assertThat(malformed).isGreaterThan(10_000);
  }

  private static byte[] mutate(byte[] line, Random random, byte[] tricky) {
    byte c = random.nextInt(8) == 0 ? (byte) (0xC3 + random.nextInt(2)) : tricky[random.nextInt(tricky.length)];
    int at = line.length == 0 ? 0 : random.nextInt(line.length + 1);
    switch (random.nextInt(3)) {
      case 0: { // replace
        if (at == line.length) {
          return mutate(line, random, tricky);
        }
        byte[] copy = line.clone();
        copy[at] = c;
        return copy;
      }
      case 1: { // insert
        byte[] copy = new byte[line.length + 1];
        System.arraycopy(line, 0, copy, 0, at);
        copy[at] = c;
        System.arraycopy(line, at, copy, at + 1, line.length - at);
        return copy;
      }
      default: { // delete
        if (at == line.length) {
          return line;
        }
        byte[] copy = new byte[line.length - 1];
        System.arraycopy(line, 0, copy, 0, at);
        System.arraycopy(line, at + 1, copy, at, line.length - at - 1);
        return copy;
      }
    }
  }

  /** Parses {@code line} (inside a larger buffer, as the scanner does) both ways; true if a record. */
  private static boolean compare(PatternLineParser fast, PatternLineParser general, byte[] line) {
    byte[] buf = new byte[line.length + 16];
    Arrays.fill(buf, (byte) '"');
    System.arraycopy(line, 0, buf, 8, line.length);
    ParsedLine a = new ParsedLine();
    ParsedLine b = new ParsedLine();
    int ra = fast.parse(buf, 8, 8 + line.length, false, a);
    int rb = general.parse(buf, 8, 8 + line.length, false, b);
    String text = new String(line, StandardCharsets.ISO_8859_1);
    assertThat(ra).as("outcome of %s", text).isEqualTo(rb);
    assertThat(a.error).as("error for %s", text).isEqualTo(b.error);
    if (ra != LineParser.RECORD) {
      return false;
    }
    assertThat(a.method).as("method of %s", text).isEqualTo(b.method);
    assertThat(range(a.target, a.targetOff, a.targetLen)).as("target of %s", text)
        .isEqualTo(range(b.target, b.targetOff, b.targetLen));
    assertThat(a.status).as("status of %s", text).isEqualTo(b.status);
    assertThat(a.bytes).as("bytes of %s", text).isEqualTo(b.bytes);
    assertThat(a.epochMillis).as("time of %s", text).isEqualTo(b.epochMillis);
    assertThat(a.cacheStatus).as("cache status of %s", text).isEqualTo(b.cacheStatus);
    assertThat(a.count).isEqualTo(b.count);
    assertThat(a.userAgent == null).as("user agent presence of %s", text)
        .isEqualTo(b.userAgent == null);
    if (a.userAgent != null) {
      assertThat(range(a.userAgent, a.userAgentOff, a.userAgentLen)).as("user agent of %s", text)
          .isEqualTo(range(b.userAgent, b.userAgentOff, b.userAgentLen));
    }
    return true;
  }

  private static String range(byte[] b, int off, int len) {
    return new String(b, off, len, StandardCharsets.ISO_8859_1);
  }
}
