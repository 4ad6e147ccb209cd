package dev.preheat.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preheat.http.testing.ServerProcess;
import dev.preheat.http.testing.TestOrigin;
import dev.preheat.report.HostFigures;
import dev.preheat.report.WarmReport;
import dev.preheat.spi.ValidatorStore;
import dev.preheat.status.CacheStatus.Kind;
import dev.preheat.status.CacheStatusReader;
import dev.preheat.warm.Outcome;
import dev.preheat.warm.SkipReason;
import dev.preheat.warm.VerifySettings;
import dev.preheat.warm.WarmPlan;
import dev.preheat.warm.WarmRequest;
import dev.preheat.warm.WarmResponse;
import dev.preheat.warm.WarmVariant;
import dev.preheat.warm.Warmer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Warming through the real engine ({@link Warmer}) and a real transport (on each {@link
 * HttpClientKind}) into a real cache, then checking what a browser gets: the promise Preheat
 * makes to its users. Subclasses start the cache; one cache and origin serve the whole class, and
 * each test uses its own paths so tests do not see each other's cache entries.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class WarmThroughCacheContract {

  /** Chrome 130 on Linux: the exact request headers a real browser sends for a document. */
  static final String CHROME_USER_AGENT = VerifySettings.DEFAULT_USER_AGENT;
  static final String CHROME_ACCEPT_ENCODING = "gzip, deflate, br, zstd";
  static final String CHROME_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,"
      + "image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7";
  static final String CHROME_ACCEPT_LANGUAGE = "en-US,en;q=0.9";

  /** The variant warmed: what Chrome sends, minus the User-Agent (the warmer sends its own). */
  static final WarmVariant CHROME = WarmVariant.of("chrome",
      "Accept-Encoding", CHROME_ACCEPT_ENCODING,
      "Accept", CHROME_ACCEPT,
      "Accept-Language", CHROME_ACCEPT_LANGUAGE);

  private TestOrigin origin;
  private ServerProcess cache;
  private HttpTransport transport;

  @TempDir Path tmp;

  /** Starts the cache under test in front of the origin on {@code originPort}. */
  abstract ServerProcess startCache(int originPort);

  /** The HTTP client the transport runs on; a subclass per client runs the whole contract. */
  HttpClientKind client() {
    return HttpClientKind.OKHTTP;
  }

  @BeforeAll
  void startServers() {
    origin = TestOrigin.start();
    try {
      cache = startCache(origin.port());
    } catch (RuntimeException | Error e) {
      origin.close();
      throw e;
    }
    transport = client().builder().readTimeout(Duration.ofSeconds(10)).build();
  }

  @AfterAll
  void stopServers() {
    if (transport != null) {
      transport.close();
    }
    if (cache != null) {
      cache.close();
    }
    origin.close();
  }

  private WarmPlan plan(String prefix, int pages, String... extraPaths) {
    WarmPlan.Builder plan = WarmPlan.builder().baseUrl(cache.uri("/")).variant(CHROME);
    for (int i = 0; i < pages; i++) {
      plan.entry(prefix + "/page-" + i, pages - i, "test");
    }
    for (String path : extraPaths) {
      plan.entry(path, 0, "test");
    }
    return plan.build();
  }

  private WarmReport warm(WarmPlan plan, ValidatorStore validators) throws Exception {
    Warmer warmer = Warmer.builder()
        .transport(transport)
        .noRateLimit()
        .concurrency(4)
        .requestTimeout(Duration.ofSeconds(10))
        .validators(validators)
        .verify(VerifySettings.sample(1.0))
        .build();
    WarmReport report = warmer.start(plan).await(Duration.ofSeconds(30));
    assertAccountingHolds(report, plan);
    return report;
  }

  /** Every target has exactly one outcome, per host and in total. */
  static void assertAccountingHolds(WarmReport report, WarmPlan plan) {
    assertThat(report.totals().targets()).isEqualTo(plan.targetCount());
    assertThat(report.totals().outcomeSum()).isEqualTo(report.totals().targets());
    long perHostTargets = 0;
    for (Map.Entry<String, HostFigures> host : report.hosts().entrySet()) {
      assertThat(host.getValue().outcomeSum()).as("outcomes of host %s", host.getKey())
          .isEqualTo(host.getValue().targets());
      perHostTargets += host.getValue().targets();
    }
    assertThat(perHostTargets).isEqualTo(plan.targetCount());
  }

  /** A request exactly as Chrome sends it, with an optional different Accept-Encoding. */
  private WarmResponse browserGet(String path, String acceptEncoding) throws Exception {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("User-Agent", CHROME_USER_AGENT);
    headers.put("Accept", CHROME_ACCEPT);
    if (acceptEncoding != null) {
      headers.put("Accept-Encoding", acceptEncoding);
    }
    headers.put("Accept-Language", CHROME_ACCEPT_LANGUAGE);
    return transport.send(WarmRequest.get(cache.uri(path), headers)).get(20, TimeUnit.SECONDS);
  }

  private static Kind kind(WarmResponse response) {
    return CacheStatusReader.standard().read(response).kind();
  }

  @Test
  void aBrowserHitsTheWarmedVariantAndMissesAVariantThatWasNotWarmed() throws Exception {
    WarmPlan plan = plan("/hit", 10);

    WarmReport report = warm(plan, ValidatorStore.inMemory(1000));

    assertThat(report.totals().count(Outcome.WARMED)).as(report.toString()).isEqualTo(10);
    assertThat(report.verification()).isNotNull();
    assertThat(report.verification().sampled()).isEqualTo(10);
    assertThat(report.verification().hitRatio()).as("verification HIT ratio, misses %s",
        report.verification().misses()).isEqualTo(1.0);
    for (int i = 0; i < 10; i++) {
      String path = "/hit/page-" + i;
      WarmResponse chrome = browserGet(path, CHROME_ACCEPT_ENCODING);
      assertThat(kind(chrome)).as("Chrome after warming %s", path).isEqualTo(Kind.HIT);
      assertThat(chrome.header("Content-Encoding")).isEqualTo("gzip");
    }
    assertThat(origin.hits("/hit/page-3")).as("one warm request, the rest from cache")
        .isEqualTo(1);

    // Another Accept-Encoding is another cache key: warming Chrome's did not warm it.
    WarmResponse gzipOnly = browserGet("/hit/page-0", "gzip");
    WarmResponse identity = browserGet("/hit/page-1", null);
    assertThat(kind(gzipOnly)).isEqualTo(Kind.MISS);
    assertThat(kind(identity)).isEqualTo(Kind.MISS);
  }

  @Test
  void aSecondRunWithTheSameValidatorFileIsAnsweredWith304s() throws Exception {
    Path file = tmp.resolve("validators.json");
    WarmPlan plan = plan("/reval", 20);
    WarmReport first;
    try (ValidatorStore store = ValidatorStore.file(file)) {
      first = warm(plan, store);
    }
    WarmReport second;
    // A new store from the same file: the validators survived the process, not just memory.
    try (ValidatorStore store = ValidatorStore.file(file)) {
      second = warm(plan, store);
    }

    assertThat(first.totals().count(Outcome.WARMED)).isEqualTo(20);
    assertThat(first.totals().fullFetches()).isEqualTo(20);
    assertThat(second.totals().count(Outcome.REVALIDATED)).as(second.toString()).isEqualTo(20);
    assertThat(second.totals().conditionalFetches()).isEqualTo(20);
    long firstBytes = first.totals().bodyBytes();
    long secondBytes = second.totals().bodyBytes();
    System.out.printf("%s: body bytes first pass %d, second pass %d (%.1f%%)%n", getClass()
        .getSimpleName(), firstBytes, secondBytes, 100.0 * secondBytes / firstBytes);
    assertThat(firstBytes).isPositive();
    assertThat(secondBytes).as("second pass bytes vs first (%d)", firstBytes)
        .isLessThanOrEqualTo(firstBytes / 20);
    assertThat(second.verification().hitRatio()).isEqualTo(1.0);
  }

  @Test
  void noStoreUrlsAreRecordedUncacheableAndNotRequestedInTheNextRun() throws Exception {
    Path file = tmp.resolve("validators-no-store.json");
    WarmPlan plan = plan("/mixed", 5, "/private/account", "/private/basket");
    WarmReport first;
    try (ValidatorStore store = ValidatorStore.file(file)) {
      first = warm(plan, store);
    }
    WarmReport second;
    try (ValidatorStore store = ValidatorStore.file(file)) {
      second = warm(plan, store);
    }

    assertThat(first.totals().count(Outcome.UNCACHEABLE)).isEqualTo(2);
    assertThat(first.problems()).extracting(WarmReport.Problem::detail)
        .containsOnly("Cache-Control: no-store");
    assertThat(second.totals().skipped().get(SkipReason.KNOWN_UNCACHEABLE)).isEqualTo(2);
    assertThat(origin.hits("/private/account")).as("requested once, by the first run only")
        .isEqualTo(1);
    assertThat(origin.hits("/private/basket")).isEqualTo(1);
    assertThat(second.verification().misses()).noneMatch(m -> m.contains("/private/"));
  }
}
