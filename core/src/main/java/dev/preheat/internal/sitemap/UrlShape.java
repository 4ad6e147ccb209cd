package dev.preheat.internal.sitemap;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Cheap shape checks that run before a URL reaches the canonicalizer. */
public final class UrlShape {

  private UrlShape() {}

  /**
   * Checks that {@code url} is an absolute {@code http} or {@code https} URL with a host.
   *
   * @param url the trimmed URL
   * @return null if it is, otherwise what is wrong
   */
  public static @Nullable String checkAbsoluteHttp(String url) {
    String lower = url.toLowerCase(Locale.ROOT);
    int authorityStart;
    if (lower.startsWith("https://")) {
      authorityStart = "https://".length();
    } else if (lower.startsWith("http://")) {
      authorityStart = "http://".length();
    } else {
      int colon = url.indexOf(':');
      int slash = url.indexOf('/');
      if (colon > 0 && (slash < 0 || colon < slash)) {
        String scheme = url.substring(0, colon);
        if (scheme.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.')) {
          return "scheme '" + scheme + "' is not http or https";
        }
      }
      return "not an absolute http(s) URL";
    }
    if (authorityStart == url.length()
        || url.charAt(authorityStart) == '/'
        || url.charAt(authorityStart) == '?'
        || url.charAt(authorityStart) == '#') {
      return "URL has no host";
    }
    return null;
  }

  /**
   * Checks that {@code url} is an absolute {@code http(s)} URL or an origin-form request target
   * ({@code /path?query}, but not the scheme-relative {@code //host/path}).
   *
   * @param url the trimmed URL
   * @return null if it is, otherwise what is wrong
   */
  public static @Nullable String checkAbsoluteHttpOrOriginForm(String url) {
    if (url.startsWith("/")) {
      return url.startsWith("//")
          ? "scheme-relative URL (//host/...) is ambiguous; write http:// or https://"
          : null;
    }
    String problem = checkAbsoluteHttp(url);
    return problem == null || !problem.equals("not an absolute http(s) URL")
        ? problem
        : "not an absolute http(s) URL or a path starting with /";
  }
}
