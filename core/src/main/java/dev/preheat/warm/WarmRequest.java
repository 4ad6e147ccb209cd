package dev.preheat.warm;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One request the warmer sends: a method, an absolute URL and the exact request headers of one
 * variant.
 *
 * <p>Header names are kept as given (HTTP is case-insensitive; transports send them verbatim);
 * iteration order is the order the headers were added. Values were validated when the plan was
 * built (no CR, LF or other control characters), so a transport may write them as they are.
 *
 * @param method the request method, {@code GET} unless the user chose otherwise
 * @param url the absolute {@code http} or {@code https} URL to request
 * @param headers the request headers, unmodifiable, in sending order
 */
public record WarmRequest(String method, URI url, Map<String, String> headers) {

  /**
   * Validates and copies the components.
   *
   * @throws NullPointerException if any component is null
   * @throws IllegalArgumentException if {@code url} is not an absolute http(s) URL
   */
  public WarmRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(headers, "headers");
    String scheme = url.getScheme();
    if (scheme == null
        || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
        || url.getHost() == null) {
      throw new IllegalArgumentException(
          "warm request URL must be an absolute http(s) URL with a host but was " + url);
    }
    headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
  }

  /** A {@code GET} of {@code url} with the given headers. */
  public static WarmRequest get(URI url, Map<String, String> headers) {
    return new WarmRequest("GET", url, headers);
  }
}
