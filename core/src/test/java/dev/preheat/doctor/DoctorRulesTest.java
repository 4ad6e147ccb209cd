package dev.preheat.doctor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.preheat.doctor.Probe.Step;
import dev.preheat.status.CacheStatus;
import dev.preheat.status.CacheStatus.Kind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each rule on hand-made probes: what a cache answered, without any network. */
class DoctorRulesTest {

  private static final Instant T0 = Instant.parse("2026-11-23T12:00:00Z");
  private static final HeaderProfile W1 = CacheDoctor.DEFAULT_WARMER_PROFILES.get(0);
  private static final HeaderProfile W2 = CacheDoctor.DEFAULT_WARMER_PROFILES.get(1);
  private static final Map<String, String> GOOD = Map.of("Cache-Control", "max-age=300",
      "Vary", "Accept-Encoding", "ETag", "\"v1\"");

  /** Builds a probe sequence; kinds are given per profile and step. */
  private static final class Seq {
    final List<Probe> probes = new ArrayList<>();
    Map<String, String> headers = GOOD;
    long seconds;

    Seq headers(Map<String, String> h) {
      this.headers = h;
      return this;
    }

    Seq add(HeaderProfile p, Step step, Kind kind) {
      return add(p, step, kind, -1);
    }

    Seq add(HeaderProfile p, Step step, Kind kind, long age) {
      Map<String, List<String>> h = new LinkedHashMap<>();
      headers.forEach((k, v) -> h.put(k, List.of(v)));
      probes.add(new Probe(p, step, T0.plusSeconds(seconds++), 200,
          new CacheStatus(kind, "X-Cache", kind.name(), age), h, null));
      return this;
    }

    /** The warmer's variants: MISS then HIT, browsers as given (first step), then HIT. */
    static Seq healthyWarm() {
      return new Seq().add(W1, Step.WARM, Kind.MISS).add(W2, Step.WARM, Kind.HIT)
          .add(W1, Step.WARM_AGAIN, Kind.HIT).add(W2, Step.WARM_AGAIN, Kind.HIT);
    }

    List<String> codes() {
      return DoctorRules.diagnose(probes).stream().map(Finding::code).toList();
    }

    Finding only() {
      List<Finding> f = DoctorRules.diagnose(probes);
      assertThat(f).hasSize(1);
      return f.get(0);
    }
  }

  private static Seq browsersAll(Seq s, Kind first) {
    for (HeaderProfile b : HeaderProfile.browsers()) {
      s.add(b, Step.BROWSER, first);
    }
    for (HeaderProfile b : HeaderProfile.browsers()) {
      s.add(b, Step.BROWSER_AGAIN, Kind.HIT);
    }
    return s;
  }

  @Test
  void healthyCacheHasNoFindings() {
    assertThat(browsersAll(Seq.healthyWarm(), Kind.HIT).codes()).isEmpty();
  }

  @Test
  void rawVaryKeyWhenTheSecondWarmVariantMisses() {
    Seq s = new Seq().add(W1, Step.WARM, Kind.MISS).add(W2, Step.WARM, Kind.MISS)
        .add(W1, Step.WARM_AGAIN, Kind.HIT).add(W2, Step.WARM_AGAIN, Kind.HIT);
    Finding f = browsersAll(s, Kind.HIT).only();
    assertThat(f.code()).isEqualTo(DoctorRules.RAW_VARY_KEY);
    assertThat(f.severity()).isEqualTo(Severity.WARNING);
    assertThat(f.title()).contains("Accept-Encoding");
  }

  @Test
  void browserMissRightAfterTheWarmersStoredCopyIsAMismatch() {
    HeaderProfile gzip = HeaderProfile.warmer("gzip", Map.of("Accept-Encoding", "gzip"));
    Seq s = new Seq().add(gzip, Step.WARM, Kind.MISS).add(gzip, Step.WARM_AGAIN, Kind.HIT)
        .add(HeaderProfile.chrome(), Step.BROWSER, Kind.MISS)
        .add(HeaderProfile.safari(), Step.BROWSER, Kind.MISS)
        .add(HeaderProfile.firefox(), Step.BROWSER, Kind.HIT)
        .add(HeaderProfile.chrome(), Step.BROWSER_AGAIN, Kind.HIT);
    Finding f = s.only();
    assertThat(f.code()).isEqualTo(DoctorRules.VARIANT_MISMATCH);
    assertThat(f.severity()).isEqualTo(Severity.PROBLEM);
    assertThat(f.title()).contains("chrome", "safari", "firefox");
    assertThat(f.explanation()).contains("firefox send the same values")
        .contains("'gzip'", "'gzip, deflate, br, zstd'");
    assertThat(f.fix()).contains("map $http_accept_encoding")
        .contains("--variant 'Accept-Encoding: gzip, deflate, br'");
  }

