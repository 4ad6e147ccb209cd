package dev.preheat.http.purge;

import dev.preheat.http.internal.PurgeCalls;
import dev.preheat.purge.PurgeRequest;
import dev.preheat.purge.PurgeResult;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import dev.preheat.http.internal.PurgeCalls.Request;
import org.jspecify.annotations.Nullable;

/** Purge requests sent to the cache itself (Varnish, nginx): one request per URL or tag. */
final class DirectPurges {

  private DirectPurges() {}

  /** One request to send for an item, or (request null) why none could be built. */
  record Call(@Nullable Request request, PurgeResult.Kind kind, String value,
      @Nullable String problem) {

    /** A request to send. */
    Call(Request request, PurgeResult.Kind kind, String value) {
      this(request, kind, value, null);
    }
  }

  /**
   * Builds a call, or a call carrying why the request could not be built. Every request says
   * {@code Accept-Encoding: gzip}, as the gzip variant's warming and OkHttp-era purges did: nginx's
   * purge module finds a {@code Vary: Accept-Encoding} entry only with the same header.
   */
  static Call build(PurgeResult.Kind kind, String value,
      java.util.function.Supplier<Request> request) {
    try {
      Request r = request.get();
      return new Call(r.header("Accept-Encoding") != null ? r
          : r.header("Accept-Encoding", "gzip"), kind, value);
    } catch (RuntimeException e) {
      return new Call(null, kind, value, "cannot build the purge request: " + e.getMessage());
    }
  }

  /** The cache address, checked: an http(s) URL with a host. */
  static URI address(URI cache, String what) {
    PurgeRequest.checkUrl(cache);
    if (cache.getHost() == null || cache.getRawAuthority() == null) {
      throw new IllegalArgumentException(what + " address '" + cache + "' is not a valid URL");
    }
    return cache;
  }

  /** The port of {@code address}, or its scheme's default. */
  static int port(URI address) {
    return address.getPort() != -1 ? address.getPort()
        : address.getScheme().equalsIgnoreCase("https") ? 443 : 80;
  }

  /** {@code address} with path {@code /}. */
  static URI root(URI address) {
    return URI.create(address.getScheme().toLowerCase(Locale.ROOT) + "://"
        + address.getRawAuthority() + "/");
  }

  /** {@code address} with the path and query of {@code url} (prefixed), raw as given. */
  static URI target(URI address, String prefix, URI url) {
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    String query = url.getRawQuery() == null ? "" : "?" + url.getRawQuery();
    return URI.create(address.getScheme().toLowerCase(Locale.ROOT) + "://"
        + address.getRawAuthority() + prefix + path + query);
  }

  /** The {@code Host} header value for {@code url}: host, and port when not the default. */
  static String host(URI url) {
    String scheme = url.getScheme().toLowerCase(Locale.ROOT);
    int port = url.getPort();
    boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80)
        || (scheme.equals("https") && port == 443);
    return defaultPort ? url.getHost() : url.getHost() + ":" + port;
  }

  /** Checks an HTTP method token: letters only, upper-cased. */
  static String method(String method) {
    if (method.isEmpty() || !method.chars().allMatch(c -> c < 128 && Character.isLetter(c))) {
      throw new IllegalArgumentException("purge method must be letters only, e.g. PURGE or BAN,"
          + " but was '" + method + "'");
    }
    return method.toUpperCase(Locale.ROOT);
  }

  /** Checks a header name: an HTTP token. */
  static String headerName(String name) {
    if (name.isEmpty() || !name.chars().allMatch(c -> c > 32 && c < 127
        && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0)) {
      throw new IllegalArgumentException("'" + name + "' is not a valid header name");
    }
    return name;
  }

  /** A regular expression matching exactly {@code text} (PCRE, as Varnish uses). */
  static String quoteRegex(String text) {
    StringBuilder b = new StringBuilder(text.length() + 8);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if ("\\^$.|?*+()[]{}".indexOf(c) >= 0) {
        b.append('\\');
      }
      b.append(c);
    }
    return b.toString();
  }

  /**
   * Sends each call; 2xx is purged, 404 is purged ("not cached"), anything else failed with the
   * status and a snippet of the answer. Items of kinds in {@code unsupported} are reported so.
   */
  static CompletableFuture<PurgeResult> run(String name, PurgeCalls calls, List<Call> list,
      PurgeRequest request, boolean tagsSupported) {
    List<CompletableFuture<PurgeResult.Item>> futures = new ArrayList<>();
    for (Call c : list) {
      Request r = c.request();
      futures.add(r == null
          ? CompletableFuture.completedFuture(new PurgeResult.Item(c.kind(), c.value(),
              PurgeResult.Status.FAILED, c.problem(), 0))
          : calls.send(r).thenApply(a -> item(c, a, request.soft())));
    }
    return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).thenApply(v -> {
      List<PurgeResult.Item> items = new ArrayList<>();
      futures.forEach(f -> items.add(f.join()));
      if (!tagsSupported) {
        for (String t : request.tags()) {
          items.add(new PurgeResult.Item(PurgeResult.Kind.TAG, t,
              PurgeResult.Status.UNSUPPORTED, name + " cannot purge by tag", 0));
        }
      }
      return new PurgeResult(name, items);
    });
  }

  private static PurgeResult.Item item(Call c, PurgeCalls.Answer a, boolean soft) {
    String hard = soft ? " (hard: this cache has no soft purge)" : "";
    if (a.ok()) {
      return new PurgeResult.Item(c.kind(), c.value(), PurgeResult.Status.PURGED,
          a.describe() + hard, a.attempts());
    }
    if (a.status() == 404) {
      return new PurgeResult.Item(c.kind(), c.value(), PurgeResult.Status.PURGED,
          "HTTP 404: not cached", a.attempts());
    }
    String body = PurgeCalls.snippet(a.body().replaceAll("<[^>]*>", " "), 200);
    return new PurgeResult.Item(c.kind(), c.value(), PurgeResult.Status.FAILED,
        a.describe() + (body.isEmpty() ? "" : ": " + body), a.attempts());
  }
}
