package dev.preheat.internal.source;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses lines written by an nginx {@code log_format} (and the Apache combined/common formats,
 * which are such formats): the format is compiled once into literals and variables, then each
 * line is matched at the byte level, left to right, without regular expressions or per-line
 * strings.
 *
 * <p>A variable's value runs up to the next occurrence of the literal text that follows it in the
 * format. Inside double quotes a backslash escapes the next byte, so Apache's {@code \"} does not
 * end a quoted user agent.
 */
public final class PatternLineParser implements LineParser {

  // Roles of the variables this parser understands; every other variable is matched and ignored.
  private static final int OPAQUE = 0;
  private static final int REQUEST = 1;
  private static final int METHOD = 2;
  private static final int REQUEST_URI = 3;
  private static final int URI = 4;
  private static final int ARGS = 5;
  private static final int STATUS = 6;
  private static final int BODY_BYTES = 7;
  private static final int BYTES_SENT = 8;
  private static final int TIME_LOCAL = 9;
  private static final int TIME_ISO = 10;
  private static final int MSEC = 11;
  private static final int CACHE_STATUS = 12;
  private static final int USER_AGENT = 13;
  private static final int SCHEME = 14;
  private static final int HOST = 15;

  /** The format nginx calls {@code combined}; Apache's {@code %h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"}. */
  public static final String COMBINED =
      "$remote_addr $remote_ident $remote_user [$time_local] \"$request\" $status $body_bytes_sent"
          + " \"$http_referer\" \"$http_user_agent\"";

  /** Apache's common log format {@code %h %l %u %t "%r" %>s %b}. */
  public static final String COMMON =
      "$remote_addr $remote_ident $remote_user [$time_local] \"$request\" $status $body_bytes_sent";

  private final byte[] leading;
  private final String[] names;
  private final int[] roles;
  private final byte[][] literals; // literals[i] follows variable i; empty only for the last one
  private final boolean[] quoted;
  private final boolean allowTrailing;
  private final boolean hasMethodVar;
  private final boolean hasUri;
  private final boolean absolute;
  /** {@link #SHAPE_COMBINED} or {@link #SHAPE_COMMON} when {@link #shortcut} applies, else 0. */
  private final int shape;
  private final Timestamps timestamps = new Timestamps();
  private byte[] scratch = new byte[256];

  private static final int SHAPE_COMBINED = 1;
  private static final int SHAPE_COMMON = 2;

  /** Returned by {@link #shortcut} for a line the general matcher must read. */
  private static final int GENERAL = -1;

  private PatternLineParser(byte[] leading, String[] names, int[] roles, byte[][] literals,
      boolean[] quoted, boolean allowTrailing, int shape) {
    this.leading = leading;
    this.names = names;
    this.roles = roles;
    this.literals = literals;
    this.quoted = quoted;
    this.allowTrailing = allowTrailing;
    this.hasMethodVar = contains(roles, METHOD);
    this.hasUri = !contains(roles, REQUEST) && !contains(roles, REQUEST_URI);
    this.absolute = contains(roles, SCHEME) && contains(roles, HOST);
    this.shape = shape;
  }

  private PatternLineParser(PatternLineParser template, int shape) {
    this(template.leading, template.names, template.roles, template.literals, template.quoted,
        template.allowTrailing, shape);
  }