  @Test
  void mismatchWithoutAVaryDifferencePointsAtTheCachesOwnKey() {
    HeaderProfile w = HeaderProfile.warmer("w", Map.of("Accept-Encoding",
        HeaderProfile.CHROME_ACCEPT_ENCODING));
    Seq s = new Seq().add(w, Step.WARM, Kind.MISS).add(w, Step.WARM_AGAIN, Kind.HIT)
        .add(HeaderProfile.mobileChrome(), Step.BROWSER, Kind.MISS)
        .add(HeaderProfile.mobileChrome(), Step.BROWSER_AGAIN, Kind.MISS);
    Finding f = s.only();
    assertThat(f.code()).isEqualTo(DoctorRules.VARIANT_MISMATCH);
    assertThat(f.explanation()).contains("Vary does not explain it", "MISS again");
  }

  @Test
  void olderAgeOnABrowserHitRevealsASeparateEntry() {
    HeaderProfile w = HeaderProfile.warmer("w", Map.of("Accept-Encoding", "gzip"));
    Seq s = new Seq().add(w, Step.WARM, Kind.MISS, 0).add(w, Step.WARM_AGAIN, Kind.HIT, 1)
        .add(HeaderProfile.safari(), Step.BROWSER, Kind.HIT, 250);
    assertThat(s.only().explanation()).contains("Age 250");
    Seq fresh = new Seq().add(w, Step.WARM, Kind.MISS, 0).add(w, Step.WARM_AGAIN, Kind.HIT, 1)
        .add(HeaderProfile.safari(), Step.BROWSER, Kind.HIT, 2);
    assertThat(fresh.codes()).isEmpty();
  }

  @Test
  void cookieBypassWhenOnlyTheReturningVisitorMisses() {
    Seq s = Seq.healthyWarm().add(HeaderProfile.chrome(), Step.BROWSER, Kind.HIT)
        .add(HeaderProfile.returningVisitor(), Step.BROWSER, Kind.MISS)
        .add(HeaderProfile.returningVisitor(), Step.BROWSER_AGAIN, Kind.MISS);
    Finding f = s.only();
    assertThat(f.code()).isEqualTo(DoctorRules.COOKIE_BYPASS);
    assertThat(f.title()).contains("chrome-returning");
  }

  @ParameterizedTest(name = "Cache-Control: {0} -> {1}")
  @CsvSource(delimiter = ';', value = {
      "no-store; no-store",
      "private, max-age=60; private",
      "max-age=0; zero-freshness",
      "public, max-age=60, s-maxage=0; zero-freshness",
      "no-cache; zero-freshness",
      "'private=\"Set-Cookie, X-A\", max-age=60'; private"})
  void cacheControl(String cacheControl, String code) {
    Seq s = Seq.healthyWarm().headers(Map.of("Cache-Control", cacheControl, "ETag", "\"v\""));
    s.probes.clear();
    s.add(W1, Step.WARM, Kind.MISS).add(W1, Step.WARM_AGAIN, Kind.HIT);
    assertThat(s.codes()).containsExactly(code);
  }

  @Test
  void maxAgeZeroWithSharedLifetimeIsFine() {
    Seq s = new Seq().headers(Map.of("Cache-Control", "max-age=0, s-maxage=600", "ETag", "\"v\""))
        .add(W1, Step.WARM, Kind.MISS).add(W1, Step.WARM_AGAIN, Kind.HIT);
    assertThat(s.codes()).isEmpty();
  }

  @Test
  void notStoredNamesTheLikelyCauses() {
    Seq s = new Seq().headers(Map.of("ETag", "\"v\""))
        .add(W1, Step.WARM, Kind.MISS).add(W1, Step.WARM_AGAIN, Kind.MISS);
    Finding f = s.only();
    assertThat(f.code()).isEqualTo(DoctorRules.NOT_STORED);
    assertThat(f.explanation()).contains("no max-age, s-maxage or Expires", "proxy_cache_bypass");
  }

  @Test
  void setCookieEitherDefeatsTheCacheOrLeaks() {
    Map<String, String> h = Map.of("Cache-Control", "max-age=60", "ETag", "\"v\"",
        "Set-Cookie", "sid=42; HttpOnly");
    Finding refused = new Seq().headers(h).add(W1, Step.WARM, Kind.MISS)
        .add(W1, Step.WARM_AGAIN, Kind.MISS).only();
    assertThat(refused.code()).isEqualTo(DoctorRules.SET_COOKIE);
    assertThat(refused.title()).contains("sid", "does not store");
    Finding leaked = new Seq().headers(h).add(W1, Step.WARM, Kind.MISS)
        .add(W1, Step.WARM_AGAIN, Kind.HIT).only();
    assertThat(leaked.title()).contains("served from cache");
    assertThat(leaked.explanation()).contains("session leak");
  }

