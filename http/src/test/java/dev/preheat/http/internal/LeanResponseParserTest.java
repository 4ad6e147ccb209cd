package dev.preheat.http.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.MessageConstraintException;
import org.apache.hc.core5.http.ParseException;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.nio.DefaultHttpResponseParserFactory;
import org.apache.hc.core5.http.nio.NHttpMessageParser;
import org.apache.hc.core5.http.nio.SessionInputBuffer;
import org.junit.jupiter.api.Test;

/**
 * {@link LeanResponseParser} reads every response head as httpcore5's default parser (the one the
 * lean path used before) does: same status, reason, version, header names and values in order,
 * same failures; whole or split across reads at any byte; and one parser reused for several
 * responses on a connection.
 */
class LeanResponseParserTest {

  private static final String FOLDED =
      "HTTP/1.1 200 OK\r\nFolded: first\r\n  second\r\n\tthird\r\nNext: x\r\n\r\n";

  private static final List<String> HEADS = List.of(
      "HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Length: 12\r\nX-Cache-Status: MISS\r\n\r\n",
      "HTTP/1.1 304 Not Modified\r\nETag: \"abc\"\r\n\r\n",
      "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\n",
      "HTTP/1.1 200\r\nA: b\r\n\r\n",
      "HTTP/1.1 200 \r\nA: b\r\n\r\n",
      "HTTP/1.1 404   Not   Found  \r\nA:b\r\n\r\n",
      "HTTP/1.1 599 Odd\r\n\r\n",
      "HTTP/2.0 200 OK\r\nA: b\r\n\r\n",
      "  HTTP/1.1 200 OK\r\nA: b\r\n\r\n",
      "HTTP/1.1 200 OK\nLF-Only: yes\n\n",
      "\r\n\r\nHTTP/1.1 200 OK\r\nAfter: empty lines\r\n\r\n",
      FOLDED,
      "HTTP/1.1 200 OK\r\n Leading: space first\r\nB: c\r\n\r\n",
      "HTTP/1.1 200 OK\r\nSpaced  :  value with  inner  spaces \t \r\n\r\n",
      "HTTP/1.1 200 OK\r\nEmpty:\r\nEmpty-Too:   \r\n\r\n",
      "HTTP/1.1 200 OK\r\nColons: a:b:c\r\n\r\n",
      "HTTP/1.1 200 OK\r\nNul: a\0b\r\n\r\n",
      "HTTP/1.1 200 OK\r\nCase: One\r\ncase: two\r\nCASE: three\r\n\r\n",
      "HTTP/1.1 200 OK\r\nLatin: caf\u00e9\r\n\r\n");

  private static final List<String> BAD = List.of(
      "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
      "HTTP/1.1 200 OK\r\n: no name\r\n\r\n",
      "HTTP/1.1 200 OK\r\n   : blank name\r\n\r\n",
      "HTTP/1.1 abc OK\r\n\r\n",
      "HTTP/1.1 -20 OK\r\n\r\n",
      "HTTP/1.1 000 Zero\r\n\r\n",
      "HTTP/1.1 2000 Big\r\nA: b\r\n\r\n",
      "HTTX/1.1 200 OK\r\n\r\n",
      "http/1.1 200 OK\r\nA: b\r\n\r\n",
      "garbage\r\n\r\n");

  @Test
  void readsEveryHeadAsTheDefaultParserDoes() throws Exception {
    for (String head : HEADS) {
      assertThat(describe(parseAll(lean(), head, 1 << 20)))
          .as(head)
          .isEqualTo(describe(parseAll(standard(), head, 1 << 20)));
    }
  }

  @Test
  void failsWhereTheDefaultParserFails() {
    for (String head : BAD) {
      Throwable expected = catchThrowable(() -> parseAll(standard(), head, 1 << 20));
      Throwable actual = catchThrowable(() -> parseAll(lean(), head, 1 << 20));
      assertThat(expected).as(head).isNotNull();
      assertThat(actual).as(head).isNotNull().hasSameClassAs(expected)
          .hasMessage(expected.getMessage());
    }
  }

  @Test
  void aHeaderLineWithoutANameIsAParseException() {
    assertThat(catchThrowable(() -> parseAll(lean(), "HTTP/1.1 200 OK\r\nnope\r\n\r\n", 64)))
        .isInstanceOf(ParseException.class).hasMessageStartingWith("Invalid header");
  }

  @Test
  void sameResultsSplitAtEveryByte() throws Exception {
    String head = FOLDED;
    String expected = describe(parseAll(standard(), head, 1 << 20));
    for (int chunk = 1; chunk <= head.length(); chunk++) {
      assertThat(describe(parseAll(lean(), head, chunk))).as("chunk " + chunk)
          .isEqualTo(expected);
    }
  }

  @Test
  void oneParserForManyResponsesReusesNothingItShouldNot() throws Exception {
    Random random = new Random(7);
    NHttpMessageParser<HttpResponse> lean = lean();
    NHttpMessageParser<HttpResponse> standard = standard();
    for (int round = 0; round < 500; round++) {
      String head = randomHead(random);
      int chunk = 1 + random.nextInt(head.length());
      assertThat(describe(parseAll(lean, head, chunk))).as(head)
          .isEqualTo(describe(parseAll(standard, head, 1 << 20)));
    }
  }

