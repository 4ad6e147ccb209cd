package dev.preheat.http.purge;

import dev.preheat.http.internal.PurgeCalls;
import dev.preheat.purge.PurgeRequest;
import dev.preheat.purge.PurgeResult;
import dev.preheat.spi.Purger;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import dev.preheat.http.internal.PurgeCalls.Request;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Purges a Cloudflare zone through the Cloudflare API: {@code POST
 * /zones/<zone_id>/purge_cache} with {@code {"files":[...]}} for URLs and {@code {"tags":[...]}}
 * for cache tags, each cut into calls of at most {@link Builder#maxItemsPerRequest} items
 * (default {@value #DEFAULT_MAX_ITEMS_PER_REQUEST}: Cloudflare's current limit for every plan but
 * Enterprise, which allows 500; older accounts had 30). Auth is {@code Authorization: Bearer
 * <token>}; the token is never logged, never in {@code toString()} or a result detail.
 *
 * <p>The answer is Cloudflare's envelope {@code {"success":..,"errors":[{"code":..,"message":..}],
 * "messages":[],"result":{"id":..}}}; every item of a call shares its outcome. {@code 429} and
 * {@code 5xx} are retried with backoff (honoring {@code Retry-After}). Cloudflare has no soft
 * purge: a soft request is purged hard and the item detail says so. Thread-safe.
 */
public final class CloudflarePurger implements Purger {

  /** The Cloudflare API: {@value}. */
  public static final String DEFAULT_BASE_URL = "https://api.cloudflare.com/client/v4";
  /** Default items per purge call: {@value}. */
  public static final int DEFAULT_MAX_ITEMS_PER_REQUEST = 100;

  private final URI base;
  private final String zoneId;
  private final String token;
  private final int maxItems;
  private final String name;
  private final HttpPurgerBuilder.Http http;

  private CloudflarePurger(Builder b) {
    this.base = b.baseUrl == null
        ? ApiPurges.baseUrl(URI.create(DEFAULT_BASE_URL), "Cloudflare") : b.baseUrl;
    this.zoneId = b.zoneId;
    this.token = b.token;
    this.maxItems = b.maxItems == null ? DEFAULT_MAX_ITEMS_PER_REQUEST : b.maxItems;
    this.name = b.name == null ? "cloudflare " + zoneId : b.name;
    this.http = b.http();
  }

  /**
   * A builder for zone {@code zoneId} with API token {@code apiToken} (needs the Cache Purge
   * permission).
   *
   * @throws IllegalArgumentException if the zone ID or token is malformed (the token is not
   *     echoed)
   */
  public static Builder builder(String zoneId, String apiToken) {
    return new Builder(ApiPurges.id(zoneId, "Cloudflare zone ID"),
        ApiPurges.secret(apiToken, "Cloudflare API token"));
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
    List<String> urls = request.urls().stream().map(URI::toString).toList();
    for (List<String> batch : ApiPurges.batches(urls, maxItems)) {
      parts.add(call("files", PurgeResult.Kind.URL, batch, request.soft()));
    }
    for (List<String> batch : ApiPurges.batches(request.tags(), maxItems)) {
      parts.add(call("tags", PurgeResult.Kind.TAG, batch, request.soft()));
    }
    return ApiPurges.result(name, parts);
  }

  private CompletableFuture<List<PurgeResult.Item>> call(String field, PurgeResult.Kind kind,
      List<String> values, boolean soft) {
    ObjectNode body = ApiPurges.JSON.createObjectNode();
    ArrayNode list = body.putArray(field);
    values.forEach(list::add);
    URI target = ApiPurges.resolve(base, "/zones/" + zoneId + "/purge_cache");
    Request r = Request.of("POST", target).header("Authorization", "Bearer " + token)
        .header("Accept", "application/json").json(body.toString());
    return http.calls.send(r).thenApply(a -> {
      JsonNode json = ApiPurges.parse(a.body());
      boolean ok = a.ok() && json != null && json.path("success").asBoolean(false);
      String detail;
      if (ok) {
        detail = "purge id " + json.path("result").path("id").asString("?")
            + (soft ? " (hard: Cloudflare has no soft purge)" : "");
      } else {
        detail = ApiPurges.failure(a, errorMessage(json));
      }
      List<PurgeResult.Item> items = new ArrayList<>();
      for (String v : values) {
        items.add(ApiPurges.item(kind, v, ok, detail, a.attempts()));
      }
      return items;
    });
  }

  /** Cloudflare's envelope errors as {@code code message; code message}. */
  private static @Nullable String errorMessage(@Nullable JsonNode json) {
    if (json == null || !json.path("errors").isArray() || json.path("errors").isEmpty()) {
      return null;
    }
    StringBuilder b = new StringBuilder();
    for (JsonNode e : json.path("errors")) {
      b.append(b.length() == 0 ? "" : "; ").append(e.path("code").asString("?")).append(' ')
          .append(e.path("message").asString(""));
    }
    return PurgeCalls.snippet(b.toString(), 300);
  }

  @Override
  public void close() {
    http.close();
  }

  @Override
  public String toString() {
    return "CloudflarePurger{" + name + ", base=" + base + ", maxItemsPerRequest=" + maxItems
        + ", token=***}";
  }

  /** Builds a {@link CloudflarePurger}; each setting may be given once. */
  public static final class Builder extends HttpPurgerBuilder<Builder> {
    private final String zoneId;
    private final String token;
    private @Nullable URI baseUrl;
    private @Nullable Integer maxItems;
    private @Nullable String name;

    private Builder(String zoneId, String token) {
      this.zoneId = zoneId;
      this.token = token;
    }

    /** The API base URL (default {@value CloudflarePurger#DEFAULT_BASE_URL}); tests point it here. */
    public Builder baseUrl(URI base) {
      once(baseUrl != null, "baseUrl", baseUrl);
      this.baseUrl = ApiPurges.baseUrl(base, "Cloudflare");
      return this;
    }

    /**
     * URLs or tags per call (default {@value CloudflarePurger#DEFAULT_MAX_ITEMS_PER_REQUEST}; 500
     * on Enterprise, 30 on older accounts).
     *
     * @throws IllegalArgumentException if {@code < 1}
     */
    public Builder maxItemsPerRequest(int max) {
      once(maxItems != null, "maxItemsPerRequest", maxItems);
      if (max < 1) {
        throw new IllegalArgumentException("maxItemsPerRequest must be >= 1 but was " + max);
      }
      this.maxItems = max;
      return this;
    }

    /** The name in reports (default {@code cloudflare <zone id>}). */
    public Builder name(String name) {
      once(this.name != null, "name", this.name);
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /** Builds the purger. */
    public CloudflarePurger build() {
      return new CloudflarePurger(this);
    }

    @Override
    public String toString() {
      return "CloudflarePurger.Builder{zone=" + zoneId + ", token=***}";
    }
  }
}
