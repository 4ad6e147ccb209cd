package dev.preheat.warm;

import dev.preheat.internal.warm.ResponseHeaders;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a transport observed for one {@link WarmRequest}: status, response headers, how many body
 * bytes were read (bodies are streamed and discarded, never kept) and timings.
 *
 * @param status the HTTP status code
 * @param headers response headers; names are matched case-insensitively, values in arrival order
 * @param bodyBytes body bytes read off the wire (after transfer decoding, before content decoding)
 * @param timeToFirstByte from sending the request to the first response byte
 * @param total from sending the request to the end of the body
 * @param protocol the protocol used, e.g. {@code http/1.1} or {@code h2}
 */
public record WarmResponse(
    int status,
    Map<String, List<String>> headers,
    long bodyBytes,
    Duration timeToFirstByte,
    Duration total,
    String protocol) {

  /**
   * Validates and copies the components; header names become case-insensitive keys.
   *
   * @throws NullPointerException if any component is null
   * @throws IllegalArgumentException if {@code status} is outside 100..999 or {@code bodyBytes < 0}
   */
  public WarmResponse {
    Objects.requireNonNull(headers, "headers");
    Objects.requireNonNull(timeToFirstByte, "timeToFirstByte");
    Objects.requireNonNull(total, "total");
    Objects.requireNonNull(protocol, "protocol");
    if (status < 100 || status > 999) {
      throw new IllegalArgumentException("status must be in 100..999 but was " + status);
    }
    if (bodyBytes < 0) {
      throw new IllegalArgumentException("bodyBytes must be >= 0 but was " + bodyBytes);
    }
    // one immutable case-insensitive map; a transport's ResponseHeaders is kept as it is
    headers = ResponseHeaders.of(headers);
  }

  /** The first value of header {@code name} (case-insensitive), or null when absent. */
  public @Nullable String header(String name) {
    List<String> values = headers.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** All values of header {@code name} (case-insensitive), possibly empty. */
  public List<String> headers(String name) {
    List<String> values = headers.get(name);
    return values == null ? List.of() : values;
  }

  /** Whether header {@code name} is present. */
  public boolean hasHeader(String name) {
    return headers.containsKey(name);
  }
}
