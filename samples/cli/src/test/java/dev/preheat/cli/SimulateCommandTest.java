package dev.preheat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

class SimulateCommandTest {

  static final Path SAMPLE = HotsetCommandTest.SAMPLE;

  @TempDir Path tmp;

  record Result(int exit, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(args, new PrintWriter(out), new PrintWriter(err));
    return new Result(exit, out.toString(), err.toString());
  }

  @Test
  void textTableWithRecommendationAndRoi() {
    Result r = run("simulate", "--log", SAMPLE.toString(), "--window", "6h", "--sizes",
        "10,100,1000");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("Hit ratio by hotset size: 14 evaluated windows of 6h")
        .contains("size", "warm req", "oracle", "gain/warm", "savings", "breakeven")
        .contains("recommended", "ROI", "breakeven", "replayed         8,238 requests");
    assertThat(r.out().lines().filter(l -> l.matches("\\s+\\*?[\\d,]+\\s+[\\d,]+\\s+.*pp.*")))
        .hasSize(3);
  }

  @Test
  void severalFilesAreMergedByTimeAndLateLinesAreReported() throws IOException {
    // Two servers over three hours; server b's last line is two hours late.
    List<String> a = new ArrayList<>();
    List<String> b = new ArrayList<>();
    List<String> merged = new ArrayList<>();
    for (int m = 0; m < 180; m++) {
      String la = line(m, "/p/" + (m % 7));
      String lb = line(m, "/q/" + (m % 5));
      a.add(la);
      b.add(lb);
      merged.add(la);
      merged.add(lb);
    }
    b.add(line(10, "/late"));
    Path fa = Files.write(tmp.resolve("a.log"), a);
    Path fb = Files.write(tmp.resolve("b.log"), b);
    Path one = Files.write(tmp.resolve("merged.log"), merged);
    String[] common = {"--window", "1h", "--sizes", "2,20", "--output", "json"};
    Result two = run(concat(new String[] {"simulate", "--log", fa.toString(), fb.toString()},
        common));
    Result single = run(concat(new String[] {"simulate", "--log", one.toString()}, common));
    assertThat(two.exit()).as(two.err()).isZero();
    assertThat(single.exit()).as(single.err()).isZero();
    JsonNode j2 = new ObjectMapper().readTree(two.out());
    JsonNode j1 = new ObjectMapper().readTree(single.out());
    assertThat(j2.get("input").get("lateRequests").asLong()).isEqualTo(1);
    assertThat(j1.get("input").get("lateRequests").asLong()).isZero();
    assertThat(j2.get("settings").get("reorderSeconds").asDouble()).isEqualTo(600.0);
    assertThat(j2.get("baseline")).isEqualTo(j1.get("baseline"));
    assertThat(j2.get("points")).isEqualTo(j1.get("points"));

    Result text = run("simulate", "--log", fa.toString(), fb.toString(), "--window", "1h",
        "--sizes", "2,20");
    assertThat(text.out()).contains("late", "1 requests skipped", "raise --reorder");
    Result wide = run("simulate", "--log", fa.toString(), "--window", "1h", "--reorder", "2h");
    assertThat(wide.exit()).isEqualTo(2);
    assertThat(wide.err()).contains("--reorder", "must not be longer than the window");
  }