  /**
   * Compiles an nginx {@code log_format} string.
   *
   * @param format the format, e.g. {@code $remote_addr [$time_local] "$request" $status}
   * @param allowTrailing whether lines may carry extra text after the last variable (true for the
   *     built-in formats, since many servers append fields to them)
   * @throws IllegalArgumentException if the format has no request variable, two variables without
   *     literal text between them, or an empty variable name
   */
  public static PatternLineParser compile(String format, boolean allowTrailing) {
    List<String> names = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    int i = 0;
    while (i < format.length()) {
      char c = format.charAt(i);
      if (c != '$') {
        text.append(c);
        i++;
        continue;
      }
      int start = i + 1;
      boolean braced = start < format.length() && format.charAt(start) == '{';
      int j = braced ? start + 1 : start;
      while (j < format.length() && isNameChar(format.charAt(j))) {
        j++;
      }
      String name = format.substring(braced ? start + 1 : start, j);
      if (name.isEmpty()) {
        throw new IllegalArgumentException(
            "log_format has a '$' without a variable name at offset " + i + ": " + format);
      }
      if (braced) {
        if (j >= format.length() || format.charAt(j) != '}') {
          throw new IllegalArgumentException(
              "log_format variable ${" + name + " is missing its '}' at offset " + i);
        }
        j++;
      }
      if (!names.isEmpty() && text.length() == 0) {
        throw new IllegalArgumentException(
            "log_format variables $" + names.get(names.size() - 1) + " and $" + name
                + " need literal text between them to be told apart");
      }
      texts.add(text.toString());
      text.setLength(0);
      names.add(name.toLowerCase(Locale.ROOT));
      i = j;
    }
    texts.add(text.toString());
    if (names.isEmpty()) {
      throw new IllegalArgumentException("log_format contains no variables: " + format);
    }
    int n = names.size();
    int[] roles = new int[n];
    byte[][] literals = new byte[n][];
    boolean[] quoted = new boolean[n];
    for (int v = 0; v < n; v++) {
      roles[v] = role(names.get(v));
      literals[v] = texts.get(v + 1).getBytes(StandardCharsets.UTF_8);
      quoted[v] = texts.get(v).endsWith("\"") && texts.get(v + 1).startsWith("\"");
    }
    if (!contains(roles, REQUEST) && !contains(roles, REQUEST_URI) && !contains(roles, URI)) {
      throw new IllegalArgumentException(
          "log_format must contain $request, $request_uri or $uri so the URL can be read: "
              + format);
    }
    int shape = !allowTrailing ? 0
        : format.equals(COMBINED) ? SHAPE_COMBINED : format.equals(COMMON) ? SHAPE_COMMON : 0;
    return new PatternLineParser(texts.get(0).getBytes(StandardCharsets.UTF_8),
        names.toArray(new String[0]), roles, literals, quoted, allowTrailing, shape);
  }

  /** A fresh parser for another worker, sharing the compiled format. */
  public PatternLineParser copy() {
    return new PatternLineParser(this, shape);
  }

  /** A copy that always uses the general matcher (to test the shortcut against it). */
  PatternLineParser withoutShortcut() {
    return new PatternLineParser(this, 0);
  }

