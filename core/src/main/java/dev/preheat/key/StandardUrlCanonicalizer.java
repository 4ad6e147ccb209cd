package dev.preheat.key;

import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The built-in {@link UrlCanonicalizer}. A first pass checks, without allocating, whether the
 * target is already canonical and returns the input unchanged; only otherwise is it rebuilt.
 */
final class StandardUrlCanonicalizer implements UrlCanonicalizer {

  static final StandardUrlCanonicalizer DEFAULT =
      new StandardUrlCanonicalizer(QueryPolicy.removeTracking(), false);

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  /** Unreserved characters (RFC 3986 section 2.3): escapes of these are decoded. */
  private static final boolean[] UNRESERVED = new boolean[128];

  /** Characters that may appear literally in a canonical path: pchar and '/'. */
  private static final boolean[] PATH = new boolean[128];

  /** Characters that may appear literally in a canonical query: pchar, '/' and '?'. */
  private static final boolean[] QUERY = new boolean[128];

  static {
    for (char c = 'a'; c <= 'z'; c++) {
      UNRESERVED[c] = true;
      UNRESERVED[Character.toUpperCase(c)] = true;
    }
    for (char c = '0'; c <= '9'; c++) {
      UNRESERVED[c] = true;
    }
    for (char c : "-._~".toCharArray()) {
      UNRESERVED[c] = true;
    }
    for (int c = 0; c < 128; c++) {
      PATH[c] = UNRESERVED[c] || "!$&'()*+,;=:@/".indexOf(c) >= 0;
      QUERY[c] = PATH[c] || c == '?';
    }
  }

  private static final Comparator<String> BY_NAME = Comparator.comparing(StandardUrlCanonicalizer::name);

  private final QueryPolicy queryPolicy;
  private final boolean sort;

  StandardUrlCanonicalizer(QueryPolicy queryPolicy, boolean sort) {
    this.queryPolicy = queryPolicy;
    this.sort = sort;
  }

  @Override
  public String canonicalize(String url) {
    Objects.requireNonNull(url, "url");
    if (url.isEmpty()) {
      throw invalid(url, "is empty", "expected an absolute http(s) URL or a target such as /a?b=1");
    }
    if (url.charAt(0) == '/') {
      // Without sorting, one pass recognizes a canonical target or prunes its query.
      String fast = sort ? (isCanonicalTarget(url, 0) ? url : null) : prunedTarget(url);
      if (fast != null) {
        return fast;
      }
      validateCharacters(url);
      return canonicalTarget(url, 0);
    }
    return isCanonicalAbsolute(url) ? url : canonicalAbsolute(url);
  }

