package dev.preheat.internal.source;

import dev.preheat.internal.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;

/**
 * Parses JSON lines (one object per line) with Jackson's streaming parser. Each role (method,
 * URL, ...) has candidate field paths; nested fields are named with dots ({@code request.uri}),
 * and for an array value the first element is used (Caddy logs user agents as arrays). When
 * several candidates are present the earliest in the list wins.
 */
public final class JsonLineParser implements LineParser {

  /** Role indexes, in the order {@link #JsonLineParser(List)} expects the candidate lists. */
  public static final int METHOD = 0;
  /** The full request target or URL. */
  public static final int URL = 1;
  /** The path, used with {@link #QUERY} when no {@link #URL} field is present. */
  public static final int PATH = 2;
  /** The query string without {@code ?}. */
  public static final int QUERY = 3;
  /** The response status. */
  public static final int STATUS = 4;
  /** The response size. */
  public static final int BYTES = 5;
  /** The time: ISO-8601 text, or epoch seconds or milliseconds. */
  public static final int TIME = 6;
  /** The user agent, used only by filters. */
  public static final int USER_AGENT = 7;
  /** The cache status. */
  public static final int CACHE_STATUS = 8;
  /** The number of roles. */
  public static final int ROLES = 9;

  /**
   * Epoch numbers below this are seconds, at or above it milliseconds: 1e11 seconds is the year
   * 5138, 1e11 milliseconds is March 1973, so real timestamps are never ambiguous.
   */
  static final double MILLIS_THRESHOLD = 1e11;

  private static final int MAX_DEPTH = 16;

  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(
              Json.READ_LIMITS.rebuild().maxNestingDepth(64).maxNumberLength(40).build())
          .build();

  private final Map<String, Integer> roleOfPath = new HashMap<>();
  private final Map<String, Integer> rankOfPath = new HashMap<>();
  private final @Nullable Object[] values = new Object[ROLES];
  private final int[] ranks = new int[ROLES];
  private byte[] scratch = new byte[256];

  /**
   * Creates a parser.
   *
   * @param candidates for each role (in the order of the role constants) the field paths to read
   */
  public JsonLineParser(List<List<String>> candidates) {
    for (int role = 0; role < ROLES; role++) {
      List<String> paths = candidates.get(role);
      for (int rank = 0; rank < paths.size(); rank++) {
        roleOfPath.putIfAbsent(paths.get(rank), role);
        rankOfPath.putIfAbsent(paths.get(rank), rank);
      }
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
    java.util.Arrays.fill(values, null);
    java.util.Arrays.fill(ranks, Integer.MAX_VALUE);
    try (JsonParser p = FACTORY.createParser(ObjectReadContext.empty(), b, off, end - off)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return out.malformed("not a JSON object");
      }
      readObject(p, "", 0);
    } catch (IOException | RuntimeException e) {
      String msg = String.valueOf(e.getMessage());
      int nl = msg.indexOf('\n');
      return out.malformed("invalid JSON: " + (nl >= 0 ? msg.substring(0, nl) : msg));
    }
    return toRecord(out);
  }

