package dev.preheat.http.purge;

import dev.preheat.purge.PurgeRequest;
import dev.preheat.purge.PurgeResult;
import dev.preheat.spi.Purger;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import dev.preheat.http.internal.PurgeCalls.Request;
import org.jspecify.annotations.Nullable;

/**
 * Purges a Varnish cache by sending it {@code PURGE} or {@code BAN} requests; the VCL decides
 * what they do, so methods, headers and the URL pattern are configurable. The defaults fit this
 * VCL (restrict it to your purging hosts):
 *
 * <pre>{@code
 * acl purgers { "127.0.0.1"; }
 * sub vcl_recv {
 *   if (req.method == "PURGE") {
 *     if (client.ip !~ purgers) { return (synth(405, "Not allowed")); }
 *     return (purge);
 *   }
 *   if (req.method == "BAN") {
 *     if (client.ip !~ purgers) { return (synth(405, "Not allowed")); }
 *     if (req.http.X-Ban-Tag) {
 *       ban("obj.http.Surrogate-Key ~ (^|\s)" + req.http.X-Ban-Tag + "(\s|$)");
 *     } else {
 *       ban("obj.http.X-Host == " + req.http.host + " && obj.http.X-Url ~ " + req.http.X-Ban-Url);
 *     }
 *     return (synth(200, "Banned"));
 *   }
 * }
 * sub vcl_backend_response {
 *   set beresp.http.X-Url = bereq.url;
 *   set beresp.http.X-Host = bereq.http.host;
 * }
 * }</pre>
 *
 * <ul>
 *   <li>URLs: by default {@code PURGE <path?query>} with the URL's {@code Host}; with {@link
 *       Builder#banUrls(String)} a {@code BAN /} whose header holds a regular expression matching
 *       exactly the path and query (see {@link Builder#banPattern}).
 *   <li>Tags: by default {@code BAN /} with header {@code X-Ban-Tag: <tag>}, one request per tag,
 *       the tag quoted as a regular expression ({@code v1.2} is sent as {@code v1\.2}) since the
 *       VCL matches it as one. For the xkey vmod use {@code tagMethod("PURGE").tagHeader("xkey")}:
 *       tags then go as they are.
 * </ul>
 *
 * <p>{@code 2xx} and {@code 404} count as purged; {@code 429} and {@code 5xx} are retried;
 * anything else fails with the status and Varnish's reason. Thread-safe.
 */
public final class VarnishPurger implements Purger {

  /** Default method of URL purges: {@value}. */
  public static final String DEFAULT_PURGE_METHOD = "PURGE";
  /** Default method of bans: {@value}. */
  public static final String DEFAULT_BAN_METHOD = "BAN";
  /** Default header carrying a URL ban pattern: {@value}. */
  public static final String DEFAULT_BAN_URL_HEADER = "X-Ban-Url";
  /** Default header carrying a tag: {@value}. */
  public static final String DEFAULT_TAG_HEADER = "X-Ban-Tag";

  private final String name;
  private final URI address;
  private final HttpPurgerBuilder.Http http;
  private final String purgeMethod;
  private final String banMethod;
  private final @Nullable String banUrlHeader;
  private final Function<URI, String> banPattern;
  private final @Nullable String tagMethod;
  private final @Nullable String tagHeader;

  private VarnishPurger(Builder b) {
    this.address = b.address;
    this.name = b.name == null ? "varnish " + address.getHost() + ":" + DirectPurges.port(address) : b.name;
    this.purgeMethod = b.purgeMethod == null ? DEFAULT_PURGE_METHOD : b.purgeMethod;
    this.banMethod = b.banMethod == null ? DEFAULT_BAN_METHOD : b.banMethod;
    this.banUrlHeader = b.banUrlHeader;
    this.banPattern = b.banPattern == null ? VarnishPurger::exactPathPattern : b.banPattern;
    this.tagMethod = b.noTags ? null : b.tagMethod == null ? banMethod : b.tagMethod;
    this.tagHeader = b.noTags ? null : b.tagHeader == null ? DEFAULT_TAG_HEADER : b.tagHeader;
    this.http = b.http();
  }

  /** A builder for purging the Varnish listening at {@code varnish} (e.g. http://127.0.0.1:6081). */
  public static Builder builder(URI varnish) {
    return new Builder(DirectPurges.address(varnish, "Varnish"));
  }