  @Test
  void limitsAsTheDefault() {
    StringBuilder many = new StringBuilder("HTTP/1.1 200 OK\r\n");
    for (int i = 0; i < 5; i++) {
      many.append("H").append(i).append(": v\r\n");
    }
    many.append("\r\n");
    Http1Config fewHeaders = Http1Config.custom().setMaxHeaderCount(4).build();
    assertThat(catchThrowable(() -> parseAll(new LeanResponseParser(fewHeaders),
        many.toString(), 1 << 20)))
        .isInstanceOf(MessageConstraintException.class)
        .hasMessage("Maximum header count exceeded");

    Http1Config shortLines = Http1Config.custom().setMaxLineLength(40).build();
    String folded = "HTTP/1.1 200 OK\r\nA: 0123456789012345678901234567890\r\n  0123456789\r\n\r\n";
    Throwable expected = catchThrowable(() -> parseAll(
        new DefaultHttpResponseParserFactory(shortLines).create(), folded, 1 << 20));
    assertThat(expected).isInstanceOf(MessageConstraintException.class);
    assertThat(catchThrowable(() -> parseAll(new LeanResponseParser(shortLines), folded,
        1 << 20))).hasSameClassAs(expected).hasMessage(expected.getMessage());

    String emptyLines = "\r\n".repeat(Http1Config.DEFAULT.getMaxEmptyLineCount() + 1)
        + "HTTP/1.1 200 OK\r\n\r\n";
    Throwable tooMany = catchThrowable(() -> parseAll(standard(), emptyLines, 1 << 20));
    assertThat(tooMany).isInstanceOf(MessageConstraintException.class);
    assertThat(catchThrowable(() -> parseAll(lean(), emptyLines, 1 << 20)))
        .hasSameClassAs(tooMany).hasMessage(tooMany.getMessage());
  }

  @Test
  void aHeadCutByTheEndOfTheStreamEndsWhereTheDefaultEnds() throws Exception {
    String cut = "HTTP/1.1 200 OK\r\nA: b\r\nB: c";
    assertThat(describe(parseEnd(lean(), cut))).isEqualTo(describe(parseEnd(standard(), cut)));
    assertThat(parseEnd(lean(), "")).isNull();
  }

  // ---------------------------------------------------------------------------------------------

  private static NHttpMessageParser<HttpResponse> lean() {
    return LeanResponseParser.FACTORY.create();
  }

  private static NHttpMessageParser<HttpResponse> standard() {
    return new DefaultHttpResponseParserFactory(Http1Config.DEFAULT).create();
  }

  /** Feeds {@code head} in chunks of {@code chunk} bytes until a message comes out; resets. */
  private static HttpResponse parseAll(NHttpMessageParser<HttpResponse> parser, String head,
      int chunk) throws Exception {
    byte[] bytes = head.getBytes(StandardCharsets.ISO_8859_1);
    SessionInputBuffer in = sessionBuffer();
    HttpResponse result = null;
    for (int off = 0; off < bytes.length && result == null; off += chunk) {
      put(in, ByteBuffer.wrap(bytes, off, Math.min(chunk, bytes.length - off)));
      result = parser.parse(in, false);
    }
    parser.reset();
    assertThat(result).as("a message from " + head).isNotNull();
    return result;
  }

  /** Parses {@code head} followed by the end of the stream. */
  private static HttpResponse parseEnd(NHttpMessageParser<HttpResponse> parser, String head)
      throws Exception {
    SessionInputBuffer in = sessionBuffer();
    put(in, ByteBuffer.wrap(head.getBytes(StandardCharsets.ISO_8859_1)));
    HttpResponse r = parser.parse(in, true);
    parser.reset();
    return r;
  }

  /**
   * httpcore5's own session buffer (what a connection reads into), whose class is not public:
   * the parsers must see its exact {@code readLine} behaviour.
   */
  private static SessionInputBuffer sessionBuffer() throws Exception {
    Constructor<?> c = Class.forName("org.apache.hc.core5.http.impl.nio.SessionInputBufferImpl")
        .getConstructor(int.class, int.class, int.class, Charset.class);
    c.setAccessible(true);
    return (SessionInputBuffer) c.newInstance(8192, 256, 0, StandardCharsets.ISO_8859_1);
  }

  private static void put(SessionInputBuffer in, ByteBuffer bytes) throws Exception {
    Method put = in.getClass().getMethod("put", ByteBuffer.class);
    put.setAccessible(true);
    put.invoke(in, bytes);
  }

  private static String describe(HttpResponse r) {
    if (r == null) {
      return "null";
    }
    StringBuilder s = new StringBuilder();
    s.append(r.getVersion()).append(' ').append(r.getCode()).append(" [")
        .append(r.getReasonPhrase()).append("]\n");
    for (Header h : r.getHeaders()) {
      s.append('[').append(h.getName()).append("]=[").append(h.getValue()).append("]\n");
    }
    return s.toString();
  }

  private static String randomHead(Random random) {
    String[] names = {"Server", "Date", "Content-Type", "Content-Length", "ETag", "Age",
        "X-Cache-Status", "Cache-Control", "Vary", "Set-Cookie", "Connection"};
    String[] values = {"nginx", "text/html", "12", "\"v1\"", "max-age=3600", "MISS", "HIT",
        "keep-alive", "", "  padded  ", "a, b, c", "x=1; Path=/"};
    StringBuilder s = new StringBuilder(random.nextBoolean() ? "HTTP/1.1 " : "HTTP/1.0 ");
    s.append(100 + random.nextInt(500));
    s.append(random.nextInt(4) == 0 ? "" : " Reason " + random.nextInt(3)).append("\r\n");
    List<String> lines = new ArrayList<>();
    int n = random.nextInt(30);
    for (int i = 0; i < n; i++) {
      lines.add(names[random.nextInt(names.length)] + ":"
          + (random.nextBoolean() ? " " : "") + values[random.nextInt(values.length)]);
      if (random.nextInt(10) == 0) {
        lines.add(" folded " + random.nextInt(100));
      }
    }
    for (String line : lines) {
      s.append(line).append("\r\n");
    }
    return s.append("\r\n").toString();
  }
}
