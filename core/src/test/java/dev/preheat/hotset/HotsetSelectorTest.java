package dev.preheat.hotset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.preheat.source.TrafficRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class HotsetSelectorTest {

  static final Instant END = Instant.parse("2026-11-23T12:00:00Z");
  static final Duration DAY = Duration.ofHours(24);

  /** {@code n} GET 200 requests of {@code url} as one counts record, at {@code at} (or untimed). */
  static TrafficRecord hits(String url, long n, long epochMillis) {
    return new TrafficRecord("GET", url, 200, 100 * n, epochMillis, null, n);
  }

  static TrafficRecord hits(String url, long n) {
    return hits(url, n, TrafficRecord.NO_TIMESTAMP);
  }

  /** Weights /a 50, /b 20, /c 15, /d 10, /e 5: total 100. */
  static List<TrafficRecord> fiveUrls() {
    return List.of(hits("/d", 10), hits("/a", 50), hits("/e", 5), hits("/c", 15), hits("/b", 20));
  }

  @ParameterizedTest(name = "coverage={0} top={1} max={2} -> {3}")
  @CsvSource(delimiter = '|', nullValues = "-", value = {
    // coverage | top | max | selected     | coverage reached | clamps
    "-          | -   | -   | /a /b /c /d /e | 1.00           | -",
    "0.5        | -   | -   | /a             | 0.50           | -",
    "0.7        | -   | -   | /a /b          | 0.70           | -",
    "0.71       | -   | -   | /a /b /c       | 0.85           | -",
    "1.0        | -   | -   | /a /b /c /d /e | 1.00           | -",
    "-          | 2   | -   | /a /b          | 0.70           | -",
    "0.9        | 2   | -   | /a /b          | 0.70           | COVERAGE_NOT_REACHED",
    "0.5        | 3   | -   | /a             | 0.50           | -",
    "-          | -   | 3   | /a /b /c       | 0.85           | MAX",
    "0.9        | -   | 2   | /a /b          | 0.70           | MAX COVERAGE_NOT_REACHED",
    "-          | 4   | 2   | /a /b          | 0.70           | MAX",
    "0.5        | -   | 1   | /a             | 0.50           | -",
  })
  void coverageTopAndMaxCombine(
      Double coverage, Integer top, Integer max, String selected, double reached, String clamps) {
    HotsetSelector.Builder b = HotsetSelector.builder();
    if (coverage != null) {
      b.coverage(coverage);
    }
    if (top != null) {
      b.top(top);
    }
    if (max != null) {
      b.max(max);
    }
    Hotset hs = b.build().select(fiveUrls());
    assertThat(hs.urls()).containsExactly(selected.split(" "));
    assertThat(hs.coverageReached()).isCloseTo(reached, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(hs.clamps()).extracting(Clamp::kind)
        .containsExactlyElementsOf(clamps == null ? List.of()
            : Arrays.stream(clamps.split(" ")).map(Clamp.Kind::valueOf).toList());
    assertThat(hs.entries().get(hs.size() - 1).cumulativeCoverage())
        .isCloseTo(reached, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void clampsNameTheLimitAndWhatItCut() {
    Hotset hs = HotsetSelector.builder().coverage(0.9).max(2).build().select(fiveUrls());
    assertThat(hs.clamps()).extracting(Clamp::message).containsExactly(
        "max 2 cut 2 entries (2 selected by traffic, 0 only from lists)",
        "coverage 0.9000 not reached: 0.7000 with 2 entries (limited by max 2)");
    assertThat(hs.clamps().get(0).count()).isEqualTo(2);
  }

  @Test
  void entriesCarryRankCountsSharesAndProvenance() {
    Hotset hs = HotsetSelector.builder().top(2).build().select(fiveUrls());
    assertThat(hs.entries()).containsExactly(
        new HotsetEntry(1, "/a", 50, 5_000, 50, 0.5, 0.5, List.of("traffic"), 0),
        new HotsetEntry(2, "/b", 20, 2_000, 20, 0.2, 0.7, List.of("traffic"), 0));
    assertThat(hs.demandWeight()).isEqualTo(100);
    assertThat(hs.distinctUrls()).isEqualTo(5);
    assertThat(hs.countingMode()).isEqualTo(CountingMode.EXACT);
    assertThat(hs.recordsSeen()).isEqualTo(5);
    assertThat(hs.requestsSeen()).isEqualTo(100);
  }

  @Test
  void tiesRankByUrlWhateverTheInputOrder() {
    List<TrafficRecord> records = new ArrayList<>(List.of(
        hits("/z", 5), hits("/m", 5), hits("/a", 5), hits("/top", 9), hits("/b", 1)));
    HotsetSelector sel = HotsetSelector.builder().build();
    List<String> first = sel.select(records).urls();
    Collections.reverse(records);
    assertThat(first).containsExactly("/top", "/a", "/m", "/z", "/b");
    assertThat(sel.select(records).urls()).isEqualTo(first);
  }

  @Test
  void bytesWeightingRanksByTransferredBytes() {
    List<TrafficRecord> records = List.of(
        new TrafficRecord("GET", "/many-small", 200, 1_000, TrafficRecord.NO_TIMESTAMP, null, 100),
        new TrafficRecord("GET", "/few-large", 200, 9_000, TrafficRecord.NO_TIMESTAMP, null, 3),
        new TrafficRecord("GET", "/not-modified", 304, 0, TrafficRecord.NO_TIMESTAMP, null, 50));
    Hotset byBytes = HotsetSelector.builder().weight(Weight.BYTES).coverage(0.95).build()
        .select(records);
    assertThat(byBytes.urls()).containsExactly("/few-large", "/many-small");
    assertThat(byBytes.entries().get(0).weight()).isEqualTo(9_000);
    assertThat(byBytes.entries().get(0).count()).isEqualTo(3);
    assertThat(byBytes.demandWeight()).isEqualTo(10_000);
    Hotset byRequests = HotsetSelector.builder().coverage(0.9).build().select(records);
    assertThat(byRequests.urls()).containsExactly("/many-small", "/not-modified");
  }

  @ParameterizedTest(name = "{0} {1} {2} -> {3}")
  @CsvSource(nullValues = "-", value = {
    "GET,    200, /a,                 -",
    "HEAD,   304, /a,                 -",
    "GET,    0,   /a,                 -",
    "POST,   200, /a,                 METHOD",
    "get,    200, /a,                 METHOD",
    "GET,    404, /a,                 STATUS",
    "GET,    500, /a,                 STATUS",
    "GET,    200, /admin/x,           EXCLUDED_PATH",
    "GET,    200, /static/app.js,     EXCLUDED_PATH",
    "GET,    200, /search?q=/admin/,  -",
    "GET,    200, /x?debug=1,         -",
  })
  void demandFilterCountsEveryRejectedRecordByReason(
      String method, int status, String url, FilterReason reason) {
    HotsetSelector sel = HotsetSelector.builder()
        .excludePaths("^/admin/", "\\.js$").build();
    Hotset hs = sel.select(List.of(
        new TrafficRecord(method, url, status, 10, TrafficRecord.NO_TIMESTAMP, null, 1)));
    if (reason == null) {
      assertThat(hs.urls()).containsExactly(url);
      assertThat(hs.filtered().values()).containsOnly(0L);
    } else {
      assertThat(hs.urls()).isEmpty();
      assertThat(hs.filtered()).containsEntry(reason, 1L);
      assertThat(hs.demandRecords()).isZero();
    }
    assertThat(hs.recordsSeen()).isEqualTo(1);
  }

  @Test
  void configuredMethodsAndStatusesReplaceTheDefaults() {
    HotsetSelector sel = HotsetSelector.builder().methods("get", "POST").statuses(200, 203)
        .build();
    Hotset hs = sel.select(List.of(
        new TrafficRecord("POST", "/p", 203, 0, TrafficRecord.NO_TIMESTAMP, null, 1),
        new TrafficRecord("HEAD", "/h", 200, 0, TrafficRecord.NO_TIMESTAMP, null, 1),
        new TrafficRecord("GET", "/n", 304, 0, TrafficRecord.NO_TIMESTAMP, null, 1)));
    assertThat(hs.urls()).containsExactly("/p");
    assertThat(hs.filtered()).containsEntry(FilterReason.METHOD, 1L)
        .containsEntry(FilterReason.STATUS, 1L);
  }

  static long at(Duration beforeEnd) {
    return END.minus(beforeEnd).toEpochMilli();
  }

  @Test
  void windowCountsOnlyItsRecordsAndReportsTheRest() {
    Hotset hs = HotsetSelector.builder().window(DAY, END).build().select(List.of(
        hits("/in", 3, at(Duration.ZERO)),
        hits("/in", 1, at(DAY.minusMillis(1))),
        hits("/old", 9, at(DAY)),
        hits("/future", 9, END.plusMillis(1).toEpochMilli()),
        hits("/counts-row", 2)));
    assertThat(hs.urls()).containsExactly("/in", "/counts-row");
    assertThat(hs.entries().get(0).count()).isEqualTo(4);
    assertThat(hs.filtered()).containsEntry(FilterReason.BEFORE_WINDOW, 1L)
        .containsEntry(FilterReason.AFTER_WINDOW, 1L);
    assertThat(hs.outsideWindow()).isEqualTo(2);
    assertThat(hs.untimedRecords()).isEqualTo(1);
    assertThat(hs.toString()).contains("1 records had no timestamp");
  }

  @Test
  void withoutWindowsTimestampsDoNotMatter() {
    Hotset hs = HotsetSelector.builder().build().select(List.of(
        hits("/a", 1, 0), hits("/b", 1)));
    assertThat(hs.urls()).containsExactly("/a", "/b");
    assertThat(hs.untimedRecords()).isZero();
  }

  /** Three days: /steady is hot every day, /burst only today, /faded was hot before. */
  static List<TrafficRecord> threeDays() {
    List<TrafficRecord> r = new ArrayList<>();
    for (int day = 0; day < 3; day++) {
      long t = at(DAY.multipliedBy(day).plusHours(1));
      r.add(hits("/steady", 50, t));
      r.add(hits("/also-steady", 30, t));
      r.add(hits("/tail-" + day, 1, t));
    }
    r.add(hits("/burst", 500, at(Duration.ofMinutes(5))));
    r.add(hits("/faded", 80, at(DAY.plusHours(2))));
    r.add(hits("/faded", 80, at(DAY.multipliedBy(2).plusHours(2))));
    r.add(hits("/faded", 1, at(Duration.ofHours(2))));
    return r;
  }

  @Test
  void sustainSkipsBurstsHotInFewerThanKWindows() {
    Hotset hs = HotsetSelector.builder().window(DAY, END).top(3).sustain(2, 3).build()
        .select(threeDays());
    assertThat(hs.urls()).containsExactly("/steady", "/also-steady", "/faded");
    assertThat(hs.clamps()).singleElement().satisfies(c -> {
      assertThat(c.kind()).isEqualTo(Clamp.Kind.SUSTAIN);
      assertThat(c.count()).isEqualTo(1);
      assertThat(c.message()).contains("sustain 2/3");
    });
    // without sustain the burst leads
    Hotset plain = HotsetSelector.builder().window(DAY, END).top(3).build().select(threeDays());
    assertThat(plain.urls()).containsExactly("/burst", "/steady", "/also-steady");
  }

  @Test
  void windowsAndSustainWorkTheSameInBoundedMode() {
    Hotset hs = HotsetSelector.builder().window(DAY, END).top(3).sustain(2, 3)
        .memoryBudget(1).build().select(threeDays());
    assertThat(hs.countingMode()).isEqualTo(CountingMode.BOUNDED);
    assertThat(hs.urls()).containsExactly("/steady", "/also-steady", "/faded");
    assertThat(hs.entries().get(0).count()).isEqualTo(50);
    assertThat(hs.entries().get(0).bytes()).isEqualTo(5_000);
    assertThat(hs.clamps()).extracting(Clamp::kind)
        .containsExactly(Clamp.Kind.MEMORY_BUDGET, Clamp.Kind.SUSTAIN);
    assertThat(hs.sketchCapacity()).isEqualTo(HotsetSelector.MIN_SKETCH_CAPACITY);
  }

  @Test
  void newEntryCapLimitsEntriesMissingFromThePreviousTopSet() {
    Hotset hs = HotsetSelector.builder().window(DAY, END).top(3).maxNewEntries(0).build()
        .select(threeDays());
    // previous day's top 3: /faded, /steady, /also-steady; /burst is new
    assertThat(hs.urls()).containsExactly("/steady", "/also-steady", "/faded");
    assertThat(hs.clamps()).extracting(Clamp::kind).containsExactly(Clamp.Kind.NEW_ENTRIES);
    assertThat(hs.clamps().get(0).count()).isEqualTo(1);

    Hotset one = HotsetSelector.builder().window(DAY, END).top(3).maxNewEntries(1).build()
        .select(threeDays());
    assertThat(one.urls()).containsExactly("/burst", "/steady", "/also-steady");
    assertThat(one.clamps()).isEmpty();
  }

  static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");

  @Test
  void blendsListsByPriorityWithProvenanceExpiryAndSameSiteHosts() {
    HotsetSelector sel = HotsetSelector.builder().top(2)
        .sameSiteHosts("www.example.com")
        .clock(java.time.Clock.fixed(NOW, java.time.ZoneOffset.UTC)).build();
    List<BlendList> lists = List.of(
        BlendList.of("sitemap", List.of("https://www.example.com/b", "/new-page",
            "https://other.example.org/a")),
        BlendList.of("campaign", List.of("https://WWW.example.com:443/launch?utm=x#top", "/a"),
            10, NOW.plusSeconds(1)),
        BlendList.of("xmas", List.of("/xmas"), 20, NOW));
    Hotset hs = sel.select(fiveUrls(), lists);
    assertThat(hs.entries()).extracting(HotsetEntry::url, HotsetEntry::provenance).containsExactly(
        org.assertj.core.groups.Tuple.tuple("/launch?utm=x", List.of("campaign")),
        org.assertj.core.groups.Tuple.tuple("/a", List.of("campaign", "traffic")),
        org.assertj.core.groups.Tuple.tuple("/b", List.of("traffic", "sitemap")),
        org.assertj.core.groups.Tuple.tuple("/new-page", List.of("sitemap")),
        org.assertj.core.groups.Tuple.tuple("https://other.example.org/a", List.of("sitemap")));
    assertThat(hs.entries().get(0).weight()).isZero();
    assertThat(hs.entries().get(1).weight()).isEqualTo(50);
    assertThat(hs.clamps()).singleElement().satisfies(c -> {
      assertThat(c.kind()).isEqualTo(Clamp.Kind.EXPIRED_LIST);
      assertThat(c.message()).contains("'xmas'", "2026-12-01T00:00:00Z");
    });
  }

  @Test
  void listsShareTheHardCapAndListEntriesAheadPushTrafficOut() {
    HotsetSelector sel = HotsetSelector.builder().top(3).max(3).build();
    Hotset hs = sel.select(fiveUrls(), List.of(
        BlendList.of("ahead", List.of("/x"), 1, null),
        BlendList.of("after", List.of("/y", "/z"))));
    assertThat(hs.urls()).containsExactly("/x", "/a", "/b");
    assertThat(hs.clamps()).extracting(Clamp::message)
        .containsExactly("max 3 cut 3 entries (1 selected by traffic, 2 only from lists)");
  }

  @Test
  void listUrlWithTrafficCarriesItsTrafficWeight() {
    Hotset hs = HotsetSelector.builder().top(1).build()
        .select(fiveUrls(), List.of(BlendList.of("feed", List.of("/d"))));
    assertThat(hs.entries().get(1)).satisfies(e -> {
      assertThat(e.url()).isEqualTo("/d");
      assertThat(e.weight()).isEqualTo(10);
      assertThat(e.provenance()).containsExactly("feed");
      assertThat(e.cumulativeCoverage()).isEqualTo(0.6);
    });
  }

  @Test
  void coverageCurveAtPowersOfTenAndTheSelectedSize() {
    List<TrafficRecord> records = new ArrayList<>();
    for (int i = 1; i <= 150; i++) {
      records.add(hits(String.format("/p%03d", i), i <= 10 ? 10 : 1));
    }
    Hotset hs = HotsetSelector.builder().top(12).build().select(records);
    // total 100 + 140 = 240
    assertThat(hs.coverageCurve()).containsExactly(
        new CoveragePoint(1, 10 / 240.0),
        new CoveragePoint(10, 100 / 240.0),
        new CoveragePoint(12, 102 / 240.0),
        new CoveragePoint(100, 190 / 240.0),
        new CoveragePoint(150, 1.0));
  }

  @Test
  void emptyInputGivesAnEmptyHotset() {
    Hotset hs = HotsetSelector.builder().coverage(0.8).build().select(List.of());
    assertThat(hs.entries()).isEmpty();
    assertThat(hs.coverageCurve()).isEmpty();
    assertThat(hs.clamps()).extracting(Clamp::kind)
        .containsExactly(Clamp.Kind.COVERAGE_NOT_REACHED);
  }

  static Stream<Arguments> invalidSettings() {
    return Stream.of(
        Arguments.of((Consumer<HotsetSelector.Builder>) b -> b.coverage(0), "coverage must be in (0, 1] but was 0.0"),
        Arguments.of((Consumer<HotsetSelector.Builder>) b -> b.coverage(1.5), "coverage must be in (0, 1] but was 1.5"),
        Arguments.of((Consumer<HotsetSelector.Builder>) b -> b.coverage(Double.NaN), "coverage must be in (0, 1] but was NaN"),
        Arguments.of((Consumer<HotsetSelector.Builder>) b -> b.top(0), "top must be > 0 but was 0"),
        Arguments.of((Consumer<HotsetSelector.Builder>) b -> b.max(-1), "max must be > 0 but was -1"),
        Arguments.of((Consumer<HotsetSelector.Builder>) b -> b.memoryBudget(0), "memoryBudget must be > 0 but was 0"),
        Arguments.of((Consumer<HotsetSelector.Builder>) b -> b.sustain(3, 2), "sustain needs 1 <= k <= n <= 64 but was 3/2"),
        Arguments.of((Consumer<HotsetSelector.Builder>) b -> b.maxNewEntries(-1), "maxNewEntries must be >= 0 but was -1"),
        Arguments.of((Consumer<HotsetSelector.Builder>) b -> b.window(Duration.ZERO, END), "window length must be >= 1ms but was PT0S"),
        Arguments.of((Consumer<HotsetSelector.Builder>) b -> b.statuses(42), "status must be in [100, 599] but was 42"),
        Arguments.of((Consumer<HotsetSelector.Builder>) b -> b.methods(), "methods must name at least one method"),
        Arguments.of((Consumer<HotsetSelector.Builder>) b -> b.excludePaths("(["), "exclude pattern '([' is not a valid regular expression"),
        Arguments.of((Consumer<HotsetSelector.Builder>) b -> b.sameSiteHosts("https://x"), "sameSiteHosts takes bare host names"),
        Arguments.of((Consumer<HotsetSelector.Builder>) b -> b.top(5).top(6), "top was already set to 5"),
        Arguments.of((Consumer<HotsetSelector.Builder>) b -> b.coverage(0.8).coverage(0.9), "coverage was already set to 0.8"),
        Arguments.of((Consumer<HotsetSelector.Builder>) b -> b.sustain(2, 3).build(), "set window(length, end) too"),
        Arguments.of((Consumer<HotsetSelector.Builder>) b -> b.maxNewEntries(5).build(), "set window(length, end) too"));
  }

  @ParameterizedTest
  @MethodSource("invalidSettings")
  void builderFailsFastWithAMessageSayingWhatIsWrong(
      Consumer<HotsetSelector.Builder> setting, String message) {
    assertThatThrownBy(() -> setting.accept(HotsetSelector.builder()))
        .isInstanceOf(RuntimeException.class)
        .hasMessageContaining(message);
  }

  @Test
  void toStringShowsTheEffectiveConfiguration() {
    assertThat(HotsetSelector.builder().coverage(0.8).window(DAY, END).sustain(2, 3).build())
        .hasToString("HotsetSelector{coverage=0.8, max=10000, window=PT24H x 3 ending"
            + " 2026-11-23T12:00:00Z, sustain=2/3, weight=REQUESTS, memoryBudget=67108864,"
            + " methods=[GET, HEAD], statuses=[200, 304]}");
  }

  @Test
  void aTallySelectsOnce() {
    HotsetSelector.Tally tally = HotsetSelector.builder().build().newTally();
    tally.newSink().accept(hits("/a", 1));
    assertThat(tally.select(List.of()).urls()).containsExactly("/a");
    assertThatThrownBy(() -> tally.select(List.of()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("already selected");
    assertThatThrownBy(tally::newSink).isInstanceOf(IllegalStateException.class);
  }

  @ParameterizedTest
  @CsvSource({"'', blank", "traffic, reserved"})
  void blendListRejectsBadNames(String name, String message) {
    assertThatThrownBy(() -> BlendList.of(name, List.of("/a")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
  }
}