  /** Whether {@code url} is an absolute URL already in canonical form; allocates nothing. */
  private boolean isCanonicalAbsolute(String url) {
    int i;
    boolean https;
    if (url.startsWith("https://")) {
      i = 8;
      https = true;
    } else if (url.startsWith("http://")) {
      i = 7;
      https = false;
    } else {
      return false;
    }
    int len = url.length();
    int hostStart = i;
    boolean ipv6 = i < len && url.charAt(i) == '[';
    if (ipv6) {
      i++;
    }
    while (i < len) {
      char c = url.charAt(i);
      boolean hostChar =
          ipv6
              ? (c >= 'a' && c <= 'f') || (c >= '0' && c <= '9') || c == ':' || c == '.'
              : (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
      if (!hostChar) {
        break;
      }
      i++;
    }
    if (ipv6) {
      if (i >= len || url.charAt(i) != ']' || i == hostStart + 1) {
        return false;
      }
      i++;
    }
    if (i == hostStart) {
      return false;
    }
    if (i < len && url.charAt(i) == ':') {
      int portStart = ++i;
      int port = 0;
      while (i < len && url.charAt(i) >= '0' && url.charAt(i) <= '9' && i - portStart < 5) {
        port = port * 10 + (url.charAt(i++) - '0');
      }
      int digits = i - portStart;
      if (digits == 0
          || (digits > 1 && url.charAt(portStart) == '0')
          || port > 65535
          || port == (https ? 443 : 80)) {
        return false;
      }
    }
    return i < len && url.charAt(i) == '/' && isCanonicalTarget(url, i);
  }

  private String canonicalAbsolute(String url) {
    int colon = url.indexOf(':');
    String scheme = colon > 0 ? url.substring(0, colon).toLowerCase(Locale.ROOT) : "";
    boolean https = scheme.equals("https");
    if (!https && !scheme.equals("http")) {
      if (colon > 0 && url.startsWith("//", colon + 1)) {
        throw invalid(url, "has unsupported scheme '" + HeaderValidation.escape(scheme) + "'",
            "only http and https URLs can be warmed");
      }
      throw invalid(url, "is neither an absolute http(s) URL nor an origin-form target",
          "give a URL such as https://example.com/a or a target starting with '/'");
    }
    if (!url.startsWith("//", colon + 1)) {
      throw invalid(url, "is missing '//' and a host after '" + scheme + ":'",
          "give a URL such as " + scheme + "://example.com/a");
    }
    validateCharacters(url);
    int authStart = colon + 3;
    int authEnd = authStart;
    while (authEnd < url.length() && "/?#".indexOf(url.charAt(authEnd)) < 0) {
      authEnd++;
    }
    String authority = canonicalAuthority(url, authStart, authEnd, https);
    String target;
    if (authEnd == url.length() || url.charAt(authEnd) != '/') {
      // An absolute URL with an empty path has the path "/" (RFC 9110 section 4.2.3).
      target = canonicalTarget("/" + url.substring(authEnd), 0);
    } else if (isCanonicalTarget(url, authEnd)) {
      target = url.substring(authEnd);
    } else {
      target = canonicalTarget(url, authEnd);
    }
    return scheme + "://" + authority + target;
  }

  private static String canonicalAuthority(String url, int from, int to, boolean https) {
    if (url.lastIndexOf('@', to - 1) >= from) {
      throw invalid(url, "contains userinfo (user:password@) in the authority",
          "remove the credentials: they must never be part of a cache key or a warm request");
    }
    String host;
    int portStart = -1;
    if (from < to && url.charAt(from) == '[') {
      int close = url.indexOf(']', from);
      if (close < 0 || close >= to) {
        throw invalid(url, "has an unterminated IPv6 literal", "write it as [2001:db8::1]");
      }
      host = url.substring(from, close + 1).toLowerCase(Locale.ROOT);
      for (int i = from + 1; i < close; i++) {
        char c = url.charAt(i);
        if (hex(c) < 0 && c != ':' && c != '.') {
          throw invalid(url, "has an invalid IPv6 literal " + HeaderValidation.escape(host),
              "write it as [2001:db8::1]");
        }
      }
      if (close + 1 < to) {
        if (url.charAt(close + 1) != ':') {
          throw invalid(url, "has unexpected characters after the IPv6 literal", "use [addr]:port");
        }
        portStart = close + 2;
      }
    } else {
      int colon = url.indexOf(':', from);
      int hostEnd = colon >= 0 && colon < to ? colon : to;
      portStart = hostEnd < to ? hostEnd + 1 : -1;
      host = canonicalHost(url, from, hostEnd);
    }
    if (host.isEmpty()) {
      throw invalid(url, "has no host", "give a URL such as https://example.com/a");
    }
    if (portStart < 0 || portStart == to) {
      return host;
    }
    int port = 0;
    for (int i = portStart; i < to; i++) {
      char c = url.charAt(i);
      if (c < '0' || c > '9' || port > 65535) {
        throw invalid(url, "has an invalid port '" + HeaderValidation.escape(url.substring(portStart, to)) + "'",
            "a port is a number from 0 to 65535");
      }
      port = port * 10 + (c - '0');
    }
    if (port > 65535) {
      throw invalid(url, "has port " + port + " above 65535", "a port is a number from 0 to 65535");
    }
    if (port == (https ? 443 : 80)) {
      return host;
    }
    return host + ":" + port;
  }

  private static String canonicalHost(String url, int from, int to) {
    boolean ascii = true;
    for (int i = from; i < to; i++) {
      char c = url.charAt(i);
      if (c >= 128) {
        ascii = false;
      } else if (!(UNRESERVED[c] && c != '~')) {
        throw invalid(url, "has " + HeaderValidation.describe(c) + " in its host",
            "host names may contain letters, digits, '-', '.' and '_'");
      }
    }
    String host = url.substring(from, to);
    if (!ascii) {
      try {
        host = IDN.toASCII(host, IDN.ALLOW_UNASSIGNED);
      } catch (IllegalArgumentException e) {
        throw invalid(url, "has a host that is not a valid internationalized domain name",
            "check the host name (" + e.getMessage() + ")");
      }
    }
    return host.toLowerCase(Locale.ROOT);
  }

  /** Whether {@code url[from..]} (a target starting with '/') is already canonical. */
  private boolean isCanonicalTarget(String url, int from) {
    int len = url.length();
    int query = -1;
    for (int i = from; i < len; i++) {
      char c = url.charAt(i);
      if (c < 128 && (query < 0 ? PATH[c] : QUERY[c])) {
        if (c == '.' && query < 0 && url.charAt(i - 1) == '/' && isDotSegment(url, i)) {
          return false;
        }
        continue;
      }
      if (c == '%') {
        if (i + 2 >= len) {
          return false;
        }
        int hi = upperHex(url.charAt(i + 1));
        int lo = upperHex(url.charAt(i + 2));
        if (hi < 0 || lo < 0 || (hi < 8 && UNRESERVED[hi * 16 + lo])) {
          return false;
        }
        i += 2;
      } else if (c == '?' && query < 0) {
        query = i;
      } else {
        return false;
      }
    }
    return query < 0 || isCanonicalQuery(url, query + 1);
  }

  /**
   * The canonical form of a target (starting with '/') whose characters and escapes are all
   * canonical, in one pass: the target itself (the same instance) when it is canonical, else the
   * target with its query pruned when that is its only fault (parameters the policy removes,
   * empty pairs, an empty query), exactly as the general {@link #canonicalTarget} would give it;
   * null for any other target (then that one decides). Only without sorting (then the order of
   * the parameters is never a fault).
   */
  @Nullable String prunedTarget(String url) {
    if (sort) {
      return null;
    }
    int len = url.length();
    int q = -1;
    for (int i = 0; i < len; i++) {
      char c = url.charAt(i);
      if (c < 128 && (q < 0 ? PATH[c] : QUERY[c])) {
        if (c == '.' && q < 0 && url.charAt(i - 1) == '/' && isDotSegment(url, i)) {
          return null;
        }
        continue;
      }
      if (c == '%') {
        if (i + 2 >= len) {
          return null;
        }
        int hi = upperHex(url.charAt(i + 1));
        int lo = upperHex(url.charAt(i + 2));
        if (hi < 0 || lo < 0 || (hi < 8 && UNRESERVED[hi * 16 + lo])) {
          return null;
        }
        i += 2;
      } else if (c == '?' && q < 0) {
        q = i;
      } else {
        return null;
      }
    }
    if (q < 0) {
      return url;
    }
    // Until the first pair kept after one left out, the result is the target's own prefix up to
    // keptEnd (often the whole answer: tracking parameters tend to come last).
    StringBuilder sb = null;
    int keptEnd = q;
    boolean first = true;
    boolean cut = false;
    int pairStart = q + 1;
    int nameEnd = -1;
    for (int i = q + 1; i <= len; i++) {
      char c = i < len ? url.charAt(i) : '&';
      if (c == '=' && nameEnd < 0) {
        nameEnd = i;
      } else if (c == '&') {
        if (i > pairStart && queryPolicy.keeps(url, pairStart, nameEnd < 0 ? i : nameEnd)) {
          if (!cut) {
            keptEnd = i;
          } else {
            if (sb == null) {
              sb = new StringBuilder(len).append(url, 0, keptEnd);
            }
            sb.append(first ? '?' : '&').append(url, pairStart, i);
          }
          first = false;
        } else {
          cut = true;
        }
        pairStart = i + 1;
        nameEnd = -1;
      }
    }
    return sb != null ? sb.toString() : cut ? url.substring(0, keptEnd) : url;
  }

  /** The general path for a target starting with '/' (bypassing the fast ones), for tests. */
  String generalTarget(String url) {
    validateCharacters(url);
    return canonicalTarget(url, 0);
  }

  private static boolean isDotSegment(String url, int dot) {
    int next = dot + 1;
    if (next < url.length() && url.charAt(next) == '.') {
      next++;
    }
    return next == url.length() || url.charAt(next) == '/' || url.charAt(next) == '?';
  }

  private boolean isCanonicalQuery(String url, int from) {
    int len = url.length();
    if (from == len || queryPolicy.mode() == QueryPolicy.Mode.DROP_QUERY) {
      return false;
    }
    boolean checkNames = sort || queryPolicy.mode() != QueryPolicy.Mode.KEEP_ALL;
    int prevName = -1;
    int prevNameEnd = -1;
    int pairStart = from;
    int nameEnd = -1;
    for (int i = from; i <= len; i++) {
      char c = i < len ? url.charAt(i) : '&';
      if (c == '=' && nameEnd < 0) {
        nameEnd = i;
      } else if (c == '&') {
        if (i == pairStart) {
          return false;
        }
        if (checkNames) {
          int end = nameEnd < 0 ? i : nameEnd;
          if (!queryPolicy.keeps(url, pairStart, end)) {
            return false;
          }
          if (sort && prevName >= 0 && compareRegions(url, prevName, prevNameEnd, pairStart, end) > 0) {
            return false;
          }
          prevName = pairStart;
          prevNameEnd = end;
        }
        pairStart = i + 1;
        nameEnd = -1;
      }
    }
    return true;
  }

  private static int compareRegions(String s, int aFrom, int aTo, int bFrom, int bTo) {
    int n = Math.min(aTo - aFrom, bTo - bFrom);
    for (int k = 0; k < n; k++) {
      int d = s.charAt(aFrom + k) - s.charAt(bFrom + k);
      if (d != 0) {
        return d;
      }
    }
    return (aTo - aFrom) - (bTo - bFrom);
  }

  /** Rebuilds the target {@code url[from..]}, which starts with '/'. */
  private String canonicalTarget(String url, int from) {
    int end = url.indexOf('#', from);
    if (end < 0) {
      end = url.length();
    }
    int q = url.indexOf('?', from);
    int pathEnd = q >= 0 && q < end ? q : end;
    StringBuilder path = new StringBuilder(pathEnd - from + 8);
    appendNormalized(path, url, from, pathEnd, PATH);
    String result = removeDotSegments(path.toString());
    if (pathEnd == end) {
      return result;
    }
    String query = canonicalQuery(url, pathEnd + 1, end);
    return query.isEmpty() ? result : result + "?" + query;
  }

  private String canonicalQuery(String url, int from, int to) {
    if (queryPolicy.mode() == QueryPolicy.Mode.DROP_QUERY || from == to) {
      return "";
    }
    StringBuilder sb = new StringBuilder(to - from + 8);
    appendNormalized(sb, url, from, to, QUERY);
    String query = sb.toString();
    List<String> kept = new ArrayList<>();
    int start = 0;
    while (start <= query.length()) {
      int amp = query.indexOf('&', start);
      int end = amp < 0 ? query.length() : amp;
      if (end > start) {
        int eq = query.indexOf('=', start);
        int nameEnd = eq >= 0 && eq < end ? eq : end;
        if (queryPolicy.keeps(query, start, nameEnd)) {
          kept.add(query.substring(start, end));
        }
      }
      start = end + 1;
    }
    if (sort) {
      kept.sort(BY_NAME);
    }
    return String.join("&", kept);
  }

  private static String name(String pair) {
    int eq = pair.indexOf('=');
    return eq < 0 ? pair : pair.substring(0, eq);
  }

  /** Appends {@code url[from, to)} with percent-encoding normalized; {@code allowed} stay literal. */
  private static void appendNormalized(StringBuilder sb, String url, int from, int to, boolean[] allowed) {
    for (int i = from; i < to; i++) {
      char c = url.charAt(i);
      if (c == '%') {
        int hi = i + 2 < to ? hex(url.charAt(i + 1)) : -1;
        int lo = i + 2 < to ? hex(url.charAt(i + 2)) : -1;
        if (hi < 0 || lo < 0) {
          String escape = url.substring(i, Math.min(i + 3, to));
          throw invalid(url, "has a bad percent escape '" + HeaderValidation.escape(escape) + "' at index " + i,
              "'%' must be followed by two hex digits; write a literal '%' as %25");
        }
        int v = hi * 16 + lo;
        if (v < 128 && UNRESERVED[v]) {
          sb.append((char) v);
        } else {
          appendEscape(sb, v);
        }
        i += 2;
      } else if (c < 128) {
        if (allowed[c]) {
          sb.append(c);
        } else {
          appendEscape(sb, c);
        }
      } else {
        int cp = url.codePointAt(i);
        if (Character.isSurrogate((char) cp)) {
          throw invalid(url, "has an unpaired surrogate at index " + i, "the URL is not valid UTF-16 text");
        }
        for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
          appendEscape(sb, b & 0xFF);
        }
        i += Character.charCount(cp) - 1;
      }
    }
  }

