package dev.preheat.http.internal;

import java.io.IOException;
import java.util.Arrays;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.HttpVersion;
import org.apache.hc.core5.http.MessageConstraintException;
import org.apache.hc.core5.http.ParseException;
import org.apache.hc.core5.http.ProtocolVersion;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.nio.DefaultHttpResponseFactory;
import org.apache.hc.core5.http.message.BasicHeader;
import org.apache.hc.core5.http.message.LazyLaxLineParser;
import org.apache.hc.core5.http.message.StatusLine;
import org.apache.hc.core5.http.nio.NHttpMessageParser;
import org.apache.hc.core5.http.nio.NHttpMessageParserFactory;
import org.apache.hc.core5.http.nio.SessionInputBuffer;
import org.apache.hc.core5.util.CharArrayBuffer;
import org.jspecify.annotations.Nullable;

/**
 * The response head parser of the lean HTTP/1.1 path: the same messages, headers and errors as
 * httpcore5's default ({@code DefaultHttpResponseParser} with {@code LazyLaxLineParser}: the
 * same line, header-count and empty-line limits, folded header lines joined the same way, the
 * same {@link ParseException} for a line without a name), with less garbage per response. The
 * default allocates a line buffer per header line, a {@code BufferedHeader} that keeps it, and
 * builds each value again (a {@code StringBuilder}) whenever it is read; the status line goes
 * through a tokenizer that boxes its bounds checks' arguments. Here one connection's parser
 * keeps its line buffers from response to response, reads {@code HTTP/1.x NNN reason} directly
 * (anything else goes to the default status-line parser), and a header's name and value become
 * {@link BasicHeader} strings once, reusing the previous response's string for the same header
 * position when the characters are equal (a warm run sees the same names and many of the same
 * values, e.g. {@code Server}, {@code Content-Type}, {@code Connection}, over and over).
 *
 * <p>One instance per connection, used on its I/O thread only, as httpcore5 does with its own.
 */
final class LeanResponseParser implements NHttpMessageParser<HttpResponse> {

  /**
   * Creates parsers with httpcore5's default limits, to compare with its default parser
   * (LeanHttp1Client creates its own with {@link LeanHttp1Client#LIMITS}).
   */
  static final NHttpMessageParserFactory<HttpResponse> FACTORY =
      () -> new LeanResponseParser(Http1Config.DEFAULT);

  private final Http1Config constraints;
  private final CharArrayBuffer headLine = new CharArrayBuffer(64);
  /** Header lines of the message being read: {@code lines[0..count)}; kept for the next one. */
  private CharArrayBuffer[] lines = new CharArrayBuffer[16];
  private int count;
  /** The names and values built for the previous message, by header position. */
  private String[] names = new String[16];
  private String[] values = new String[16];
  private boolean readingHeaders;
  private int emptyLineCount;
  private @Nullable HttpResponse message;

  LeanResponseParser(Http1Config constraints) {
    this.constraints = constraints;
  }

  @Override
  public void reset() {
    readingHeaders = false;
    count = 0;
    emptyLineCount = 0;
    message = null;
  }

  @Override
  public @Nullable HttpResponse parse(SessionInputBuffer sessionBuffer, boolean endOfStream)
      throws IOException, HttpException {
    boolean completed = false;
    while (!completed) {
      CharArrayBuffer line = readingHeaders ? slot(count) : headLine;
      line.clear();
      boolean lineComplete = sessionBuffer.readLine(line, endOfStream);
      int maxLineLen = constraints.getMaxLineLength();
      if (maxLineLen > 0 && (line.length() > maxLineLen
          || (!lineComplete && sessionBuffer.length() > maxLineLen))) {
        throw new MessageConstraintException("Maximum line length limit exceeded");
      }
      if (!lineComplete) {
        break;
      }
      if (!readingHeaders) {
        if (line.isEmpty()) {
          emptyLineCount++;
          if (emptyLineCount >= constraints.getMaxEmptyLineCount()) {
            throw new MessageConstraintException("Maximum empty line limit exceeded");
          }
        } else {
          message = statusLine(line);
          readingHeaders = true;
        }
      } else if (line.length() > 0) {
        int maxHeaderCount = constraints.getMaxHeaderCount();
        if (maxHeaderCount > 0 && count >= maxHeaderCount) {
          throw new MessageConstraintException("Maximum header count exceeded");
        }
        headerLine(line);
      } else {
        completed = true;
      }
      if (endOfStream && !sessionBuffer.hasData()) {
        completed = true;
      }
    }
    if (!completed) {
      return null;
    }
    HttpResponse m = message;
    if (m != null) {
      for (int i = 0; i < count; i++) {
        m.addHeader(header(i));
      }
    }
    return m;
  }

  /** The buffer for header line {@code i}, reused from earlier messages. */
  private CharArrayBuffer slot(int i) {
    if (i == lines.length) {
      int n = lines.length * 2;
      lines = Arrays.copyOf(lines, n);
      names = Arrays.copyOf(names, n);
      values = Arrays.copyOf(values, n);
    }
    CharArrayBuffer b = lines[i];
    if (b == null) {
      b = new CharArrayBuffer(64);
      lines[i] = b;
    }
    return b;
  }