  /** The default URL ban pattern: {@code ^} + the quoted path and query + {@code $}. */
  public static String exactPathPattern(URI url) {
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    String query = url.getRawQuery() == null ? "" : "?" + url.getRawQuery();
    return "^" + DirectPurges.quoteRegex(path + query) + "$";
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean supportsTags() {
    return tagHeader != null;
  }

  @Override
  public CompletableFuture<PurgeResult> purge(PurgeRequest request) {
    Objects.requireNonNull(request, "request");
    List<DirectPurges.Call> calls = new ArrayList<>();
    for (URI url : request.urls()) {
      calls.add(DirectPurges.build(PurgeResult.Kind.URL, url.toString(), () -> {
        if (banUrlHeader == null) {
          return Request.of(purgeMethod, DirectPurges.target(address, "", url))
              .header("Host", DirectPurges.host(url));
        }
        return Request.of(banMethod, DirectPurges.root(address))
            .header("Host", DirectPurges.host(url)).header(banUrlHeader, banPattern.apply(url));
      }));
    }
    if (tagHeader != null && tagMethod != null) {
      for (String tag : request.tags()) {
        // A ban is a regular expression in the VCL: quote the tag so "v1.2" cannot match
        // "v1x2" and a hostile ".*" cannot ban everything. Other methods (xkey) match exactly.
        String value = tagMethod.equals(banMethod) ? DirectPurges.quoteRegex(tag) : tag;
        calls.add(DirectPurges.build(PurgeResult.Kind.TAG, tag, () ->
            Request.of(tagMethod, DirectPurges.root(address)).header(tagHeader, value)));
      }
    }
    return DirectPurges.run(name, http.calls, calls, request, tagHeader != null);
  }

  @Override
  public void close() {
    http.close();
  }

  @Override
  public String toString() {
    return "VarnishPurger{" + name + ", urls=" + (banUrlHeader == null ? purgeMethod
        : banMethod + " " + banUrlHeader) + ", tags=" + (tagHeader == null ? "none"
        : tagMethod + " " + tagHeader) + "}";
  }

  /** Builds a {@link VarnishPurger}; each setting may be given once. */
  public static final class Builder extends HttpPurgerBuilder<Builder> {
    private final URI address;
    private @Nullable String name;
    private @Nullable String purgeMethod;
    private @Nullable String banMethod;
    private @Nullable String banUrlHeader;
    private @Nullable Function<URI, String> banPattern;
    private @Nullable String tagMethod;
    private @Nullable String tagHeader;
    private boolean noTags;

    private Builder(URI address) {
      this.address = address;
    }

    /** The name in reports (default {@code varnish HOST:PORT}), e.g. {@code shield}. */
    public Builder name(String name) {
      once(this.name != null, "name", this.name);
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /** The method of URL purges (default {@code PURGE}). */
    public Builder purgeMethod(String method) {
      once(purgeMethod != null, "purgeMethod", purgeMethod);
      this.purgeMethod = DirectPurges.method(method);
      return this;
    }

    /** The method of bans (default {@code BAN}); also the tag method unless {@link #tagMethod}. */
    public Builder banMethod(String method) {
      once(banMethod != null, "banMethod", banMethod);
      this.banMethod = DirectPurges.method(method);
      return this;
    }

    /** Purge URLs by ban instead: the pattern goes in {@code header} (e.g. {@code X-Ban-Url}). */
    public Builder banUrls(String header) {
      once(banUrlHeader != null, "banUrls", banUrlHeader);
      this.banUrlHeader = DirectPurges.headerName(header);
      return this;
    }

    /** The URL ban pattern (default {@link VarnishPurger#exactPathPattern}). */
    public Builder banPattern(Function<URI, String> pattern) {
      once(banPattern != null, "banPattern", banPattern);
      this.banPattern = Objects.requireNonNull(pattern, "pattern");
      return this;
    }

    /** The method of tag purges (default: the ban method). */
    public Builder tagMethod(String method) {
      once(tagMethod != null, "tagMethod", tagMethod);
      this.tagMethod = DirectPurges.method(method);
      return this;
    }

    /** The header carrying the tag (default {@code X-Ban-Tag}; {@code xkey} for the xkey vmod). */
    public Builder tagHeader(String header) {
      once(tagHeader != null, "tagHeader", tagHeader);
      this.tagHeader = DirectPurges.headerName(header);
      return this;
    }

    /** This Varnish cannot purge by tag: tags are reported unsupported. */
    public Builder noTags() {
      once(noTags, "noTags", true);
      this.noTags = true;
      return this;
    }

    /** Builds the purger. */
    public VarnishPurger build() {
      return new VarnishPurger(this);
    }
  }
}