  @Test
  void varyExplosionComesFromVaryPolicy() {
    Seq s = new Seq().headers(Map.of("Cache-Control", "max-age=60", "ETag", "\"v\"",
        "Vary", "Accept-Encoding, Cookie")).add(W1, Step.WARM, Kind.MISS)
        .add(W1, Step.WARM_AGAIN, Kind.HIT);
    Finding f = s.only();
    assertThat(f.code()).isEqualTo(DoctorRules.VARY_EXPLOSION);
    assertThat(f.title()).contains("Vary: cookie");
  }

  @Test
  void noValidatorsAndNoLifetime() {
    Seq s = new Seq().headers(Map.of()).add(W1, Step.WARM, Kind.MISS)
        .add(W1, Step.WARM_AGAIN, Kind.HIT);
    assertThat(s.codes()).containsExactly(DoctorRules.NO_FRESHNESS, DoctorRules.NO_VALIDATORS);
    Diagnosis d = new Diagnosis(java.net.URI.create("http://x/"), s.probes,
        DoctorRules.diagnose(s.probes));
    assertThat(d.worst()).contains(Severity.WARNING);
    assertThat(d.findings().get(0).code()).isEqualTo(DoctorRules.NO_VALIDATORS);
    assertThat(d.problemFound()).isTrue();
  }

  @Test
  void withoutCacheStatusTheKeyChecksCannotRun() {
    Seq s = new Seq().add(W1, Step.WARM, Kind.UNKNOWN).add(W1, Step.WARM_AGAIN, Kind.UNKNOWN)
        .add(HeaderProfile.safari(), Step.BROWSER, Kind.UNKNOWN);
    Finding f = s.only();
    assertThat(f.code()).isEqualTo(DoctorRules.NO_CACHE_STATUS);
    assertThat(f.severity()).isEqualTo(Severity.INFO);
  }

  @Test
  void everythingAlreadyCachedIsInconclusiveNotWrong() {
    Seq s = new Seq().add(W1, Step.WARM, Kind.HIT).add(W1, Step.WARM_AGAIN, Kind.HIT)
        .add(HeaderProfile.safari(), Step.BROWSER, Kind.HIT);
    Finding f = s.only();
    assertThat(f.code()).isEqualTo(DoctorRules.ALREADY_CACHED);
    assertThat(f.severity().isWrong()).isFalse();
  }

  @Test
  void errorsRedirectsAndFailures() {
    Probe notFound = new Probe(W1, Step.WARM, T0, 404, CacheStatus.unknown(), Map.of(), null);
    assertThat(DoctorRules.diagnose(List.of(notFound))).extracting(Finding::code)
        .containsExactly(DoctorRules.ERROR_STATUS);
    Probe moved = new Probe(W1, Step.WARM, T0, 301, CacheStatus.unknown(),
        Map.of("Location", List.of("https://x/new"), "ETag", List.of("\"e\"")), null);
    Finding redirect = DoctorRules.diagnose(List.of(moved)).get(0);
    assertThat(redirect.code()).isEqualTo(DoctorRules.REDIRECT);
    assertThat(redirect.fix()).contains("https://x/new");
    Probe failed = Probe.failed(W1, Step.WARM, T0, "ConnectException: refused");
    assertThat(DoctorRules.diagnose(List.of(failed))).extracting(Finding::code)
        .containsExactly(DoctorRules.FETCH_FAILED);
  }

  @Test
  void cacheControlParsingKeepsQuotedCommas() {
    assertThat(DoctorRules.cacheControl("Public, MAX-AGE=60, private=\"a, b\""))
        .containsEntry("public", "").containsEntry("max-age", "60")
        .containsEntry("private", "a, b").hasSize(3);
  }

  @Test
  void profilesAreValidated() {
    assertThatThrownBy(() -> HeaderProfile.warmer("w", Map.of("X-A", "a\r\nb")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("X-A");
    assertThat(HeaderProfile.returningVisitor().header("cookie")).contains("_ga=");
    assertThat(W1.header("User-Agent")).contains("Preheat");
    assertThatThrownBy(() -> CacheDoctor.builder().warmerProfiles(List.of(HeaderProfile.chrome())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a warmer");
    assertThatThrownBy(() -> CacheDoctor.builder().warmerProfiles(List.of(W1, W1)))
        .hasMessageContaining("used twice");
  }
}
