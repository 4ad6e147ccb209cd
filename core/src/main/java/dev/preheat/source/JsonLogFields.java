package dev.preheat.source;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Which fields of a JSON-lines access log hold the request method, URL, status, size, time, user
 * agent and cache status. Each role has one or more candidate field names, tried in order (the
 * first present wins); nested fields are written with dots ({@code request.uri}), and for an array
 * value the first element is used. Immutable and thread-safe.
 *
 * <p>Defaults ({@link #defaults()}):
 *
 * <ul>
 *   <li>method: {@code method}, {@code request_method}
 *   <li>url: {@code url}, {@code request_uri}, {@code uri}; when none is present, {@code path}
 *       plus {@code query} ({@code query_string})
 *   <li>status: {@code status}, {@code status_code}
 *   <li>bytes: {@code bytes}, {@code body_bytes_sent}, {@code size}
 *   <li>time: {@code time}, {@code timestamp}, {@code ts}, {@code @timestamp}: ISO-8601 text (no
 *       offset means UTC) or epoch seconds (fractions allowed) or milliseconds; numbers below
 *       10<sup>11</sup> are taken as seconds
 *   <li>user agent: {@code user_agent}, {@code userAgent}, {@code http_user_agent}
 *   <li>cache status: {@code cache_status}, {@code cacheStatus}, {@code upstream_cache_status}
 * </ul>
 */
public final class JsonLogFields {

  private static final JsonLogFields DEFAULTS = builder().build();

  private final List<List<String>> candidates;

  private JsonLogFields(List<List<String>> candidates) {
    this.candidates = candidates;
  }

  /** The default field names listed in the class documentation. */
  public static JsonLogFields defaults() {
    return DEFAULTS;
  }

  /** A builder starting from the defaults; each setter replaces one role's candidates. */
  public static Builder builder() {
    return new Builder();
  }

  /** Candidate lists in the internal parser's role order. */
  List<List<String>> candidates() {
    return candidates;
  }

  @Override
  public String toString() {
    return "JsonLogFields" + candidates;
  }

  /** Builds {@link JsonLogFields}; each role may be set once. Not thread-safe. */
  public static final class Builder {
    private static final String[] ROLE_NAMES = {
      "method", "url", "path", "query", "status", "bytes", "time", "userAgent", "cacheStatus"
    };

    private final List<@Nullable List<String>> set = new ArrayList<>();

    private Builder() {
      for (int i = 0; i < ROLE_NAMES.length; i++) {
        set.add(null);
      }
    }

    /** Fields holding the request method. */
    public Builder method(String... fields) {
      return set(0, fields);
    }

    /** Fields holding the URL or origin-form request target (path and query). */
    public Builder url(String... fields) {
      return set(1, fields);
    }

    /** Fields holding the path, used with {@link #query} when no URL field is present. */
    public Builder path(String... fields) {
      return set(2, fields);
    }

    /** Fields holding the query string (without {@code ?}). */
    public Builder query(String... fields) {
      return set(3, fields);
    }

    /** Fields holding the response status. */
    public Builder status(String... fields) {
      return set(4, fields);
    }

    /** Fields holding the response body size. */
    public Builder bytes(String... fields) {
      return set(5, fields);
    }

    /** Fields holding the time (ISO-8601 text, epoch seconds or epoch milliseconds). */
    public Builder time(String... fields) {
      return set(6, fields);
    }

    /** Fields holding the user agent (used only by filters). */
    public Builder userAgent(String... fields) {
      return set(7, fields);
    }

    /** Fields holding the cache status. */
    public Builder cacheStatus(String... fields) {
      return set(8, fields);
    }

    /**
     * Sets a role by name ({@code method}, {@code url}, {@code path}, {@code query},
     * {@code status}, {@code bytes}, {@code time}, {@code userAgent}, {@code cacheStatus}), as the
     * CLI's {@code jsonl:url=request.uri} does.
     *
     * @throws IllegalArgumentException if the role is unknown or a field name is empty
     * @throws IllegalStateException if the role was already set
     */
    public Builder field(String role, String... fields) {
      for (int i = 0; i < ROLE_NAMES.length; i++) {
        if (ROLE_NAMES[i].equalsIgnoreCase(role)) {
          return set(i, fields);
        }
      }
      throw new IllegalArgumentException("unknown JSON field role '" + role + "'; expected one of "
          + String.join(", ", ROLE_NAMES));
    }

    private Builder set(int role, String... fields) {
      Objects.requireNonNull(fields, "fields");
      if (fields.length == 0) {
        throw new IllegalArgumentException(ROLE_NAMES[role] + " needs at least one field name");
      }
      for (String f : fields) {
        if (f == null || f.isBlank()) {
          throw new IllegalArgumentException(ROLE_NAMES[role] + " field name must not be empty");
        }
      }
      if (set.get(role) != null) {
        throw new IllegalStateException(ROLE_NAMES[role] + " fields were already set to "
            + set.get(role));
      }
      set.set(role, List.copyOf(Arrays.asList(fields)));
      return this;
    }

    /** Builds the mapping; unset roles keep their defaults. */
    public JsonLogFields build() {
      List<List<String>> defaults = List.of(
          List.of("method", "request_method"),
          List.of("url", "request_uri", "uri"),
          List.of("path"),
          List.of("query", "query_string"),
          List.of("status", "status_code"),
          List.of("bytes", "body_bytes_sent", "size"),
          List.of("time", "timestamp", "ts", "@timestamp"),
          List.of("user_agent", "userAgent", "http_user_agent"),
          List.of("cache_status", "cacheStatus", "upstream_cache_status"));
      List<List<String>> out = new ArrayList<>();
      for (int i = 0; i < defaults.size(); i++) {
        List<String> chosen = set.get(i);
        out.add(chosen != null ? chosen : defaults.get(i));
      }
      return new JsonLogFields(List.copyOf(out));
    }
  }
}
