package dev.preheat.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.preheat.status.CacheStatus.Kind;
import dev.preheat.warm.WarmResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CacheStatusReaderTest {

  /** Builds a response from alternating name/value pairs; repeated names become repeated lines. */
  static WarmResponse response(String... namesAndValues) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      headers.computeIfAbsent(namesAndValues[i], k -> new ArrayList<>()).add(namesAndValues[i + 1]);
    }
    return new WarmResponse(200, headers, 0, Duration.ZERO, Duration.ZERO, "http/1.1");
  }

  @ParameterizedTest(name = "Cache-Status: {0} -> {1}")
  @CsvSource(
      delimiter = '|',
      textBlock = """
          ExampleCache; hit                                         | HIT
          ExampleCache; hit; ttl=376                                | HIT
          ExampleCache; hit; ttl=-412                               | STALE
          ExampleCache; fwd=uri-miss                                | MISS
          ExampleCache; fwd=vary-miss                               | MISS
          ExampleCache; fwd=miss; stored                            | MISS
          ExampleCache; fwd=uri-miss; stored; collapsed             | MISS
          ExampleCache; fwd=partial                                 | MISS
          ExampleCache; fwd=request; fwd-status=200                 | BYPASS
          ExampleCache; fwd=bypass                                  | BYPASS
          ExampleCache; fwd=method                                  | BYPASS
          ExampleCache; fwd=stale; fwd-status=304                   | REVALIDATED
          ExampleCache; fwd=stale; fwd-status=200; stored           | EXPIRED
          ExampleCache; fwd=stale                                   | EXPIRED
          ExampleCache; fwd=some-future-reason                      | MISS
          ExampleCache; detail=MISS                                 | UNKNOWN
          "Example CDN"; hit; key="/a b"                            | HIT
          OriginCache; hit; ttl=1100, "CDN Company Here"; fwd=uri-miss | MISS
          OriginCache; fwd=uri-miss; stored, CDN; hit; ttl=545      | HIT
          Nginx; HIT                                                | HIT
          ExampleCache; hit; detail="a, b; c"                       | HIT
          ExampleCache; hit;                                        | UNKNOWN
          "unterminated; hit                                        | UNKNOWN
          ExampleCache; fwd=miss,                                   | UNKNOWN
          ExampleCache, ; hit                                       | UNKNOWN
          """)
  void readsRfc9211LastMemberClosestToClient(String value, Kind expected) {
    CacheStatus status = CacheStatusReader.rfc9211().read(response("Cache-Status", value));
    assertThat(status.kind()).isEqualTo(expected);
    assertThat(status.header()).isEqualTo("Cache-Status");
    assertThat(status.raw()).isEqualTo(value);
  }

  @Test
  void cacheStatusAcrossRepeatedLinesUsesTheLastLine() {
    WarmResponse r =
        response("Cache-Status", "Shield; hit", "cache-status", "Edge; fwd=uri-miss; stored");
    CacheStatus status = CacheStatusReader.rfc9211().read(r);
    assertThat(status.kind()).isEqualTo(Kind.MISS);
    assertThat(status.raw()).isEqualTo("Shield; hit, Edge; fwd=uri-miss; stored");
  }

  @ParameterizedTest(name = "X-Cache: {0} -> {1}")
  @CsvSource(
      delimiter = '|',
      textBlock = """
          HIT                                                                   | HIT
          MISS                                                                  | MISS
          hit                                                                   | HIT
          PASS                                                                  | BYPASS
          HIT, MISS                                                             | MISS
          MISS, HIT                                                             | HIT
          MISS, MISS, HIT                                                       | HIT
          HIT-STALE                                                             | STALE
          Hit from cloudfront                                                   | HIT
          Miss from cloudfront                                                  | MISS
          RefreshHit from cloudfront                                            | REVALIDATED
          Error from cloudfront                                                 | UNKNOWN
          HIT from squid.example.net                                            | HIT
          TCP_HIT from a23-62-96-49.deploy.akamaitechnologies.com (AkamaiGHost/10.1.0-1 (-)) | HIT
          TCP_MEM_HIT from a23-62-96-49.deploy.akamaitechnologies.com (AkamaiGHost/10.1.0-1 (-)) | HIT
          TCP_MISS from a23-62-96-49.deploy.akamaitechnologies.com (AkamaiGHost/10.1.0-1 (-)) | MISS
          TCP_REFRESH_HIT from a23-62-96-49.deploy.akamaitechnologies.com (AkamaiGHost/10.1.0-1 (-)) | REVALIDATED
          TCP_REFRESH_MISS from a23-62-96-49.deploy.akamaitechnologies.com      | EXPIRED
          TCP_IMS_HIT from a23-62-96-49.deploy.akamaitechnologies.com           | HIT
          ''                                                                    | UNKNOWN
          cached                                                                | UNKNOWN
          """)
  void readsXCacheRightmostEdge(String value, Kind expected) {
    CacheStatus status = CacheStatusReader.xCache().read(response("X-Cache", value));
    assertThat(status.kind()).isEqualTo(expected);
    assertThat(status.header()).isEqualTo("X-Cache");
    assertThat(status.raw()).isEqualTo(value);
  }

  @Test
  void xCacheRepeatedLinesAreOneListShieldFirst() {
    WarmResponse r = response("X-Cache", "MISS", "X-Cache", "HIT");
    CacheStatus status = CacheStatusReader.xCache().read(r);
    assertThat(status.kind()).isEqualTo(Kind.HIT);
    assertThat(status.raw()).isEqualTo("MISS, HIT");
  }

  @ParameterizedTest(name = "{0}: {1} -> {2}")
  @CsvSource({
    "X-Cache-Status, HIT, HIT",
    "X-Cache-Status, MISS, MISS",
    "X-Cache-Status, EXPIRED, EXPIRED",
    "X-Cache-Status, STALE, STALE",
    "X-Cache-Status, UPDATING, UPDATING",
    "X-Cache-Status, REVALIDATED, REVALIDATED",
    "X-Cache-Status, BYPASS, BYPASS",
    "X-Cache-Status, ' hit ', HIT",
    "X-Cache-Status, -, UNKNOWN",
    "CF-Cache-Status, HIT, HIT",
    "CF-Cache-Status, MISS, MISS",
    "CF-Cache-Status, EXPIRED, EXPIRED",
    "CF-Cache-Status, STALE, STALE",
    "CF-Cache-Status, BYPASS, BYPASS",
    "CF-Cache-Status, REVALIDATED, REVALIDATED",
    "CF-Cache-Status, UPDATING, UPDATING",
    "CF-Cache-Status, DYNAMIC, DYNAMIC",
    "CF-Cache-Status, NONE/UNKNOWN, DYNAMIC",
    "cf-cache-status, hit, HIT",
    "x-vercel-cache, HIT, HIT",
    "x-vercel-cache, MISS, MISS",
    "x-vercel-cache, STALE, STALE",
    "x-vercel-cache, PRERENDER, MISS",
    "x-vercel-cache, REVALIDATED, REVALIDATED",
    "X-Vercel-Cache, hit, HIT",
  })
  void readsVendorKeywordHeaders(String header, String value, Kind expected) {
    CacheStatusReader reader =
        switch (header.toLowerCase(java.util.Locale.ROOT)) {
          case "x-cache-status" -> CacheStatusReader.nginx();
          case "cf-cache-status" -> CacheStatusReader.cloudflare();
          default -> CacheStatusReader.vercel();
        };
    CacheStatus status = reader.read(response(header, value));
    assertThat(status.kind()).isEqualTo(expected);
    assertThat(status.header()).isEqualToIgnoringCase(header);
    assertThat(status.raw()).isEqualTo(value);
    // The standard reader agrees with the dialect reader when only that header is present.
    assertThat(CacheStatusReader.standard().read(response(header, value)).kind())
        .isEqualTo(expected);
  }

  @ParameterizedTest(name = "Age: {0} -> {1}, {2}s")
  @CsvSource({
    "120, HIT, 120",
    "1, HIT, 1",
    "0, UNKNOWN, 0",
    "-5, UNKNOWN, -1",
    "abc, UNKNOWN, -1",
    "'', UNKNOWN, -1",
    "99999999999999999999999, HIT, 2147483648",
    "'30, 40', HIT, 30",
  })
  void ageAloneMeansServedFromCacheWhenPositive(String age, Kind expected, long seconds) {
    CacheStatus status = CacheStatusReader.standard().read(response("Age", age));
    assertThat(status.kind()).isEqualTo(expected);
    assertThat(status.ageSeconds()).isEqualTo(seconds);
  }

  @Test
  void everyDialectReportsAge() {
    WarmResponse r = response("X-Cache-Status", "MISS", "Age", "17");
    assertThat(CacheStatusReader.nginx().read(r).ageSeconds()).isEqualTo(17);
    assertThat(CacheStatusReader.standard().read(r))
        .isEqualTo(new CacheStatus(Kind.MISS, "X-Cache-Status", "MISS", 17));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock = """
          Cache-Status beats X-Cache  | Cache-Status=Edge; fwd=uri-miss  | X-Cache=HIT          | MISS | Cache-Status
          CF beats X-Cache            | CF-Cache-Status=HIT              | X-Cache=MISS         | HIT  | CF-Cache-Status
          Vercel beats nginx          | x-vercel-cache=STALE             | X-Cache-Status=HIT   | STALE| x-vercel-cache
          nginx beats X-Cache         | X-Cache-Status=EXPIRED           | X-Cache=HIT          | EXPIRED | X-Cache-Status
          status beats Age            | X-Cache=MISS                     | Age=30               | MISS | X-Cache
          unrecognized falls through  | Cache-Status=garbage(            | X-Cache=HIT          | HIT  | X-Cache
          Age beats unrecognized      | X-Cache=cached                   | Age=30               | HIT  | Age
          unrecognized kept raw       | X-Cache=cached                   | Age=0                | UNKNOWN | X-Cache
          """)
  void standardPrecedence(String name, String first, String second, Kind kind, String header) {
    String[] a = first.split("=", 2);
    String[] b = second.split("=", 2);
    CacheStatus status = CacheStatusReader.standard().read(response(a[0], a[1], b[0], b[1]));
    assertThat(status.kind()).isEqualTo(kind);
    assertThat(status.header()).isEqualTo(header);
  }

  @Test
  void noCacheHeadersIsUnknown() {
    assertThat(CacheStatusReader.standard().read(response("Content-Type", "text/html")))
        .isEqualTo(CacheStatus.unknown());
  }

  @Test
  void firstOfRejectsEmptyAndUsesGivenOrder() {
    assertThatThrownBy(() -> CacheStatusReader.firstOf(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("readers must not be empty");
    CacheStatusReader inHouse =
        r -> r.hasHeader("X-My-Cache")
            ? new CacheStatus(Kind.HIT, "X-My-Cache", r.header("X-My-Cache"), -1)
            : CacheStatus.unknown();
    CacheStatusReader reader =
        CacheStatusReader.firstOf(List.of(inHouse, CacheStatusReader.standard()));
    assertThat(reader.read(response("X-My-Cache", "yes", "X-Cache", "MISS")).kind())
        .isEqualTo(Kind.HIT);
    assertThat(reader.read(response("X-Cache", "MISS")).kind()).isEqualTo(Kind.MISS);
  }

  @Test
  void hostileCacheStatusIsRejectedSafely() {
    String huge = "C; hit" + ";x".repeat(100_000) + ", " + "\"" + "a".repeat(100_000);
    CacheStatus status = CacheStatusReader.rfc9211().read(response("Cache-Status", huge));
    assertThat(status.kind()).isEqualTo(Kind.UNKNOWN);
    assertThat(status.raw()).isEqualTo(huge);
  }

  /**
   * The combined reader skips a dialect reader whose header is absent; its answer is still the
   * one of asking every reader in order (the first recognized, else the first naming a header,
   * else unknown with the Age), for any mix of present, absent and empty status headers.
   */
  @Test
  void firstOfAnswersAsAskingEveryReaderInOrder() {
    String[][] choices = {
        {"Cache-Status", "ExampleCache; hit"}, {"Cache-Status", "ExampleCache; fwd=uri-miss"},
        {"Cache-Status", "garbage;;"}, {"CF-Cache-Status", "HIT"}, {"cf-cache-status", "weird"},
        {"x-vercel-cache", "STALE"}, {"X-Cache-Status", "MISS"}, {"X-Cache-Status", "nonsense"},
        {"X-Cache", "MISS, HIT"}, {"x-cache", "what"}, {"Age", "12"}, {"Age", "0"},
        {"Age", "7, 9"}, {"Age", "x"}, {"Server", "nginx"}};
    List<CacheStatusReader> dialects = List.of(CacheStatusReader.rfc9211(),
        CacheStatusReader.cloudflare(), CacheStatusReader.vercel(), CacheStatusReader.nginx(),
        CacheStatusReader.xCache(), CacheStatusReader.age());
    CacheStatusReader custom = r -> r.hasHeader("X-Custom")
        ? new CacheStatus(Kind.HIT, "X-Custom", r.header("X-Custom"), -1)
        : new CacheStatus(Kind.UNKNOWN, "X-Custom", null, -1);
    java.util.Random random = new java.util.Random(5);
    for (int round = 0; round < 2000; round++) {
      List<String> pairs = new ArrayList<>();
      for (String[] c : choices) {
        if (random.nextInt(4) == 0) {
          pairs.add(c[0]);
          pairs.add(c[1]);
        }
      }
      if (random.nextInt(8) == 0) {
        pairs.add("X-Custom");
        pairs.add("yes");
      }
      WarmResponse r = response(pairs.toArray(new String[0]));
      List<CacheStatusReader> readers = new ArrayList<>(dialects);
      java.util.Collections.shuffle(readers, random);
      readers = readers.subList(0, 1 + random.nextInt(readers.size()));
      if (random.nextBoolean()) {
        readers.add(random.nextInt(readers.size() + 1), custom);
      }
      assertThat(CacheStatusReader.firstOf(readers).read(r))
          .as("%s over %s", readers, pairs)
          .isEqualTo(askEveryReader(readers, r));
    }
    WarmResponse none = response("Age", "3");
    assertThat(CacheStatusReader.standard().read(none))
        .isEqualTo(askEveryReader(dialects, none));
  }

  private static CacheStatus askEveryReader(List<CacheStatusReader> readers, WarmResponse r) {
    CacheStatus firstWithHeader = null;
    for (CacheStatusReader reader : readers) {
      CacheStatus s = reader.read(r);
      if (s.kind() != Kind.UNKNOWN) {
        return s;
      }
      if (firstWithHeader == null && s.header() != null) {
        firstWithHeader = s;
      }
    }
    return firstWithHeader != null ? firstWithHeader
        : new CacheStatus(Kind.UNKNOWN, null, null, Dialects.ageSeconds(r));
  }
}
