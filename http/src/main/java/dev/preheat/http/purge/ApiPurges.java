package dev.preheat.http.purge;

import dev.preheat.http.internal.PurgeCalls;
import dev.preheat.internal.json.Json;
import dev.preheat.purge.PurgeRequest;
import dev.preheat.purge.PurgeResult;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Shared parts of the CDN API purgers: JSON, base URLs, batching, credential checks. */
final class ApiPurges {

  /** Preheat's shared mapper, with its read limits for answers from the network. */
  static final JsonMapper JSON = Json.MAPPER;

  private ApiPurges() {}

  /** Parses {@code body} as JSON, or null when it is not JSON. */
  static @Nullable JsonNode parse(String body) {
    if (body.isBlank()) {
      return null;
    }
    try {
      return JSON.readTree(body);
    } catch (RuntimeException e) { // Jackson 3's JacksonException is unchecked
      return null;
    }
  }

  /** {@code base} without a trailing slash, checked. */
  static URI baseUrl(URI base, String what) {
    Objects.requireNonNull(base, "base");
    PurgeRequest.checkUrl(base);
    String s = base.toString();
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    URI url;
    try {
      url = new URI(s);
    } catch (java.net.URISyntaxException e) {
      url = null;
    }
    if (url == null || url.getHost() == null || base.getRawQuery() != null
        || base.getRawFragment() != null) {
      throw new IllegalArgumentException(what + " base URL '" + base
          + "' must be an http(s) URL without query or fragment, e.g. the default");
    }
    return url;
  }

  /** {@code base} followed by {@code path} (which starts with {@code /}), raw as given. */
  static URI resolve(URI base, String path) {
    return URI.create(base.toString() + path);
  }

  /** Checks a credential: non-blank, printable ASCII without spaces (it goes into a header). */
  static String secret(String value, String what) {
    Objects.requireNonNull(value, what);
    if (value.isBlank() || !value.chars().allMatch(c -> c > 32 && c < 127)) {
      // Never echo the value: it may be a real token with a stray newline.
      throw new IllegalArgumentException(what + " must be non-blank printable ASCII without"
          + " spaces (check for a trailing newline from the file or variable it came from)");
    }
    return value;
  }

  /** Checks an identifier (service ID, zone ID) that becomes one path segment. */
  static String id(String value, String what) {
    Objects.requireNonNull(value, what);
    if (!value.matches("[A-Za-z0-9_-]{1,64}")) {
      throw new IllegalArgumentException(what + " must be 1 to 64 letters, digits, '-' or '_'"
          + " but was '" + value.replaceAll("\\p{Cntrl}", "?") + "'");
    }
    return value;
  }

  /** {@code items} cut into lists of at most {@code size}. */
  static <T> List<List<T>> batches(List<T> items, int size) {
    List<List<T>> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i += size) {
      out.add(items.subList(i, Math.min(items.size(), i + size)));
    }
    return out;
  }

  /** A failure detail from an answer: status, attempts and the API's own message. */
  static String failure(PurgeCalls.Answer a, @Nullable String apiMessage) {
    String body = apiMessage != null ? apiMessage : PurgeCalls.snippet(a.body(), 200);
    return a.describe() + (body.isEmpty() ? "" : ": " + body);
  }

  /** The result named {@code name} once every call's items are in, in call order. */
  static CompletableFuture<PurgeResult> result(String name,
      List<CompletableFuture<List<PurgeResult.Item>>> parts) {
    return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(v -> {
      List<PurgeResult.Item> items = new ArrayList<>();
      parts.forEach(p -> items.addAll(p.join()));
      return new PurgeResult(name, items);
    });
  }

  /** One item. */
  static PurgeResult.Item item(PurgeResult.Kind kind, String value, boolean purged,
      @Nullable String detail, int attempts) {
    return new PurgeResult.Item(kind, value, purged ? PurgeResult.Status.PURGED
        : PurgeResult.Status.FAILED, detail, attempts);
  }
}
