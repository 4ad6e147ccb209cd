package dev.preheat.spring.internal;

import java.net.URI;
import java.net.URISyntaxException;

/** Validation of URL-valued properties, with messages naming the property. */
public final class Urls {

  private Urls() {}

  /** Requires an absolute http(s) URL without query or fragment. */
  public static URI requireBaseUrl(String property, String text) {
    URI uri;
    try {
      uri = new URI(text.trim());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(property + " '" + text + "' is not a URL: " + e.getReason());
    }
    String scheme = uri.getScheme();
    if (uri.getHost() == null || scheme == null
        || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
        || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalStateException(property + " must be an absolute http(s) URL without "
          + "query, such as https://www.example.com, but was '" + text + "'");
    }
    return uri;
  }

  /** Requires HOST:PORT with a port in 1..65535. */
  public static void requireHostPort(String property, String text) {
    int colon = text.lastIndexOf(':');
    int port = -1;
    if (colon > 0) {
      try {
        port = Integer.parseInt(text.substring(colon + 1));
      } catch (NumberFormatException e) {
        port = -1;
      }
    }
    if (colon <= 0 || port < 1 || port > 65_535) {
      throw new IllegalStateException(property + " must be HOST:PORT with a port in 1..65535, "
          + "e.g. 10.0.0.7:443, but was '" + text + "'");
    }
  }

  /** Requires a path starting with / or an absolute http(s) URL. */
  public static void requirePathOrUrl(String property, String text) {
    if (text.startsWith("/")) {
      try {
        new URI("http://h" + text);
        return;
      } catch (URISyntaxException e) {
        throw new IllegalStateException(property + ": '" + text + "' is not a valid path: "
            + e.getReason());
      }
    }
    try {
      URI uri = new URI(text);
      if (uri.getHost() != null && uri.getScheme() != null
          && (uri.getScheme().equalsIgnoreCase("http") || uri.getScheme().equalsIgnoreCase("https"))) {
        return;
      }
    } catch (URISyntaxException e) {
      // fall through to the message
    }
    throw new IllegalStateException(property + ": '" + text + "' is neither a path starting "
        + "with / nor an absolute http(s) URL");
  }

  /** The path and query of {@code url} (which may already be a path). */
  public static String pathAndQuery(String url) {
    if (url.startsWith("/")) {
      return url;
    }
    URI uri = URI.create(url);
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
  }
}
