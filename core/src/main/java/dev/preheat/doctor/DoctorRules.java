package dev.preheat.doctor;

import dev.preheat.doctor.Probe.Step;
import dev.preheat.key.VaryFinding;
import dev.preheat.key.VaryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The diagnosis rules: pure functions from the {@link Probe}s of one URL to {@link Finding}s. No
 * I/O; {@link CacheDoctor} makes the fetches.
 *
 * <p>Finding codes (stable, for scripts):
 *
 * <ul>
 *   <li>{@value #FETCH_FAILED} (PROBLEM): a request failed (connection, timeout);
 *   <li>{@value #ERROR_STATUS} (PROBLEM): the URL answers 4xx or 5xx;
 *   <li>{@value #REDIRECT} (WARNING): the URL redirects; warming fills only the redirect;
 *   <li>{@value #NO_STORE}, {@value #PRIVATE} (PROBLEM): {@code Cache-Control} forbids shared
 *       caching;
 *   <li>{@value #VARY_EXPLOSION} (PROBLEM): {@code Vary} names a header with unbounded values
 *       (from {@link VaryPolicy});
 *   <li>{@value #SET_COOKIE} (PROBLEM): the response sets a cookie, so caches refuse to store it,
 *       or store it and hand the cookie to everyone;
 *   <li>{@value #NOT_STORED} (PROBLEM): the warmer's second fetch was a MISS again;
 *   <li>{@value #VARIANT_MISMATCH} (PROBLEM): a browser's request right after the warmer's maps to
 *       a different cache entry;
 *   <li>{@value #COOKIE_BYPASS} (PROBLEM): requests with (analytics) cookies are not served from
 *       cache;
 *   <li>{@value #RAW_VARY_KEY} (WARNING): the warmer's own variants are separate entries: the cache
 *       keys on the raw header value;
 *   <li>{@value #ZERO_FRESHNESS} (WARNING): {@code no-cache}, {@code max-age=0} or {@code
 *       s-maxage=0}: every use is revalidated;
 *   <li>{@value #NO_VALIDATORS} (WARNING): neither {@code ETag} nor {@code Last-Modified};
 *   <li>{@value #NO_FRESHNESS} (INFO): no {@code max-age}, {@code s-maxage} or {@code Expires};
 *   <li>{@value #NO_CACHE_STATUS} (INFO): no response said HIT or MISS, so the key checks could
 *       not run;
 *   <li>{@value #ALREADY_CACHED} (INFO): every profile was a HIT at once, so a key difference
 *       could not show.
 * </ul>
 */
public final class DoctorRules {

  /** A request failed. */
  public static final String FETCH_FAILED = "fetch-failed";
  /** 4xx or 5xx. */
  public static final String ERROR_STATUS = "error-status";
  /** 3xx. */
  public static final String REDIRECT = "redirect";
  /** Cache-Control: no-store. */
  public static final String NO_STORE = "no-store";
  /** Cache-Control: private. */
  public static final String PRIVATE = "private";
  /** Vary explosion. */
  public static final String VARY_EXPLOSION = "vary-explosion";
  /** Set-Cookie on the response. */
  public static final String SET_COOKIE = "set-cookie";
  /** The cache did not store the warmer's fetch. */
  public static final String NOT_STORED = "not-stored";
  /** A browser's key differs from the warmer's. */
  public static final String VARIANT_MISMATCH = "variant-mismatch";
  /** Requests with cookies are not served from cache. */
  public static final String COOKIE_BYPASS = "cookie-bypass";
  /** The cache keys on the raw value of a Vary header. */
  public static final String RAW_VARY_KEY = "raw-vary-key";
  /** No freshness lifetime for shared caches. */
  public static final String ZERO_FRESHNESS = "zero-freshness";
  /** No ETag and no Last-Modified. */
  public static final String NO_VALIDATORS = "no-validators";
  /** No explicit lifetime. */
  public static final String NO_FRESHNESS = "no-freshness";
  /** No cache status header. */
  public static final String NO_CACHE_STATUS = "no-cache-status";
  /** Everything was already cached. */
  public static final String ALREADY_CACHED = "already-cached";

  /** Slack for clocks and rounding when comparing a hit's {@code Age} with the warmer's copy. */
  static final long AGE_SLACK_SECONDS = 2;

  private DoctorRules() {}

  /**
   * The findings for one URL with {@link VaryPolicy#defaults()}.
   *
   * @param probes the fetches of one URL, in the order they were made
   * @return the findings in rule order (unsorted)
   */
  public static List<Finding> diagnose(List<Probe> probes) {
    return diagnose(probes, VaryPolicy.defaults());
  }

  /**
   * The findings for one URL.
   *
   * @param probes the fetches of one URL, in the order they were made
   * @param varyPolicy which {@code Vary} headers count as explosions
   * @return the findings in rule order (unsorted)
   * @throws NullPointerException if an argument is null
   */
  public static List<Finding> diagnose(List<Probe> probes, VaryPolicy varyPolicy) {
    Objects.requireNonNull(probes, "probes");
    Objects.requireNonNull(varyPolicy, "varyPolicy");
    List<Finding> out = new ArrayList<>();
    failures(probes, out);
    Probe base = probes.stream().filter(p -> p.step() == Step.WARM && p.ok()).findFirst()
        .orElse(null);
    if (base == null) {
      return out;
    }
    int status = base.status();
    if (status >= 400) {
      out.add(new Finding(ERROR_STATUS, Severity.PROBLEM,
          "The URL answers " + status + ".",
          "The warmer got HTTP " + status + " for this URL: warming it only caches an error (or"
              + " sends load to the origin for nothing), and real users get the error too.",
          "fix the URL, or remove it from the warm list (a 404 usually means a stale log or"
              + " sitemap entry)."));
      return out;
    }
    if (status >= 300 && status < 400) {
      String location = base.header("Location");
      out.add(new Finding(REDIRECT, Severity.WARNING,
          "The URL redirects (" + status + ").",
          "The warmer got HTTP " + status + (location == null ? "" : " to " + location)
              + ": warming it fills only the redirect response, not the page users end up on.",
          "warm the final URL" + (location == null ? "" : " (" + location + ")")
              + " instead, or as well."));
    }

    Map<String, String> cc = cacheControl(base.header("Cache-Control"));
    boolean noStore = cc.containsKey("no-store");
    boolean priv = cc.containsKey("private");
    if (noStore) {
      out.add(new Finding(NO_STORE, Severity.PROBLEM,
          "Cache-Control: no-store: no cache may keep this response.",
          "The origin sends Cache-Control: " + base.header("Cache-Control") + ". Caches must not"
              + " store it, so warming cannot help; Preheat records the URL as uncacheable and"
              + " drops it from later plans.",
          "if the page is the same for every user, send Cache-Control: public, s-maxage=N instead"
              + " of no-store; if it is per user, remove it from the warm list."));
    }
    if (priv) {
      out.add(new Finding(PRIVATE, Severity.PROBLEM,
          "Cache-Control: private: shared caches may not keep this response.",
          "The origin sends Cache-Control: " + base.header("Cache-Control") + ". Only the"
              + " browser may store it; a CDN or reverse proxy must not, so warming cannot help.",
          "if the page is the same for every user, drop private and send s-maxage=N; if it is"
              + " per user, remove it from the warm list."));
    }

    String vary = base.header("Vary");
    List<String> varyNames = List.of();
    try {
      varyNames = VaryPolicy.varyHeaders(vary);
      for (VaryFinding f : varyPolicy.findings(vary)) {
        out.add(new Finding(VARY_EXPLOSION, Severity.PROBLEM,
            "Vary: " + f.header() + " splits the cache into a copy per client.",
            f.explanation(), f.fix()));
      }
    } catch (IllegalArgumentException e) {
      out.add(new Finding(VARY_EXPLOSION, Severity.WARNING, "The Vary header is malformed.",
          "Vary: " + vary + " is not a list of header names (" + e.getMessage() + "); caches"
              + " may treat it as Vary: * and store nothing.",
          "send a comma-separated list of header names, e.g. Vary: Accept-Encoding."));
    }

    List<Probe> warmAgain = of(probes, Step.WARM_AGAIN);
    boolean stored = warmAgain.stream().anyMatch(Probe::hit);
    boolean notStored = !stored && warmAgain.stream().anyMatch(Probe::miss);
    String setCookie = base.header("Set-Cookie");
    if (setCookie != null) {
      String cookie = cookieNames(base.headers().getOrDefault("Set-Cookie", List.of()));
      String fix = "do not set cookies on pages that are the same for everyone (set them from a"
          + " separate, uncached request), or drop them at the cache: nginx proxy_hide_header"
          + " Set-Cookie; proxy_ignore_headers Set-Cookie; Varnish: unset"
          + " beresp.http.Set-Cookie; in vcl_backend_response.";
      if (stored) {
        out.add(new Finding(SET_COOKIE, Severity.PROBLEM,
            "A response that sets a cookie (" + cookie + ") is served from cache.",
            "The origin sends Set-Cookie and the cache stored the response anyway: everyone served"
                + " from this copy receives the same cookie, a session leak if it is a session.",
            fix));
      } else {
        out.add(new Finding(SET_COOKIE, Severity.PROBLEM,
            "The response sets a cookie (" + cookie + "), so the cache does not store it.",
            "nginx and Varnish do not store responses with Set-Cookie by default"
                + (notStored ? " (the warmer's second fetch was a " + kind(warmAgain) + " again)"
                    : "")
                + ": every request goes to the origin and warming changes nothing.",
            fix));
      }
    }

    boolean zeroFreshness = cc.containsKey("no-cache")
        || "0".equals(cc.get("s-maxage"))
        || (!cc.containsKey("s-maxage") && "0".equals(cc.get("max-age")));
    boolean noLifetime = !cc.containsKey("max-age") && !cc.containsKey("s-maxage")
        && base.header("Expires") == null;
    if (notStored && !noStore && !priv && setCookie == null) {
      List<String> causes = new ArrayList<>();
      if (noLifetime) {
        causes.add("the response has no max-age, s-maxage or Expires, and nginx stores such"
            + " responses only when proxy_cache_valid says so");
      }
      if (zeroFreshness) {
        causes.add("Cache-Control: " + base.header("Cache-Control") + " gives it no lifetime");
      }
      if (varyNames.contains("*")) {
        causes.add("Vary: * matches no later request");
      }
      causes.add("a bypass in the cache's configuration (nginx proxy_cache_bypass or"
          + " proxy_no_cache, a Varnish return (pass), a CDN rule)");
      out.add(new Finding(NOT_STORED, Severity.PROBLEM,
          "The cache does not store this response.",
          "The warmer fetched the URL twice and the second fetch was a " + kind(warmAgain)
              + " again (" + statusHeader(warmAgain) + "), so the cache did not keep the first"
              + " copy and warming cannot help. Likely causes: " + String.join("; ", causes) + ".",
          "give shared caches a lifetime (Cache-Control: public, s-maxage=N) and remove any bypass"
              + " rule for this URL; then run preheat doctor again."));
    }
    if (!noStore && !priv && zeroFreshness) {
      out.add(new Finding(ZERO_FRESHNESS, Severity.WARNING,
          "Cached copies are stale at once (Cache-Control: " + base.header("Cache-Control")
              + ").",
          "Every request to the cache must be revalidated with the origin first, so a warmed"
              + " copy saves at most the body transfer, never the origin's work or round trip.",
          "give shared caches a lifetime with s-maxage=N (browsers can keep max-age=0)."));
    } else if (!noStore && !priv && noLifetime && stored) {
      out.add(new Finding(NO_FRESHNESS, Severity.INFO,
          "No explicit lifetime (max-age, s-maxage or Expires).",
          "The cache stored the response using its own default lifetime (nginx"
              + " proxy_cache_valid, Varnish default_ttl of 120 s) or a heuristic, so how long a"
              + " warmed copy lasts depends on the cache's configuration.",
          "send Cache-Control: s-maxage=N so the lifetime is explicit and lasts until the next"
              + " warm."));
    }
    if (status == 200 && base.header("ETag") == null && base.header("Last-Modified") == null) {
      out.add(new Finding(NO_VALIDATORS, Severity.WARNING,
          "No ETag or Last-Modified: conditional warming is impossible.",
          "Without validators neither Preheat nor the cache can ask \"has it changed?\": every"
              + " warm pass downloads every body again (no 304 Not Modified) and stale copies"
              + " cannot be revalidated cheaply.",
          "send an ETag (a hash or version of the content) or Last-Modified from the origin;"
              + " for static files nginx sends both by default."));
    }

    List<Probe> all = probes.stream().filter(Probe::ok).toList();
    if (!all.isEmpty() && all.stream().allMatch(
        p -> p.cacheStatus().kind() == dev.preheat.status.CacheStatus.Kind.UNKNOWN)) {
      out.add(new Finding(NO_CACHE_STATUS, Severity.INFO,
          "No cache status: the doctor cannot tell hits from misses.",
          "No response carried Cache-Status, X-Cache, X-Cache-Status, CF-Cache-Status or an Age"
              + " above 0, so whether the warmer's copy is the one browsers get could not be"
              + " checked.",
          "make the cache report its verdict: nginx add_header X-Cache-Status"
              + " $upstream_cache_status always; Varnish set resp.http.X-Cache from obj.hits in"
              + " vcl_deliver; or the standard Cache-Status header."));
      return out;
    }

    if (stored) {
      rawVaryKey(probes, varyNames, out);
      browsers(probes, base, varyNames, out);
    }
    return out;
  }

  private static void failures(List<Probe> probes, List<Finding> out) {
    Map<String, String> failed = new LinkedHashMap<>();
    for (Probe p : probes) {
      if (!p.ok()) {
        failed.putIfAbsent(p.profile().name(), p.error());
      }
    }
    if (!failed.isEmpty()) {
      String list = failed.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
          .collect(Collectors.joining("; "));
      out.add(new Finding(FETCH_FAILED, Severity.PROBLEM,
          "Requests failed (" + String.join(", ", failed.keySet()) + ").",
          "No response for " + list + ".",
          "check that the URL is reachable from here (DNS, firewall, TLS), or point the doctor at"
              + " the cache with --connect-to HOST:PORT."));
    }
  }

  /** The warmer's variants after the first were MISSes although the first was stored. */
  private static void rawVaryKey(List<Probe> probes, List<String> varyNames, List<Finding> out) {
    List<Probe> warm = of(probes, Step.WARM);
    if (warm.size() < 2) {
      return;
    }
    Set<String> storedBefore = new LinkedHashSet<>();
    List<Probe> separate = new ArrayList<>();
    for (Probe p : warm) {
      if (!storedBefore.isEmpty() && p.miss() && storedAgain(probes, p.profile())) {
        separate.add(p);
      }
      if (storedAgain(probes, p.profile())) {
        storedBefore.add(p.profile().name());
      }
    }
    if (separate.isEmpty()) {
      return;
    }
    List<HeaderProfile> profiles = new ArrayList<>();
    profiles.add(warm.get(0).profile());
    separate.forEach(p -> profiles.add(p.profile()));
    Set<String> differing = differing(varyNames, profiles);
    String values = profiles.stream().map(p -> p.name() + " " + values(p, differing))
        .collect(Collectors.joining(", "));
    out.add(new Finding(RAW_VARY_KEY, Severity.WARNING,
        "The cache keeps one copy per exact " + names(differing) + " string.",
        "The warmer's variants are separate cache entries (" + values + "): right after the"
            + " first was stored, the others were a MISS. So the cache keys on the raw header"
            + " value, not on what it means; every distinct string clients send (browsers,"
            + " versions, apps, bots) is its own entry: more misses, and one warm request per"
            + " string.",
        fixFor(differing)));
  }

  private static void browsers(List<Probe> probes, Probe base, List<String> varyNames,
      List<Finding> out) {
    Probe firstWarm = probes.stream().filter(p -> p.step() == Step.WARM && p.ok()).findFirst()
        .orElse(base);
    List<HeaderProfile> warmers = of(probes, Step.WARM).stream().map(Probe::profile).toList();
    List<Probe> browser = of(probes, Step.BROWSER).stream().filter(Probe::ok).toList();
    boolean cookielessHit = browser.stream()
        .anyMatch(p -> p.hit() && p.profile().header("Cookie") == null);
    List<Probe> mismatched = new ArrayList<>();
    List<Probe> older = new ArrayList<>();
    List<Probe> shared = new ArrayList<>();
    List<Probe> cookieVictims = new ArrayList<>();
    for (Probe b : browser) {
      if (b.miss()) {
        if (b.profile().header("Cookie") != null && cookielessHit) {
          cookieVictims.add(b);
        } else {
          mismatched.add(b);
        }
      } else if (b.hit() && olderThanWarmCopy(firstWarm, b)) {
        older.add(b);
      } else if (b.hit() && sharesMismatchedEntry(varyNames, warmers, mismatched, b)) {
        // A HIT on the entry an earlier browser's MISS just filled: after a purge and a warm,
        // this browser would miss as well.
        shared.add(b);
      }
    }
    if (!mismatched.isEmpty() || !older.isEmpty()) {
      List<Probe> affected = new ArrayList<>(mismatched);
      affected.addAll(shared);
      affected.addAll(older);
      List<HeaderProfile> profiles = new ArrayList<>(warmers);
      affected.forEach(p -> profiles.add(p.profile()));
      Set<String> differing = new LinkedHashSet<>();
      for (Probe b : affected) {
        differing.addAll(differingFromAll(varyNames, warmers, b.profile()));
      }
      StringBuilder why = new StringBuilder();
      if (!mismatched.isEmpty()) {
        why.append("Right after the warmer's copy was stored (its second fetch was a HIT), ")
            .append(listStatuses(mismatched))
            .append(": their requests map to a different cache entry than the warmer's.");
      }
      if (!shared.isEmpty()) {
        why.append(" ").append(shared.stream().map(p -> p.profile().name())
                .collect(Collectors.joining(", ")))
            .append(" send the same values and got a HIT only on the entry that MISS had just"
                + " filled.");
      }
      if (!older.isEmpty()) {
        why.append(why.length() == 0 ? "" : " ").append(older.stream()
                .map(p -> p.profile().name() + " got a HIT with Age " + p.cacheStatus().ageSeconds()
                    + " s")
                .collect(Collectors.joining(", ")))
            .append(" although the warmer's copy was stored moments before: an older, separate"
                + " entry.");
      }
      if (!differing.isEmpty()) {
        why.append(" The response varies on ").append(names(differing))
            .append(" and the values differ: warmer ")
            .append(warmers.stream().map(w -> values(w, differing)).distinct()
                .collect(Collectors.joining(" / ")))
            .append("; ")
            .append(affected.stream().map(p -> p.profile().name() + " " + values(p.profile(),
                differing)).distinct().collect(Collectors.joining(", ")))
            .append(".");
      } else {
        why.append(" Vary does not explain it (").append(varyNames.isEmpty() ? "no Vary"
            : "Vary: " + String.join(", ", varyNames)).append("), so the cache's own key"
            + " includes something the browsers send differently: a User-Agent or device rule,"
            + " a header in proxy_cache_key, or a Varnish vcl_hash.");
      }
      List<String> notStoredEither = new ArrayList<>();
      for (Probe b : mismatched) {
        Probe again = probes.stream().filter(p -> p.step() == Step.BROWSER_AGAIN
            && p.profile().equals(b.profile()) && p.ok()).findFirst().orElse(null);
        if (again != null && again.miss()) {
          notStoredEither.add(b.profile().name());
        }
      }
      if (!notStoredEither.isEmpty()) {
        why.append(" For ").append(String.join(", ", notStoredEither))
            .append(" the second fetch was a MISS again: their variant is not stored at all.");
      } else if (!mismatched.isEmpty()) {
        why.append(" Their own variant is cacheable (their second fetch was a HIT), so the"
            + " warmer simply warms an entry these browsers never use.");
      }
      out.add(new Finding(VARIANT_MISMATCH, Severity.PROBLEM,
          "The warmed variant is not the one " + affected.stream().map(p -> p.profile().name())
              .collect(Collectors.joining(", ")) + " get.",
          why.toString(),
          differing.isEmpty()
              ? "make the cache key the same for the warmer and browsers (key on a normalized"
                  + " device class, not the raw User-Agent), or warm with the browsers' headers"
                  + " via --variant 'Header: value'."
              : fixFor(differing)
                  + warmExactly(affected, differing)));
    }
    if (!cookieVictims.isEmpty()) {
      String names = cookieVictims.stream().map(p -> p.profile().name())
          .collect(Collectors.joining(", "));
      out.add(new Finding(COOKIE_BYPASS, Severity.PROBLEM,
          "Requests with cookies are not served from cache (" + names + ").",
          "The same browser got a HIT without cookies but " + listStatuses(cookieVictims)
              + " with the analytics cookies (_ga) most returning visitors carry. The cache"
              + " bypasses or keys on Cookie (Varnish's built-in vcl_recv passes every request"
              + " with a Cookie header; in nginx, $http_cookie in proxy_cache_key or"
              + " proxy_cache_bypass), so those users reach the origin, and warming (which never"
              + " sends cookies) cannot help them.",
          "remove the cookies the page does not depend on before the cache lookup. Varnish"
              + " vcl_recv: set req.http.Cookie = regsuball(req.http.Cookie,"
              + " \"(^|;\\s*)(_ga[^=]*|_gid|_fbp)=[^;]*\", \"\"); if (req.http.Cookie ~"
              + " \"^[;\\s]*$\") { unset req.http.Cookie; }. nginx: keep $http_cookie out of"
              + " proxy_cache_key and proxy_cache_bypass."));
    }
    List<Probe> warm = of(probes, Step.WARM);
    if (mismatched.isEmpty() && older.isEmpty() && cookieVictims.isEmpty() && !browser.isEmpty()
        && warm.stream().filter(Probe::ok).allMatch(Probe::hit)
        && browser.stream().allMatch(Probe::hit)) {
      out.add(new Finding(ALREADY_CACHED, Severity.INFO,
          "Every profile was already a HIT on its first fetch.",
          "The URL was in the cache for the warmer and every browser before the doctor started,"
              + " so a key difference between them could not show as a MISS (unless the cache"
              + " sends Age, which the doctor compares).",
          "for a definitive answer, run preheat doctor on this URL right after a purge (or on a"
              + " URL not requested yet)."));
    }
  }

  /**
   * Whether {@code b} sends, on the Vary headers, values no warmer variant sends but an earlier
   * mismatched browser does: its HIT came from the entry that browser's MISS filled.
   */
  private static boolean sharesMismatchedEntry(List<String> varyNames,
      List<HeaderProfile> warmers, List<Probe> mismatched, Probe b) {
    Set<String> differing = differingFromAll(varyNames, warmers, b.profile());
    if (differing.isEmpty()) {
      return false;
    }
    return mismatched.stream().anyMatch(m -> varyNames.stream()
        .allMatch(n -> Objects.equals(m.profile().header(n), b.profile().header(n))));
  }

  /** A browser hit whose Age shows a copy older than the one the warmer just stored. */
  private static boolean olderThanWarmCopy(Probe firstWarm, Probe browser) {
    long age = browser.cacheStatus().ageSeconds();
    if (!firstWarm.miss() || age < 0) {
      return false;
    }
    long elapsed = Math.max(0, Duration.between(firstWarm.at(), browser.at()).toSeconds());
    return age > elapsed + AGE_SLACK_SECONDS;
  }

  private static boolean storedAgain(List<Probe> probes, HeaderProfile profile) {
    return probes.stream().anyMatch(p -> p.step() == Step.WARM_AGAIN
        && p.profile().equals(profile) && p.hit());
  }

  /** Vary headers on which the profiles do not all send the same value. */
  private static Set<String> differing(List<String> varyNames, List<HeaderProfile> profiles) {
    Set<String> out = new LinkedHashSet<>();
    for (String name : varyNames) {
      Set<String> seen = new LinkedHashSet<>();
      for (HeaderProfile p : profiles) {
        seen.add(String.valueOf(p.header(name)));
      }
      if (seen.size() > 1) {
        out.add(name);
      }
    }
    return out;
  }

  /** Vary headers on which the browser's value matches no warmer variant's value. */
  private static Set<String> differingFromAll(List<String> varyNames, List<HeaderProfile> warmers,
      HeaderProfile browser) {
    Set<String> out = new LinkedHashSet<>();
    for (String name : varyNames) {
      String value = browser.header(name);
      if (warmers.stream().noneMatch(w -> Objects.equals(w.header(name), value))) {
        out.add(name);
      }
    }
    return out;
  }

  private static String fixFor(Set<String> headers) {
    if (headers.contains("accept-encoding")) {
      return "normalize Accept-Encoding at the cache so every browser shares one entry per"
          + " encoding. nginx: map $http_accept_encoding $ae { default \"\"; \"~*gzip\" gzip; }"
          + " (put \"~*\\bbr\\b\" br; first if the origin serves brotli), then"
          + " proxy_set_header Accept-Encoding $ae;"
          + " proxy_cache_key $scheme$proxy_host$request_uri$ae; proxy_ignore_headers Vary;"
          + " Varnish: keep http_gzip_support on, or set req.http.Accept-Encoding to br/gzip in"
          + " vcl_recv. Or warm every browser's exact value (preheat warm does Chrome's and"
          + " Safari's by default).";
    }
    return "normalize " + names(headers) + " at the cache to a few values (and vary on the"
        + " normalized header), or warm every value real users send with --variant"
        + " 'Header: value'.";
  }

  private static String warmExactly(List<Probe> affected, Set<String> differing) {
    Set<String> options = new LinkedHashSet<>();
    for (Probe p : affected) {
      for (String name : differing) {
        String v = p.profile().header(name);
        if (v != null) {
          options.add("--variant '" + canonicalName(p.profile(), name) + ": " + v + "'");
        }
      }
    }
    return options.isEmpty() ? "" : " To warm what these browsers send: " + String.join(" ",
        options) + ".";
  }

  private static String canonicalName(HeaderProfile p, String lower) {
    for (String n : p.headers().keySet()) {
      if (n.equalsIgnoreCase(lower)) {
        return n;
      }
    }
    return lower;
  }

  private static String values(HeaderProfile p, Set<String> names) {
    return names.stream().map(n -> {
      String v = p.header(n);
      return v == null ? "(no " + n + ")" : "'" + v + "'";
    }).collect(Collectors.joining(" "));
  }

  private static String names(Set<String> lower) {
    return lower.stream().map(DoctorRules::display).collect(Collectors.joining(", "));
  }

  /** {@code accept-encoding} to {@code Accept-Encoding}. */
  static String display(String lower) {
    StringBuilder b = new StringBuilder(lower.length());
    boolean up = true;
    for (char c : lower.toCharArray()) {
      b.append(up ? Character.toUpperCase(c) : c);
      up = c == '-';
    }
    return b.toString();
  }

  private static String listStatuses(List<Probe> probes) {
    return probes.stream().map(p -> p.profile().name() + " got " + p.cacheStatus().kind())
        .collect(Collectors.joining(", "));
  }

  private static String kind(List<Probe> probes) {
    return probes.stream().filter(Probe::ok).map(p -> p.cacheStatus().kind().toString())
        .distinct().collect(Collectors.joining("/"));
  }

  private static String statusHeader(List<Probe> probes) {
    return probes.stream().filter(Probe::ok)
        .map(p -> p.cacheStatus().header() == null ? "no status header"
            : p.cacheStatus().header() + ": " + p.cacheStatus().raw())
        .distinct().collect(Collectors.joining("; "));
  }

  private static String cookieNames(List<String> setCookies) {
    return setCookies.stream().map(c -> {
      int eq = c.indexOf('=');
      return eq > 0 ? c.substring(0, eq).trim() : c.trim();
    }).distinct().collect(Collectors.joining(", "));
  }

  private static List<Probe> of(List<Probe> probes, Step step) {
    return probes.stream().filter(p -> p.step() == step).toList();
  }

  /**
   * Cache-Control directives: lower-case names to values (unquoted; empty when the directive has
   * no value). Commas inside quoted strings (as in {@code private="Set-Cookie, X-A"}) do not split.
   */
  static Map<String, String> cacheControl(@Nullable String value) {
    Map<String, String> out = new LinkedHashMap<>();
    if (value == null) {
      return out;
    }
    List<String> parts = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (char c : value.toCharArray()) {
      if (c == '"') {
        quoted = !quoted;
      }
      if (c == ',' && !quoted) {
        parts.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    parts.add(cur.toString());
    for (String part : parts) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      int eq = p.indexOf('=');
      String name = (eq < 0 ? p : p.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
      String v = eq < 0 ? "" : p.substring(eq + 1).trim();
      if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
        v = v.substring(1, v.length() - 1);
      }
      out.putIfAbsent(name, v);
    }
    return out;
  }
}