  private void readObject(JsonParser p, String prefix, int depth) throws IOException {
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.PROPERTY_NAME) {
      String name = p.currentName();
      String path = depth == 0 ? name : prefix + name;
      JsonToken v = p.nextToken();
      if (v == JsonToken.START_OBJECT) {
        if (depth < MAX_DEPTH) {
          readObject(p, path + ".", depth + 1);
        } else {
          p.skipChildren();
        }
      } else if (v == JsonToken.START_ARRAY) {
        Integer role = roleOfPath.get(path);
        JsonToken e = p.nextToken();
        if (role != null && e != null && e.isScalarValue()) {
          store(role, rankOfPath.get(path), p, e);
        }
        if (e != JsonToken.END_ARRAY) {
          if (e == JsonToken.START_OBJECT || e == JsonToken.START_ARRAY) {
            p.skipChildren();
          }
          skipRestOfArray(p);
        }
      } else if (v != null) {
        Integer role = roleOfPath.get(path);
        if (role != null) {
          store(role, rankOfPath.get(path), p, v);
        }
      }
    }
    if (t != JsonToken.END_OBJECT) {
      throw new IOException("unexpected end of line inside a JSON object");
    }
  }

  private static void skipRestOfArray(JsonParser p) throws IOException {
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t == null) {
        throw new IOException("unexpected end of line inside a JSON array");
      }
      if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
        p.skipChildren();
      }
    }
  }

  private void store(int role, int rank, JsonParser p, JsonToken t) throws IOException {
    if (rank >= ranks[role] || t == JsonToken.VALUE_NULL) {
      return;
    }
    ranks[role] = rank;
    if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
      values[role] = p.getDoubleValue();
    } else {
      values[role] = p.getString();
    }
  }

  private int toRecord(ParsedLine out) {
    Object method = values[METHOD];
    if (method != null) {
      String m = method.toString().toUpperCase(Locale.ROOT);
      byte[] mb = m.getBytes(StandardCharsets.UTF_8);
      String interned = Bytes.method(mb, 0, mb.length);
      if (interned == null) {
        return out.malformed("invalid method " + Bytes.excerpt(mb, 0, mb.length, 24));
      }
      out.method = interned;
    }
    String url = text(values[URL]);
    if (url == null) {
      String path = text(values[PATH]);
      if (path == null) {
        return out.malformed("no URL field (nor path field) in the JSON object");
      }
      String query = text(values[QUERY]);
      url = query == null || query.isEmpty() || query.equals("-") ? path : path + "?" + query;
    }
    byte[] ub = url.getBytes(StandardCharsets.UTF_8);
    if (ub.length == 0) {
      return out.malformed("URL is empty");
    }
    int ctl = Bytes.indexOfControl(ub, 0, ub.length);
    if (ctl >= 0) {
      return out.malformed("URL contains control character 0x" + Integer.toHexString(ub[ctl] & 0xff));
    }
    out.target(ub, 0, ub.length);
    Object status = values[STATUS];
    if (status != null) {
      long s = integer(status);
      if (s < 0 || s > 999) {
        return out.malformed("status is not a number between 0 and 999");
      }
      out.status = (int) s;
    }
    Object bytes = values[BYTES];
    if (bytes != null && !"-".equals(bytes)) {
      long n = integer(bytes);
      if (n < 0) {
        return out.malformed("bytes is not a non-negative number");
      }
      out.bytes = n;
    }
    Object time = values[TIME];
    if (time != null) {
      long t = time(time);
      if (t == Timestamps.INVALID) {
        return out.malformed("invalid time (expected ISO-8601 or epoch seconds/milliseconds)");
      }
      out.epochMillis = t;
    }
    String agent = text(values[USER_AGENT]);
    if (agent != null) {
      byte[] ab = agent.getBytes(StandardCharsets.UTF_8);
      out.userAgent(ab, 0, ab.length);
    }
    out.cacheStatus = Bytes.cacheStatus(text(values[CACHE_STATUS]));
    return LineParser.RECORD;
  }

  private static @Nullable String text(@Nullable Object v) {
    return v == null ? null : v instanceof Double ? numberText((Double) v) : (String) v;
  }

  private static String numberText(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  private static long integer(Object v) {
    if (v instanceof Double) {
      double d = (Double) v;
      return d >= 0 && d == Math.rint(d) && d < 1e18 ? (long) d : -1;
    }
    String s = (String) v;
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    return Bytes.parseDigits(b, 0, b.length);
  }

  private long time(Object v) {
    double d;
    if (v instanceof Double) {
      d = (Double) v;
    } else {
      String s = (String) v;
      if (s.length() > 64) {
        return Timestamps.INVALID;
      }
      int n = s.length();
      if (scratch.length < n) {
        scratch = new byte[n];
      }
      boolean numeric = n > 0;
      for (int i = 0; i < n; i++) {
        char c = s.charAt(i);
        scratch[i] = (byte) (c < 0x80 ? c : '?');
        numeric &= (c >= '0' && c <= '9') || c == '.';
      }
      if (!numeric) {
        return Timestamps.iso(scratch, 0, n);
      }
      try {
        d = Double.parseDouble(s);
      } catch (NumberFormatException e) {
        return Timestamps.INVALID;
      }
    }
    if (!(d >= 0) || d > 1e15) {
      return Timestamps.INVALID;
    }
    return d < MILLIS_THRESHOLD ? Math.round(d * 1000) : (long) d;
  }
}