  private static String line(int minute, String url) {
    return String.format(Locale.ROOT,
        "10.0.0.1 - - [01/Nov/2026:%02d:%02d:00 +0000] \"GET %s HTTP/1.1\" 200 %d \"-\" "
            + "\"Mozilla/5.0\"", minute / 60, minute % 60, url, 100 + url.length());
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** The JSON figures equal a replay written here from the raw log text. */
  @ParameterizedTest(name = "window {0}, cache {1}, ttl {2}, keep {3}")
  @CsvSource({"6h, 0, 0, false", "6h, 40, 7200, false", "24h, 100, 0, true",
      "2h, 0, 1800, true"})
  void jsonEqualsAnIndependentReplayOfTheLogText(String window, int cacheSize, int ttlSeconds,
      boolean keep) throws IOException {
    List<String> args = new ArrayList<>(List.of("simulate", "--log", SAMPLE.toString(),
        "--window", window, "--sizes", "5,50,500", "--output", "json", "--cache-key",
        "as-logged"));
    if (cacheSize > 0) {
      args.addAll(List.of("--cache-size", String.valueOf(cacheSize)));
    }
    if (ttlSeconds > 0) {
      args.addAll(List.of("--ttl", ttlSeconds + "s"));
    }
    if (keep) {
      args.add("--keep-cache");
    }
    Result r = run(args.toArray(String[]::new));
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(r.out());
    assertThat(json.get("schemaVersion").asInt()).isEqualTo(1);

    long windowMs = Units.duration(window).toMillis();
    Replay naive = new Replay(requests(), windowMs, cacheSize,
        ttlSeconds == 0 ? Long.MAX_VALUE : ttlSeconds * 1000L, !keep);
    assertThat(json.at("/input/replayedRequests").asLong()).isEqualTo(naive.requests.size());
    assertThat(json.get("windows")).hasSize(naive.windows);
    assertThat(json.at("/baseline/hits").asLong()).isEqualTo(naive.run(0, false)[1]);
    assertThat(json.at("/baseline/requests").asLong()).isEqualTo(naive.run(0, false)[0]);
    for (JsonNode p : json.get("points")) {
      int size = p.get("size").asInt();
      long[] warmed = naive.run(size, false);
      long[] oracle = naive.run(size, true);
      assertThat(p.at("/warmed/hits").asLong()).as("warmed " + size).isEqualTo(warmed[1]);
      assertThat(p.at("/warmed/warmRequests").asLong()).isEqualTo(warmed[2]);
      assertThat(p.at("/oracle/hits").asLong()).as("oracle " + size).isEqualTo(oracle[1]);
      assertThat(p.at("/warmed/hitRatio").asDouble())
          .isEqualTo((double) warmed[1] / warmed[0]);
    }
  }

  @Test
  void jsonHasExactlyTheFieldsTheSchemaRequires() throws IOException {
    Result r = run("simulate", "--log", SAMPLE.toString(), "--window", "12h", "--sizes",
        "10,100", "--ttl-rule", "\\.css$=1h", "--output", "json");
    assertThat(r.exit()).as(r.err()).isZero();
    ObjectMapper mapper = new ObjectMapper();
    JsonNode schema = mapper.readTree(
        Files.readString(Path.of("..", "..", "docs", "schema", "simulate.schema.json")));
    JsonNode json = mapper.readTree(r.out());
    assertThat(checkAgainst(schema, schema, json, "$")).isGreaterThan(100);
  }

  /** Checks objects carry exactly their required fields, recursively; returns nodes checked. */
  private static int checkAgainst(JsonNode root, JsonNode schema, JsonNode json, String path) {
    if (schema.has("$ref")) {
      return checkAgainst(root, root.at(schema.get("$ref").asString().substring(1)), json, path);
    }
    int checked = 1;
    if (schema.has("required")) {
      List<String> required = new ArrayList<>();
      schema.get("required").forEach(n -> required.add(n.asString()));
      List<String> actual = new ArrayList<>();
      actual.addAll(json.propertyNames());
      assertThat(actual).as(path).containsExactlyInAnyOrderElementsOf(required);
    }
    if (schema.has("properties")) {
      for (var it = schema.get("properties").properties().iterator(); it.hasNext(); ) {
        var e = it.next();
        if (json.has(e.getKey()) && !json.get(e.getKey()).isNull()) {
          checked += checkAgainst(root, e.getValue(), json.get(e.getKey()), path + "." + e.getKey());
        }
      }
    }
    if (schema.has("items") && json.isArray()) {
      for (JsonNode item : json) {
        checked += checkAgainst(root, schema.get("items"), item, path + "[]");
      }
    }
    return checked;
  }

  @Test
  void htmlIsSelfContainedWithInlineSvg() throws IOException {
    Path html = tmp.resolve("report.html");
    Result r = run("simulate", "--log", SAMPLE.toString(), "--window", "12h", "--html",
        html.toString(), "--cache-bytes", "20m", "--ttl-rule", "\\.png$=1h");
    assertThat(r.exit()).as(r.err()).isZero();
    String page = Files.readString(html);
    assertThat(page).startsWith("<!DOCTYPE html>").contains("<svg", "Hit ratio by hotset size",
        "Savings by hotset size", "oracle", "recommended");
    assertThat(page).doesNotContain("<script", "src=\"http", "href=\"http", "@import");
    assertThat(page.split("<svg", -1)).hasSize(4);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--window|1h|--format|counts|cannot be replayed",
      "--window|30d|--sizes|10|single window",
      "--cache-size|10|--cache-bytes|1g|not both",
      "--ttl-rule|([=1h|--sizes|10|not a valid regular expression",
      "--output|xml|--sizes|10|--output must be text or json",
      "--cache-key|raw|--sizes|10|--cache-key must be canonical or as-logged",
      "--egress-per-gb|-1|--sizes|10|egressPerGb must be a finite number >= 0"})
  void badUsageIsExplained(String o1, String v1, String o2, String v2, String message) {
    Result r = run("simulate", "--log", SAMPLE.toString(), o1, v1, o2, v2);
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains(message);
  }

