package dev.preheat.http.purge;

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

/**
 * Purges an nginx cache through a purge module (ngx_cache_purge, or nginx Plus's {@code
 * proxy_cache_purge}): one request per URL, {@code PURGE <path?query>} with the URL's {@code
 * Host} by default, or e.g. {@code GET /purge<path?query>} with {@code method("GET")} and {@code
 * pathPrefix("/purge")} for a separate purge location. nginx cannot purge by tag: tags are
 * reported unsupported. {@code 2xx} counts as purged, {@code 404} as purged ("not cached"),
 * {@code 429}/{@code 5xx} are retried, anything else fails. Thread-safe.
 */
public final class NginxPurger implements Purger {

  /** Default purge method: {@value}. */
  public static final String DEFAULT_METHOD = "PURGE";

  private final String name;
  private final URI address;
  private final String method;
  private final String pathPrefix;
  private final HttpPurgerBuilder.Http http;

  private NginxPurger(Builder b) {
    this.address = b.address;
    this.name = b.name == null ? "nginx " + address.getHost() + ":" + DirectPurges.port(address) : b.name;
    this.method = b.method == null ? DEFAULT_METHOD : b.method;
    this.pathPrefix = b.pathPrefix == null ? "" : b.pathPrefix;
    this.http = b.http();
  }

  /** A builder for purging the nginx listening at {@code nginx} (e.g. http://127.0.0.1:8080). */
  public static Builder builder(URI nginx) {
    return new Builder(DirectPurges.address(nginx, "nginx"));
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean supportsTags() {
    return false;
  }

  @Override
  public CompletableFuture<PurgeResult> purge(PurgeRequest request) {
    Objects.requireNonNull(request, "request");
    List<DirectPurges.Call> calls = new ArrayList<>();
    for (URI url : request.urls()) {
      calls.add(DirectPurges.build(PurgeResult.Kind.URL, url.toString(), () ->
          Request.of(method, DirectPurges.target(address, pathPrefix, url))
              .header("Host", DirectPurges.host(url))));
    }
    return DirectPurges.run(name, http.calls, calls, request, false);
  }

  @Override
  public void close() {
    http.close();
  }

  @Override
  public String toString() {
    return "NginxPurger{" + name + ", " + method + " " + pathPrefix + "<path>}";
  }

  /** Builds an {@link NginxPurger}; each setting may be given once. */
  public static final class Builder extends HttpPurgerBuilder<Builder> {
    private final URI address;
    private @Nullable String name;
    private @Nullable String method;
    private @Nullable String pathPrefix;

    private Builder(URI address) {
      this.address = address;
    }

    /** The name in reports (default {@code nginx HOST:PORT}). */
    public Builder name(String name) {
      once(this.name != null, "name", this.name);
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /** The purge method (default {@code PURGE}); {@code GET} for a separate purge location. */
    public Builder method(String method) {
      once(this.method != null, "method", this.method);
      String m = DirectPurges.method(method);
      if (m.equals("POST") || m.equals("PUT") || m.equals("PATCH")) {
        throw new IllegalArgumentException("purge method " + m + " needs a body; use PURGE or GET");
      }
      this.method = m;
      return this;
    }

    /**
     * A path put before the URL's path (default none), e.g. {@code /purge} for {@code location ~
     * /purge(/.*)}.
     *
     * @throws IllegalArgumentException if it does not start with {@code /} or ends with one
     */
    public Builder pathPrefix(String prefix) {
      once(pathPrefix != null, "pathPrefix", pathPrefix);
      if (!prefix.startsWith("/") || prefix.endsWith("/") || prefix.contains("?")) {
        throw new IllegalArgumentException("pathPrefix must start with '/', not end with '/' and"
            + " hold no '?', e.g. /purge, but was '" + prefix + "'");
      }
      this.pathPrefix = prefix;
      return this;
    }

    /** Builds the purger. */
    public NginxPurger build() {
      return new NginxPurger(this);
    }
  }
}