  /** Appends a folded line to the previous header, or keeps the line as the next header. */
  private void headerLine(CharArrayBuffer current) throws MessageConstraintException {
    char first = current.charAt(0);
    if ((first == ' ' || first == '\t') && count > 0) {
      CharArrayBuffer previous = lines[count - 1];
      int i = 0;
      while (i < current.length()) {
        char ch = current.charAt(i);
        if (ch != ' ' && ch != '\t') {
          break;
        }
        i++;
      }
      int maxLineLen = constraints.getMaxLineLength();
      if (maxLineLen > 0 && previous.length() + 1 + current.length() - i > maxLineLen) {
        throw new MessageConstraintException("Maximum line length limit exceeded");
      }
      previous.append(' ');
      previous.append(current, i, current.length() - i);
    } else {
      count++;
    }
  }

  /**
   * {@code HTTP/1.1 200 OK} and {@code HTTP/1.0 ...} with a three-digit code read here, as the
   * default parser reads them; any other line is left to it.
   */
  private static HttpResponse statusLine(CharArrayBuffer line) throws HttpException {
    int len = line.length();
    char[] c = line.array();
    if (len >= 12 && c[0] == 'H' && c[1] == 'T' && c[2] == 'T' && c[3] == 'P' && c[4] == '/'
        && c[5] == '1' && c[6] == '.' && (c[7] == '1' || c[7] == '0') && c[8] == ' '
        && isDigit(c[9]) && isDigit(c[10]) && isDigit(c[11]) && (len == 12 || c[12] == ' ')) {
      int code = (c[9] - '0') * 100 + (c[10] - '0') * 10 + (c[11] - '0');
      if (code > 0) {
        HttpResponse r = DefaultHttpResponseFactory.INSTANCE.newHttpResponse(code,
            line.substringTrimmed(12, len));
        r.setVersion(c[7] == '1' ? HttpVersion.HTTP_1_1 : HttpVersion.HTTP_1_0);
        return r;
      }
    }
    StatusLine status = LazyLaxLineParser.INSTANCE.parseStatusLine(line);
    HttpResponse r = DefaultHttpResponseFactory.INSTANCE.newHttpResponse(status.getStatusCode(),
        status.getReasonPhrase());
    ProtocolVersion version = status.getProtocolVersion();
    r.setVersion(version);
    return r;
  }

  private static boolean isDigit(char ch) {
    return ch >= '0' && ch <= '9';
  }

  /**
   * Header {@code i}, as httpcore5's lax {@code BufferedHeader} reads the line: the name is the
   * trimmed text before the first colon (which must exist and not start the line; the name must
   * not be empty), the value the trimmed rest with each CR, LF and NUL turned into a space.
   */
  private BasicHeader header(int i) throws ParseException {
    CharArrayBuffer b = lines[i];
    int len = b.length();
    char[] c = b.array();
    int colon = b.indexOf(':');
    if (colon <= 0) {
      throw new ParseException("Invalid header", b, 0, len);
    }
    int from = 0;
    int to = colon;
    while (from < to && isWhitespace(c[from])) {
      from++;
    }
    while (to > from && isWhitespace(c[to - 1])) {
      to--;
    }
    if (from == to) {
      throw new ParseException("Invalid header", b, 0, len, colon);
    }
    String name = names[i];
    if (name == null || !sameChars(name, c, from, to)) {
      name = new String(c, from, to - from);
      names[i] = name;
    }
    int vFrom = colon + 1;
    int vTo = len;
    while (vFrom < vTo && isWhitespace(c[vFrom])) {
      vFrom++;
    }
    while (vTo > vFrom && isWhitespace(c[vTo - 1])) {
      vTo--;
    }
    boolean plain = true;
    for (int k = vFrom; k < vTo; k++) {
      char ch = c[k];
      if (ch == '\r' || ch == '\n' || ch == 0) {
        plain = false;
        break;
      }
    }
    String value = values[i];
    if (!plain) {
      char[] v = Arrays.copyOfRange(c, vFrom, vTo);
      for (int k = 0; k < v.length; k++) {
        if (v[k] == '\r' || v[k] == '\n' || v[k] == 0) {
          v[k] = ' ';
        }
      }
      value = new String(v);
      values[i] = null;
    } else if (value == null || !sameChars(value, c, vFrom, vTo)) {
      value = new String(c, vFrom, vTo - vFrom);
      values[i] = value;
    }
    return new BasicHeader(name, value);
  }

  /** httpcore5's {@code Tokenizer.isWhitespace}. */
  private static boolean isWhitespace(char ch) {
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
  }

  private static boolean sameChars(String s, char[] c, int from, int to) {
    int n = to - from;
    if (s.length() != n) {
      return false;
    }
    for (int k = 0; k < n; k++) {
      if (s.charAt(k) != c[from + k]) {
        return false;
      }
    }
    return true;
  }
}
