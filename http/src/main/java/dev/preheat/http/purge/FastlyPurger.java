package dev.preheat.http.purge;

import dev.preheat.http.internal.PurgeCalls;
import dev.preheat.purge.PurgeRequest;
import dev.preheat.purge.PurgeResult;
import dev.preheat.spi.Purger;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import dev.preheat.http.internal.PurgeCalls.Request;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Purges a Fastly service through the Fastly API.
 *
 * <ul>
 *   <li>URLs: {@code POST /purge/<host><path>} per URL (a query goes into the path as {@code
 *       %3F<query>}); the answer is {@code {"status":"ok","id":"..."}}.
 *   <li>Surrogate keys: {@code POST /service/<service_id>/purge} with {@code
 *       {"surrogate_keys":[...]}}, at most {@value #DEFAULT_MAX_KEYS_PER_REQUEST} keys per call
 *       (Fastly's limit; configurable); the answer maps each key to a purge ID.
 *   <li>Soft purge: {@code Fastly-Soft-Purge: 1} when the request is soft.
 *   <li>Auth: {@code Fastly-Key: <token>}. The token is never logged, never in {@code
 *       toString()} or a result detail.
 * </ul>
 *
 * <p>{@code 429} and {@code 5xx} are retried with backoff (honoring {@code Retry-After}); other
 * errors fail the items with Fastly's {@code msg} and {@code detail}. Thread-safe.
 */
public final class FastlyPurger implements Purger {

  /** The Fastly API: {@value}. */
  public static final String DEFAULT_BASE_URL = "https://api.fastly.com";
  /** Fastly's limit of surrogate keys per batch purge: {@value}. */
  public static final int DEFAULT_MAX_KEYS_PER_REQUEST = 256;

  private final URI base;
  private final String serviceId;
  private final String token;
  private final int maxKeys;
  private final String name;
  private final HttpPurgerBuilder.Http http;

  private FastlyPurger(Builder b) {
    this.base = b.baseUrl == null ? ApiPurges.baseUrl(URI.create(DEFAULT_BASE_URL), "Fastly")
        : b.baseUrl;
    this.serviceId = b.serviceId;
    this.token = b.token;
    this.maxKeys = b.maxKeys == null ? DEFAULT_MAX_KEYS_PER_REQUEST : b.maxKeys;
    this.name = b.name == null ? "fastly " + serviceId : b.name;
    this.http = b.http();
  }

  /**
   * A builder for service {@code serviceId} with API token {@code apiToken} (needs the {@code
   * purge_select} scope).
   *
   * @throws IllegalArgumentException if the service ID or token is malformed (the token is not
   *     echoed)
   */
  public static Builder builder(String serviceId, String apiToken) {
    return new Builder(ApiPurges.id(serviceId, "Fastly service ID"),
        ApiPurges.secret(apiToken, "Fastly API token"));
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean supportsTags() {
    return true;
  }

  @Override
  public CompletableFuture<PurgeResult> purge(PurgeRequest request) {
    Objects.requireNonNull(request, "request");
    List<CompletableFuture<List<PurgeResult.Item>>> parts = new ArrayList<>();
    for (URI url : request.urls()) {
      parts.add(purgeUrl(url, request.soft()));
    }
    for (List<String> keys : ApiPurges.batches(request.tags(), maxKeys)) {
      parts.add(purgeKeys(keys, request.soft()));
    }
    return ApiPurges.result(name, parts);
  }

  private Request call(URI url, boolean soft) {
    Request r = Request.of("POST", url).header("Fastly-Key", token)
        .header("Accept", "application/json");
    return soft ? r.header("Fastly-Soft-Purge", "1") : r;
  }

  private CompletableFuture<List<PurgeResult.Item>> purgeUrl(URI url, boolean soft) {
    String host = url.getHost().toLowerCase(Locale.ROOT)
        + (url.getPort() == -1 ? "" : ":" + url.getPort());
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    String query = url.getRawQuery() == null ? "" : "%3F" + url.getRawQuery().replace("/", "%2F");
    URI target = ApiPurges.resolve(base, "/purge/" + host + path + query);
    Request r = call(target, soft).body(new byte[0], null);
    return http.calls.send(r).thenApply(a -> {
      JsonNode json = ApiPurges.parse(a.body());
      boolean ok = a.ok() && json != null && "ok".equals(json.path("status").asString(""));
      String detail = ok ? "purge id " + json.path("id").asString("") + (soft ? " (soft)" : "")
          : ApiPurges.failure(a, a.ok() ? "unexpected answer " + PurgeCalls.snippet(a.body(), 200)
              : errorMessage(json));
      return List.of(ApiPurges.item(PurgeResult.Kind.URL, url.toString(), ok, detail,
          a.attempts()));
    });
  }

  private CompletableFuture<List<PurgeResult.Item>> purgeKeys(List<String> keys, boolean soft) {
    ObjectNode body = ApiPurges.JSON.createObjectNode();
    ArrayNode list = body.putArray("surrogate_keys");
    keys.forEach(list::add);
    URI target = ApiPurges.resolve(base, "/service/" + serviceId + "/purge");
    Request r = call(target, soft).json(body.toString());
    return http.calls.send(r).thenApply(a -> {
      JsonNode json = ApiPurges.parse(a.body());
      List<PurgeResult.Item> items = new ArrayList<>();
      for (String key : keys) {
        if (a.ok() && json != null && json.hasNonNull(key)) {
          items.add(ApiPurges.item(PurgeResult.Kind.TAG, key, true,
              "purge id " + json.get(key).asString("") + (soft ? " (soft)" : ""), a.attempts()));
        } else {
          items.add(ApiPurges.item(PurgeResult.Kind.TAG, key, false, a.ok()
              ? a.describe() + ": the answer has no purge id for this key"
              : ApiPurges.failure(a, errorMessage(json)), a.attempts()));
        }
      }
      return items;
    });
  }

  /** Fastly's error format: {@code {"msg": "...", "detail": "..."}}. */
  private static @Nullable String errorMessage(@Nullable JsonNode json) {
    if (json == null || !json.hasNonNull("msg")) {
      return null;
    }
    String msg = json.get("msg").asString("");
    String detail = json.path("detail").asString("");
    return PurgeCalls.snippet(detail.isEmpty() ? msg : msg + " (" + detail + ")", 300);
  }

  @Override
  public void close() {
    http.close();
  }

  @Override
  public String toString() {
    return "FastlyPurger{" + name + ", base=" + base + ", token=***}";
  }

  /** Builds a {@link FastlyPurger}; each setting may be given once. */
  public static final class Builder extends HttpPurgerBuilder<Builder> {
    private final String serviceId;
    private final String token;
    private @Nullable URI baseUrl;
    private @Nullable Integer maxKeys;
    private @Nullable String name;

    private Builder(String serviceId, String token) {
      this.serviceId = serviceId;
      this.token = token;
    }

    /** The API base URL (default {@value FastlyPurger#DEFAULT_BASE_URL}); tests point it here. */
    public Builder baseUrl(URI base) {
      once(baseUrl != null, "baseUrl", baseUrl);
      this.baseUrl = ApiPurges.baseUrl(base, "Fastly");
      return this;
    }

    /**
     * Surrogate keys per batch call (default {@value FastlyPurger#DEFAULT_MAX_KEYS_PER_REQUEST}).
     *
     * @throws IllegalArgumentException if {@code < 1}
     */
    public Builder maxKeysPerRequest(int max) {
      once(maxKeys != null, "maxKeysPerRequest", maxKeys);
      if (max < 1) {
        throw new IllegalArgumentException("maxKeysPerRequest must be >= 1 but was " + max);
      }
      this.maxKeys = max;
      return this;
    }

    /** The name in reports (default {@code fastly <service id>}). */
    public Builder name(String name) {
      once(this.name != null, "name", this.name);
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /** Builds the purger. */
    public FastlyPurger build() {
      return new FastlyPurger(this);
    }

    @Override
    public String toString() {
      return "FastlyPurger.Builder{service=" + serviceId + ", token=***}";
    }
  }
}
