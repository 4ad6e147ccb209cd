package dev.preheat.internal.source;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Parses W3C extended logs, CloudFront standard logs among them: {@code #Fields:} names the
 * columns, values are separated by tabs (CloudFront) or spaces (IIS and other W3C writers),
 * {@code -} means empty. Before any {@code #Fields:} line the CloudFront standard field list is
 * assumed. Lines depend on the last {@code #Fields:} seen, so files are not split.
 */
public final class W3cLineParser implements LineParser {

  /** The field list of CloudFront standard logs (v1.0), used until a {@code #Fields:} line. */
  public static final String CLOUDFRONT_FIELDS =
      "date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status"
          + " cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type"
          + " x-edge-request-id x-host-header cs-protocol cs-bytes time-taken x-forwarded-for"
          + " ssl-protocol ssl-cipher x-edge-response-result-type cs-protocol-version fle-status"
          + " fle-encrypted-fields c-port time-to-first-byte x-edge-detailed-result-type"
          + " sc-content-type sc-content-len sc-range-start sc-range-end";

  private static final byte[] FIELDS_DIRECTIVE = "#Fields:".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_FIELDS = 256;

  private static final int NONE = 0;
  private static final int DATE = 1;
  private static final int TIME = 2;
  private static final int METHOD = 3;
  private static final int STEM = 4;
  private static final int QUERY = 5;
  private static final int STATUS = 6;
  private static final int BYTES = 7;
  private static final int USER_AGENT = 8;
  private static final int RESULT_TYPE = 9;

  private int[] roles = new int[0];
  private int required;
  private final int[] starts = new int[10];
  private final int[] ends = new int[10];
  private byte[] target = new byte[256];
  private byte[] agent = new byte[256];

  /** Creates a parser assuming the CloudFront field list until a {@code #Fields:} line. */
  public W3cLineParser() {
    startFile();
  }

  @Override
  public boolean splittable() {
    return false;
  }

  @Override
  public void startFile() {
    defineFields(CLOUDFRONT_FIELDS.split(" "));
  }

  private void defineFields(String[] names) {
    int n = Math.min(names.length, MAX_FIELDS);
    roles = new int[n];
    required = 0;
    for (int i = 0; i < n; i++) {
      roles[i] = role(names[i].toLowerCase(Locale.ROOT));
      if (roles[i] != NONE) {
        required = i + 1;
      }
    }
  }

  private static int role(String name) {
    switch (name) {
      case "date":
        return DATE;
      case "time":
        return TIME;
      case "cs-method":
        return METHOD;
      case "cs-uri-stem":
        return STEM;
      case "cs-uri-query":
        return QUERY;
      case "sc-status":
        return STATUS;
      case "sc-bytes":
        return BYTES;
      case "cs(user-agent)":
        return USER_AGENT;
      case "x-edge-result-type":
        return RESULT_TYPE;
      default:
        return NONE;
    }
  }

  @Override
  public int parse(byte[] b, int off, int end, boolean firstLineOfFile, ParsedLine out) {
    if (off < end && b[off] == '#') {
      int n = FIELDS_DIRECTIVE.length;
      if (end - off >= n && Arrays.equals(FIELDS_DIRECTIVE, 0, n, b, off, off + n)) {
        String names = new String(b, off + n, end - off - n, StandardCharsets.UTF_8).trim();
        if (names.isEmpty() || !names.contains("cs-uri-stem")) {
          return out.malformed("#Fields: directive has no cs-uri-stem field");
        }
        defineFields(names.split("[ \t]+"));
      }
      return LineParser.SKIP;
    }
    Arrays.fill(starts, -1);
    byte sep = Bytes.indexOf(b, off, end, (byte) '\t') >= 0 ? (byte) '\t' : (byte) ' ';
    int field = 0;
    int pos = off;
    while (field < required) {
      int stop = Bytes.indexOf(b, pos, end, sep);
      if (stop < 0) {
        stop = end;
      }
      int role = roles[field];
      if (role != NONE) {
        starts[role] = pos;
        ends[role] = stop;
      }
      field++;
      if (stop == end) {
        break;
      }
      pos = stop + 1;
    }
    if (field < required) {
      return out.malformed("expected at least " + required + " fields but found " + field);
    }
    if (starts[STEM] < 0) {
      return out.malformed("no cs-uri-stem field");
    }
    if (starts[METHOD] >= 0) {
      String m = Bytes.method(b, starts[METHOD], ends[METHOD]);
      if (m == null) {
        return out.malformed("invalid cs-method");
      }
      out.method = m;
    }
    if (starts[STATUS] >= 0) {
      int status = Bytes.parseStatus(b, starts[STATUS], ends[STATUS]);
      if (status < 0) {
        return out.malformed("sc-status is not a three-digit number");
      }
      out.status = status;
    }
    if (starts[BYTES] >= 0) {
      long bytes = Bytes.parseSize(b, starts[BYTES], ends[BYTES]);
      if (bytes < 0) {
        return out.malformed("sc-bytes is not a number");
      }
      out.bytes = bytes;
    }
    if (starts[DATE] >= 0 && starts[TIME] >= 0) {
      if (ends[DATE] - starts[DATE] != 10 || ends[TIME] - starts[TIME] < 8) {
        return out.malformed("invalid date or time (expected yyyy-MM-dd and HH:mm:ss)");
      }
      long t = Timestamps.dateTime(b, starts[DATE], starts[TIME]);
      if (t == Timestamps.INVALID) {
        return out.malformed("invalid date or time (expected yyyy-MM-dd and HH:mm:ss)");
      }
      out.epochMillis = t;
    }
    if (starts[RESULT_TYPE] >= 0) {
      out.cacheStatus = Bytes.cacheStatus(b, starts[RESULT_TYPE], ends[RESULT_TYPE]);
    }
    if (starts[USER_AGENT] >= 0) {
      int len = decodeUserAgent(b, starts[USER_AGENT], ends[USER_AGENT]);
      out.userAgent(agent, 0, len);
    }
    return buildTarget(b, out);
  }

  private int buildTarget(byte[] b, ParsedLine out) {
    int ss = starts[STEM];
    int se = ends[STEM];
    if (ss == se || Bytes.isSingle(b, ss, se, '-')) {
      return out.malformed("cs-uri-stem is empty");
    }
    int qs = starts[QUERY];
    int qe = ends[QUERY];
    boolean hasQuery = qs >= 0 && qe > qs && !Bytes.isSingle(b, qs, qe, '-');
    int len = (se - ss) + (hasQuery ? 1 + qe - qs : 0);
    if (target.length < len) {
      target = new byte[Math.max(len, target.length * 2)];
    }
    System.arraycopy(b, ss, target, 0, se - ss);
    if (hasQuery) {
      target[se - ss] = '?';
      System.arraycopy(b, qs, target, se - ss + 1, qe - qs);
    }
    int ctl = Bytes.indexOfControl(target, 0, len);
    if (ctl >= 0) {
      return out.malformed("URL contains control character 0x" + Integer.toHexString(target[ctl] & 0xff));
    }
    if (Bytes.indexOf(target, 0, len, (byte) ' ') >= 0) {
      return out.malformed("URL contains a space");
    }
    out.target(target, 0, len);
    return LineParser.RECORD;
  }

  /** Percent-decodes the user agent (and {@code +} as space) into the scratch buffer. */
  private int decodeUserAgent(byte[] b, int off, int end) {
    if (agent.length < end - off) {
      agent = new byte[Math.max(end - off, agent.length * 2)];
    }
    int n = 0;
    for (int i = off; i < end; i++) {
      byte c = b[i];
      if (c == '%' && i + 2 < end) {
        int hi = Character.digit(b[i + 1], 16);
        int lo = Character.digit(b[i + 2], 16);
        if (hi >= 0 && lo >= 0) {
          agent[n++] = (byte) (hi << 4 | lo);
          i += 2;
          continue;
        }
      }
      agent[n++] = c == '+' ? (byte) ' ' : c;
    }
    return n;
  }
}