  private static boolean isNameChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  }

  private static boolean contains(int[] roles, int role) {
    for (int r : roles) {
      if (r == role) {
        return true;
      }
    }
    return false;
  }

  private static int role(String name) {
    switch (name) {
      case "request":
        return REQUEST;
      case "request_method":
        return METHOD;
      case "request_uri":
        return REQUEST_URI;
      case "uri":
      case "document_uri":
        return URI;
      case "args":
      case "query_string":
        return ARGS;
      case "status":
        return STATUS;
      case "body_bytes_sent":
        return BODY_BYTES;
      case "bytes_sent":
        return BYTES_SENT;
      case "time_local":
        return TIME_LOCAL;
      case "time_iso8601":
        return TIME_ISO;
      case "msec":
        return MSEC;
      case "upstream_cache_status":
        return CACHE_STATUS;
      case "http_user_agent":
        return USER_AGENT;
      case "scheme":
        return SCHEME;
      case "host":
      case "http_host":
        return HOST;
      default:
        return OPAQUE;
    }
  }

  @Override
  public boolean splittable() {
    return true;
  }

  @Override
  public void startFile() {
    // Lines are independent: nothing to reset.
  }

  @Override
  public int parse(byte[] b, int off, int end, boolean firstLineOfFile, ParsedLine out) {
    if (shape != 0 && shortcut(b, off, end, out) >= 0) {
      return LineParser.RECORD;
    }
    out.reset();
    return general(b, off, end, out);
  }

  /**
   * For the combined format: parses the line that starts at {@code off} and ends at the first
   * newline in {@code b[off, limit)}, without looking for that newline first (the fields are
   * read up to the user agent's closing quote, which is usually right before it).
   *
   * @return the index of the line's newline if the line is a record (then {@code out} holds it
   *     exactly as {@link #parse} would fill it for the line without its terminator, less a
   *     trailing CR); -1 if {@link #parse} must read the line (not the usual shape, or its newline
   *     is not within {@code limit}), and {@code out} must be reset
   */
  public int parseThroughNewline(byte[] b, int off, int limit, ParsedLine out) {
    if (shape != SHAPE_COMBINED) {
      return -1;
    }
    int after = shortcut(b, off, limit, out);
    if (after < 0) {
      return -1;
    }
    return after < limit && b[after] == '\n' ? after : Bytes.indexOfNewline(b, after, limit);
  }

  /**
   * Reads a well-formed combined or common line in one left-to-right pass with fixed offsets
   * where the format allows them ({@code [time]} is 26 bytes, the status 3 digits), and returns
   * {@link #GENERAL} at the first byte that is not the usual shape (escapes in quoted fields, a
   * user name with {@code [}, an odd protocol, anything malformed), so that {@link #general}
   * reads the line and decides. It accepts exactly the lines {@code general} reads the same way;
   * {@code PatternLineParserShortcutTest} compares the two on generated and real lines.
   *
   * <p>No field it reads may contain a newline, so {@code end} may also lie beyond the line's
   * end (see {@link #parseThroughNewline}).
   *
   * @return the index after the last field read (the user agent's closing quote for combined,
   *     {@code end} for common), or {@link #GENERAL}
   */
  private int shortcut(byte[] b, int off, int end, ParsedLine out) {
    // $remote_addr SP $remote_ident SP $remote_user " [": the user runs to the first " [".
    int addrEnd = Bytes.indexOfOrNewline(b, off, end, (byte) ' ');
    if (addrEnd < 0 || b[addrEnd] != ' ') {
      return GENERAL;
    }
    int identEnd = Bytes.indexOfOrNewline(b, addrEnd + 1, end, (byte) ' ');
    if (identEnd < 0 || b[identEnd] != ' ') {
      return GENERAL;
    }
    int bracket = Bytes.indexOfOrNewline(b, identEnd + 1, end, (byte) '[');
    if (bracket < identEnd + 2 || b[bracket] != '[' || b[bracket - 1] != ' ') {
      return GENERAL;
    }
    // [$time_local] "  : a valid time has no ']', so the first '] "' follows its 26 bytes.
    int time = bracket + 1;
    int request = time + 29;
    if (request > end || b[time + 26] != ']' || b[time + 27] != ' ' || b[time + 28] != '"') {
      return GENERAL;
    }
    long millis = timestamps.clf(b, time, time + 26);
    if (millis == Timestamps.INVALID) {
      return GENERAL;
    }
    // $request: METHOD SP target SP HTTP/digits-and-dots, then '" '.
    int sp;
    String method;
    if (request + 4 <= end && b[request] == 'G' && b[request + 1] == 'E'
        && b[request + 2] == 'T' && b[request + 3] == ' ') {
      method = "GET";
      sp = request + 3;
    } else {
      sp = Bytes.indexOf(b, request, Math.min(end, request + Bytes.MAX_METHOD_LENGTH + 1),
          (byte) ' ');
      if (sp <= request) {
        return GENERAL;
      }
      method = Bytes.method(b, request, sp);
      if (method == null) {
        return GENERAL;
      }
    }
    int target = sp + 1;
    int targetEnd = Bytes.indexOfTargetEnd(b, target, end);
    if (targetEnd < 0 || b[targetEnd] != ' ' || targetEnd == target
        || Bytes.isSingle(b, target, targetEnd, '-') || targetEnd + 6 > end
        || b[targetEnd + 1] != 'H' || b[targetEnd + 2] != 'T' || b[targetEnd + 3] != 'T'
        || b[targetEnd + 4] != 'P' || b[targetEnd + 5] != '/') {
      return GENERAL;
    }
    int q = targetEnd + 6;
    int protocolEnd = Math.min(end, q + 8);
    while (q < protocolEnd && ((b[q] >= '0' && b[q] <= '9') || b[q] == '.')) {
      q++;
    }
    // '" ' then $status (three digits) and ' '.
    int status = q + 2;
    if (status + 4 > end || b[q] != '"' || b[q + 1] != ' ' || b[status + 3] != ' ') {
      return GENERAL;
    }
    int code = Bytes.parseStatus(b, status, status + 3);
    if (code < 0) {
      return GENERAL;
    }
    int size = status + 4;
    long bytes;
    int sizeEnd;
    int after = end;
    if (shape == SHAPE_COMMON) {
      // $body_bytes_sent is the last variable: it runs to the end of the line.
      sizeEnd = end;
      bytes = Bytes.parseSize(b, size, end);
    } else {
      // $body_bytes_sent ' "': digits or '-' up to the first ' "'.
      sizeEnd = size;
      while (sizeEnd < end && b[sizeEnd] >= '0' && b[sizeEnd] <= '9') {
        sizeEnd++;
      }
      if (sizeEnd == size && sizeEnd < end && b[sizeEnd] == '-') {
        sizeEnd++;
      }
      if (sizeEnd + 2 > end || b[sizeEnd] != ' ' || b[sizeEnd + 1] != '"') {
        return GENERAL;
      }
      bytes = Bytes.parseSize(b, size, sizeEnd);
    }
    if (bytes < 0) {
      return GENERAL;
    }
    if (shape == SHAPE_COMBINED) {
      // "$http_referer" "$http_user_agent": quoted, no escapes on this path.
      int referer = sizeEnd + 2;
      int refererEnd =
          Bytes.indexOfEitherOrNewline(b, referer, end, (byte) '"', (byte) '\\');
      if (refererEnd < 0 || refererEnd + 3 > end || b[refererEnd] != '"'
          || b[refererEnd + 1] != ' ' || b[refererEnd + 2] != '"') {
        return GENERAL;
      }
      int agent = refererEnd + 3;
      int agentEnd = Bytes.indexOfEitherOrNewline(b, agent, end, (byte) '"', (byte) '\\');
      if (agentEnd < 0 || b[agentEnd] != '"') {
        return GENERAL;
      }
      out.userAgent(b, agent, agentEnd - agent);
      after = agentEnd + 1;
    }
    out.method = method;
    out.target(b, target, targetEnd - target);
    out.status = code;
    out.bytes = bytes;
    out.epochMillis = millis;
    return after;
  }

  private int general(byte[] b, int off, int end, ParsedLine out) {
    int lead = leading.length;
    if (end - off < lead || !java.util.Arrays.equals(leading, 0, lead, b, off, off + lead)) {
      return out.malformed("line does not start with '" + new String(leading, StandardCharsets.UTF_8) + "'");
    }
    int pos = off + lead;
    int uriStart = -1;
    int uriEnd = -1;
    int argsStart = -1;
    int argsEnd = -1;
    int schemeStart = -1;
    int schemeEnd = -1;
    int hostStart = -1;
    int hostEnd = -1;
    long bodyBytes = -1;
    long sentBytes = -1;
    for (int v = 0; v < roles.length; v++) {
      byte[] lit = literals[v];
      int valueEnd;
      int next;
      if (lit.length == 0) {
        // The last variable runs to the end of the line; outside quotes a space means the line
        // has more fields than the format.
        valueEnd = end;
        next = end;
        if (!allowTrailing && !quoted[v] && Bytes.indexOf(b, pos, end, (byte) ' ') >= 0) {
          return out.malformed("expected the line to end after $" + names[v]);
        }
      } else {
        valueEnd = find(b, pos, end, lit, quoted[v]);
        if (valueEnd < 0) {
          return out.malformed("expected '" + new String(lit, StandardCharsets.UTF_8)
              + "' after $" + names[v] + " (line truncated or not in this format)");
        }
        next = valueEnd + lit.length;
      }
      switch (roles[v]) {
        case REQUEST:
          if (!request(b, pos, valueEnd, out)) {
            return LineParser.MALFORMED;
          }
          break;
        case METHOD:
          String m = Bytes.method(b, pos, valueEnd);
          if (m == null) {
            return out.malformed("invalid request method");
          }
          out.method = m;
          break;
        case REQUEST_URI:
          if (!target(b, pos, valueEnd, out)) {
            return LineParser.MALFORMED;
          }
          break;
        case URI:
          uriStart = pos;
          uriEnd = valueEnd;
          break;
        case ARGS:
          argsStart = pos;
          argsEnd = valueEnd;
          break;
        case STATUS:
          int status = Bytes.parseStatus(b, pos, valueEnd);
          if (status < 0) {
            return out.malformed("status is not a three-digit number");
          }
          out.status = status;
          break;
        case BODY_BYTES:
          bodyBytes = Bytes.parseSize(b, pos, valueEnd);
          if (bodyBytes < 0) {
            return out.malformed("$body_bytes_sent is not a number");
          }
          break;
        case BYTES_SENT:
          sentBytes = Bytes.parseSize(b, pos, valueEnd);
          if (sentBytes < 0) {
            return out.malformed("$bytes_sent is not a number");
          }
          break;
        case TIME_LOCAL:
          long t = timestamps.clf(b, pos, valueEnd);
          if (t == Timestamps.INVALID) {
            return out.malformed("invalid time (expected dd/MMM/yyyy:HH:mm:ss +zzzz)");
          }
          out.epochMillis = t;
          break;
        case TIME_ISO:
          long iso = Timestamps.iso(b, pos, valueEnd);
          if (iso == Timestamps.INVALID) {
            return out.malformed("invalid ISO-8601 time");
          }
          out.epochMillis = iso;
          break;
        case MSEC:
          long msec = msec(b, pos, valueEnd);
          if (msec < 0) {
            return out.malformed("$msec is not seconds.millis");
          }
          out.epochMillis = msec;
          break;
        case CACHE_STATUS:
          out.cacheStatus = Bytes.cacheStatus(b, pos, valueEnd);
          break;
        case USER_AGENT:
          out.userAgent(b, pos, valueEnd - pos);
          break;
        case SCHEME:
          schemeStart = pos;
          schemeEnd = valueEnd;
          break;
        case HOST:
          hostStart = pos;
          hostEnd = valueEnd;
          break;
        default:
          break;
      }
      pos = next;
    }
    if (pos != end && !allowTrailing) {
      return out.malformed("unexpected text after the last field of the log_format");
    }
    if (hasUri && !uriWithArgs(b, uriStart, uriEnd, argsStart, argsEnd, out)) {
      return LineParser.MALFORMED;
    }
    if (absolute && !absoluteTarget(b, schemeStart, schemeEnd, hostStart, hostEnd, out)) {
      return LineParser.MALFORMED;
    }
    out.bytes = bodyBytes >= 0 ? bodyBytes : Math.max(sentBytes, 0);
    return LineParser.RECORD;
  }

  /** Finds {@code lit} in {@code b[from, end)}; inside quotes a backslash escapes the next byte. */
  private static int find(byte[] b, int from, int end, byte[] lit, boolean quoted) {
    byte first = lit[0];
    int last = end - lit.length;
    int i = from;
    while (i <= last) {
      int j = quoted
          ? Bytes.indexOfEither(b, i, last + 1, first, (byte) '\\')
          : Bytes.indexOf(b, i, last + 1, first);
      if (j < 0) {
        return -1;
      }
      if (quoted && b[j] == '\\' && first != '\\') {
        i = j + 2;
        continue;
      }
      if (restMatches(lit, b, j)) {
        return j;
      }
      i = j + 1;
    }
    return -1;
  }

  private static boolean restMatches(byte[] lit, byte[] b, int at) {
    for (int k = 1; k < lit.length; k++) {
      if (b[at + k] != lit[k]) {
        return false;
      }
    }
    return true;
  }

  /** Splits {@code METHOD SP target [SP protocol]} into the method and the target. */
  private boolean request(byte[] b, int off, int end, ParsedLine out) {
    int ctl = Bytes.indexOfControl(b, off, end);
    if (ctl >= 0) {
      out.malformed("request line contains control character 0x"
          + Integer.toHexString(b[ctl] & 0xff));
      return false;
    }
    int sp = Bytes.indexOf(b, off, end, (byte) ' ');
    if (sp < 0) {
      out.malformed(end == off || Bytes.isSingle(b, off, end, '-')
          ? "request line is empty" : "request line has no target");
      return false;
    }
    if (!hasMethodVar) {
      String m = Bytes.method(b, off, sp);
      if (m == null) {
        out.malformed("invalid request method");
        return false;
      }
      out.method = m;
    }
    // A target has no spaces, so it ends at the next one; what follows must be the protocol.
    int targetEnd = Bytes.indexOf(b, sp + 1, end, (byte) ' ');
    if (targetEnd < 0) {
      targetEnd = end; // HTTP/0.9: no protocol
    } else if (end - targetEnd < 6 || b[targetEnd + 1] != 'H' || b[targetEnd + 2] != 'T'
        || b[targetEnd + 3] != 'T' || b[targetEnd + 4] != 'P' || b[targetEnd + 5] != '/'
        || Bytes.indexOf(b, targetEnd + 1, end, (byte) ' ') >= 0) {
      out.malformed("request target contains a space");
      return false;
    }
    // The whole request line was checked for control characters, and spaces delimit the target.
    if (sp + 1 >= targetEnd || Bytes.isSingle(b, sp + 1, targetEnd, '-')) {
      out.malformed("request target is empty");
      return false;
    }
    out.target(b, sp + 1, targetEnd - sp - 1);
    return true;
  }

  private static boolean target(byte[] b, int off, int end, ParsedLine out) {
    if (off >= end || Bytes.isSingle(b, off, end, '-')) {
      out.malformed("request target is empty");
      return false;
    }
    int ctl = Bytes.indexOfControl(b, off, end);
    if (ctl >= 0) {
      out.malformed("request target contains control character 0x"
          + Integer.toHexString(b[ctl] & 0xff));
      return false;
    }
    if (Bytes.indexOf(b, off, end, (byte) ' ') >= 0) {
      out.malformed("request target contains a space");
      return false;
    }
    out.target(b, off, end - off);
    return true;
  }

  private boolean uriWithArgs(byte[] b, int us, int ue, int as, int ae, ParsedLine out) {
    if (as < 0 || as == ae || Bytes.isSingle(b, as, ae, '-')) {
      return target(b, us, ue, out);
    }
    int len = (ue - us) + 1 + (ae - as);
    byte[] s = scratch(len);
    System.arraycopy(b, us, s, 0, ue - us);
    s[ue - us] = '?';
    System.arraycopy(b, as, s, ue - us + 1, ae - as);
    return target(s, 0, len, out);
  }

  private boolean absoluteTarget(byte[] b, int ss, int se, int hs, int he, ParsedLine out) {
    if (ss == se || hs == he || Bytes.isSingle(b, hs, he, '-')) {
      return true; // No usable host: keep the origin-form target.
    }
    byte[] t = out.target;
    int to = out.targetOff;
    int tl = out.targetLen;
    int len = (se - ss) + 3 + (he - hs) + tl;
    byte[] fresh = new byte[len];
    System.arraycopy(b, ss, fresh, 0, se - ss);
    fresh[se - ss] = ':';
    fresh[se - ss + 1] = '/';
    fresh[se - ss + 2] = '/';
    System.arraycopy(b, hs, fresh, se - ss + 3, he - hs);
    System.arraycopy(t, to, fresh, se - ss + 3 + he - hs, tl);
    byte[] s = scratch(len);
    System.arraycopy(fresh, 0, s, 0, len);
    return target(s, 0, len, out);
  }

  private byte[] scratch(int len) {
    if (scratch.length < len) {
      scratch = new byte[Math.max(len, scratch.length * 2)];
    }
    return scratch;
  }

  /** Parses nginx {@code $msec}: seconds with a millisecond fraction, e.g. {@code 1430000000.123}. */
  private static long msec(byte[] b, int off, int end) {
    int dot = Bytes.indexOf(b, off, end, (byte) '.');
    if (dot < 0) {
      long s = Bytes.parseDigits(b, off, end);
      return s < 0 ? -1 : s * 1000;
    }
    long s = Bytes.parseDigits(b, off, dot);
    long frac = Bytes.parseDigits(b, dot + 1, Math.min(end, dot + 4));
    if (s < 0 || frac < 0) {
      return -1;
    }
    for (int d = Math.min(end, dot + 4) - dot - 1; d < 3; d++) {
      frac *= 10;
    }
    return s * 1000 + frac;
  }
}