  @Test
  void maxAgesFileIsCanonicalizedAndChecked() throws IOException {
    Path ages = tmp.resolve("ages.txt");
    Files.writeString(ages, "# url seconds\n/favicon.ico 0\nhttp://x.test/a?utm_source=z,60\n");
    Result ok = run("simulate", "--log", SAMPLE.toString(), "--window", "12h", "--max-ages",
        ages.toString(), "--output", "json");
    assertThat(ok.exit()).as(ok.err()).isZero();
    Files.writeString(ages, "/a\n");
    Result bad = run("simulate", "--log", SAMPLE.toString(), "--max-ages", ages.toString());
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("ages.txt:1: expected 'URL SECONDS'");
  }

  record Request(long time, String url, long bytes) {}

  /** The sample log read with a regular expression: GET/HEAD, 200/304, no crawlers. */
  private static List<Request> requests() {
    Pattern line = Pattern.compile("^\\S+ \\S+ \\S+ \\[([^\\]]+)\\] \"(\\S+) (\\S+)[^\"]*\" "
        + "(\\d{3}) (\\S+) \"[^\"]*\" \"([^\"]*)\"$");
    DateTimeFormatter time = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);
    List<Request> out = new ArrayList<>();
    try (var in = new GZIPInputStream(Files.newInputStream(SAMPLE))) {
      for (String l : new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).split("\n")) {
        Matcher m = line.matcher(l);
        if (!m.matches()) {
          continue;
        }
        String agent = m.group(6).toLowerCase(Locale.ROOT);
        boolean crawler = List.of("bot", "crawler", "spider", "slurp", "facebookexternalhit",
            "bingpreview").stream().anyMatch(agent::contains);
        boolean demand = (m.group(2).equals("GET") || m.group(2).equals("HEAD"))
            && (m.group(4).equals("200") || m.group(4).equals("304"));
        if (demand && !crawler) {
          long t = ZonedDateTime.parse(m.group(1), time).toInstant().toEpochMilli();
          long bytes = m.group(5).equals("-") ? 0 : Long.parseLong(m.group(5));
          out.add(new Request(t, m.group(3), bytes));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.sort(Comparator.comparingLong(Request::time));
    return out;
  }

  /** LRU with an entry limit and one TTL, over windows aligned to the epoch. */
  static final class Replay {
    final List<Request> requests;
    final long windowMs;
    final int cacheSize;
    final long ttl;
    final boolean purge;
    final long first;
    final int windows;

    Replay(List<Request> requests, long windowMs, int cacheSize, long ttl, boolean purge) {
      this.requests = requests;
      this.windowMs = windowMs;
      this.cacheSize = cacheSize == 0 ? Integer.MAX_VALUE : cacheSize;
      this.ttl = ttl;
      this.purge = purge;
      this.first = requests.get(0).time() / windowMs;
      this.windows = (int) (requests.get(requests.size() - 1).time() / windowMs - first + 1);
    }

    List<String> top(long window, int n) {
      Map<String, Integer> counts = new HashMap<>();
      for (Request r : requests) {
        if (r.time() / windowMs == window) {
          counts.merge(r.url(), 1, Integer::sum);
        }
      }
      return counts.entrySet().stream()
          .sorted(Map.Entry.<String, Integer>comparingByValue().reversed()
              .thenComparing(Map.Entry.comparingByKey()))
          .limit(n).map(Map.Entry::getKey).toList();
    }

    /** {evaluated requests, hits, warm requests}. */
    long[] run(int size, boolean oracle) {
      LinkedHashMap<String, Long> cache = new LinkedHashMap<>(16, 0.75f, true);
      long[] out = new long[3];
      long current = first;
      for (Request r : requests) {
        long w = r.time() / windowMs;
        while (current < w) {
          current++;
          if (purge) {
            cache.clear();
          }
          if (size > 0) {
            for (String url : top(oracle ? current : current - 1, size)) {
              out[2]++;
              if (!fresh(cache, url, current * windowMs)) {
                store(cache, url, current * windowMs);
              }
            }
          }
        }
        boolean hit = fresh(cache, r.url(), r.time());
        if (!hit) {
          store(cache, r.url(), r.time());
        }
        if (w > first) {
          out[0]++;
          out[1] += hit ? 1 : 0;
        }
      }
      return out;
    }

    boolean fresh(LinkedHashMap<String, Long> cache, String url, long now) {
      Long at = cache.get(url);
      return at != null && now - at < ttl;
    }

    void store(LinkedHashMap<String, Long> cache, String url, long now) {
      cache.remove(url);
      cache.put(url, now);
      Iterator<String> eldest = cache.keySet().iterator();
      while (cache.size() > cacheSize) {
        eldest.next();
        eldest.remove();
      }
    }
  }
}