  private static void appendEscape(StringBuilder sb, int b) {
    sb.append('%').append(HEX[b >> 4]).append(HEX[b & 0xF]);
  }

  private static int hex(char c) {
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : upperHex(c);
  }

  private static int upperHex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
  }

  /** RFC 3986 section 5.2.4 for an absolute path (starting with '/'). */
  static String removeDotSegments(String path) {
    if (path.indexOf("/.") < 0) {
      return path;
    }
    String[] segments = path.substring(1).split("/", -1);
    List<String> out = new ArrayList<>(segments.length);
    for (int i = 0; i < segments.length; i++) {
      String s = segments[i];
      boolean last = i == segments.length - 1;
      if (s.equals(".") || s.equals("..")) {
        if (s.equals("..") && !out.isEmpty()) {
          out.remove(out.size() - 1);
        }
        if (last) {
          out.add("");
        }
      } else {
        out.add(s);
      }
    }
    return "/" + String.join("/", out);
  }

  private static void validateCharacters(String url) {
    for (int i = 0; i < url.length(); i++) {
      char c = url.charAt(i);
      if (c == ' ') {
        throw invalid(url, "contains a space at index " + i,
            "percent-encode it as %20 (log readers: check the request line was split correctly)");
      }
      if (Character.isISOControl(c)) {
        throw invalid(url, "contains " + HeaderValidation.describe(c) + " at index " + i,
            "control characters are never valid in a URL; percent-encode or remove them");
      }
    }
  }

  private static IllegalArgumentException invalid(String url, String problem, String fix) {
    return new IllegalArgumentException(
        "URL '" + HeaderValidation.escape(url) + "' " + problem + ": " + fix);
  }

  @Override
  public String toString() {
    return "UrlCanonicalizer{queryPolicy=" + queryPolicy + ", sortParameters=" + sort + "}";
  }
}
