package dev.preheat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
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

class HotsetCommandTest {

  /** The bundled sample log (a real 10,000-line Apache combined log, gzipped). */
  static final Path SAMPLE = sample();

  @TempDir Path tmp;

  record Result(int exit, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(args, new PrintWriter(out), new PrintWriter(err));
    return new Result(exit, out.toString(), err.toString());
  }

  @Test
  void textTableAndSummary() {
    Result r = run("hotset", "--log", SAMPLE.toString(), "--top", "5");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("rank", "count", "share", "cumul.", "url")
        .contains("/favicon.ico")
        .contains("lines read       10,000")
        .contains("counting         exact")
        .contains("selected         5");
    assertThat(r.out().lines().filter(l -> l.matches("\\s+\\d+\\s+[\\d,]+\\s+.*%.*"))).hasSize(5);
  }

  @Test
  void jsonCountsMatchAnIndependentCount() throws IOException {
    Result r = run("hotset", "--log", SAMPLE.toString(), "--top", "20", "--output", "json");
    assertThat(r.exit()).isZero();
    JsonNode json = new ObjectMapper().readTree(r.out());
    assertThat(json.get("schemaVersion").asInt()).isEqualTo(1);
    assertThat(json.at("/input/lines").asLong()).isEqualTo(10_000);
    assertThat(json.at("/summary/countingMode").asString()).isEqualTo("exact");
    JsonNode entries = json.get("entries");
    assertThat(entries).hasSize(20);

    // independent count: GET/HEAD, status 200/304, no crawler agents, tracking parameters removed
    Map<String, Integer> expected = independentCounts();
    for (JsonNode e : entries) {
      String url = e.get("url").asString();
      if (expected.containsKey(url)) {
        assertThat(e.get("count").asInt()).as(url).isEqualTo(expected.get(url));
      }
    }
    int top = expected.values().stream().max(Integer::compare).orElseThrow();
    assertThat(entries.get(0).get("count").asInt()).isEqualTo(top);
    double last = 0;
    for (JsonNode e : entries) {
      assertThat(e.get("cumulativeCoverage").asDouble()).isGreaterThanOrEqualTo(last);
      last = e.get("cumulativeCoverage").asDouble();
    }
  }

  @Test
  void urlsWithBaseUrlAreAbsolute() {
    Result r = run("hotset", "--log", SAMPLE.toString(), "--top", "3", "--output", "urls",
        "--base-url", "https://www.example.com/");
    assertThat(r.exit()).isZero();
    assertThat(r.out().lines().toList())
        .hasSize(3)
        .allMatch(u -> u.startsWith("https://www.example.com/"))
        .first().isEqualTo("https://www.example.com/favicon.ico");
  }

  @Test
  void sitemapAndListAreBlendedWithProvenance() throws IOException {
    Path sitemap = tmp.resolve("sitemap.xml");
    Files.writeString(sitemap, """
        <?xml version="1.0" encoding="UTF-8"?>
        <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
          <url><loc>https://www.example.com/favicon.ico</loc></url>
          <url><loc>https://www.example.com/new-page</loc><priority>0.9</priority></url>
          <url><loc>not a url</loc></url>
        </urlset>
        """);
    Path list = tmp.resolve("campaign.txt");
    Files.writeString(list, "# black friday\n/black-friday\n");
    Result r = run("hotset", "--log", SAMPLE.toString(), "--top", "3", "--output", "json",
        "--base-url", "https://www.example.com",
        "--sitemap", sitemap.toString(), "--list", list + ";priority=5;expires=2999-01-01");
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(r.out());
    List<String> urls = json.get("entries").findValuesAsString("url");
    assertThat(urls.get(0)).isEqualTo("/black-friday");
    assertThat(urls).contains("/favicon.ico", "/new-page");
    assertThat(urls).filteredOn("/favicon.ico"::equals).hasSize(1);
    JsonNode favicon = null;
    for (JsonNode e : json.get("entries")) {
      if (e.get("url").asString().equals("/favicon.ico")) {
        favicon = e;
      }
    }
    assertThat(favicon.get("provenance").toString()).contains("traffic", "sitemap:sitemap.xml");
    assertThat(json.at("/input/listProblems").asLong()).isEqualTo(1);
  }

  @Test
  void inputProblemsShowQueryValuesHashedNeverInClear() throws IOException {
    Path list = tmp.resolve("tokens.txt");
    Files.writeString(list, "/ok\n/a b?token=secret1\nftp://files.test/y?token=secret2&page=2\n");
    for (String output : List.of("text", "json")) {
      Result r = run("hotset", "--log", SAMPLE.toString(), "--top", "3", "--output", output,
          "--list", list.toString());
      assertThat(r.exit()).as(r.err()).isZero();
      assertThat(r.out() + r.err()).doesNotContain("secret").contains("token=~")
          .containsPattern("page=~[0-9a-f]{8}")
          .contains("tokens.txt");
    }
  }

  @Test
  void remoteSitemapIndexIsFetchedFromItsOwnHostOnly() throws IOException {
    try (mockwebserver3.MockWebServer server = new mockwebserver3.MockWebServer()) {
      server.setDispatcher(new mockwebserver3.Dispatcher() {
        @Override
        public mockwebserver3.MockResponse dispatch(mockwebserver3.RecordedRequest request) {
          String base = "http://" + server.getHostName() + ":" + server.getPort();
          String body = switch (request.getTarget()) {
            case "/sitemap_index.xml" -> "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
                + "<sitemap><loc>" + base + "/pages.xml</loc></sitemap>"
                + "<sitemap><loc>http://elsewhere.invalid/evil.xml</loc></sitemap></sitemapindex>";
            case "/pages.xml" -> "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
                + "<url><loc>https://www.example.com/remote-page</loc></url></urlset>";
            default -> null;
          };
          return body == null
              ? new mockwebserver3.MockResponse.Builder().code(404).build()
              : new mockwebserver3.MockResponse.Builder().body(body).build();
        }
      });
      server.start();
      Result r = run("hotset", "--log", SAMPLE.toString(), "--top", "2", "--output", "json",
          "--base-url", "https://www.example.com",
          "--sitemap", server.url("/sitemap_index.xml") + ";priority=1");
      assertThat(r.exit()).as(r.err()).isZero();
      JsonNode json = new ObjectMapper().readTree(r.out());
      assertThat(json.get("entries").findValuesAsString("url")).first().isEqualTo("/remote-page");
      assertThat(json.at("/input/listProblemSamples").toString()).contains("elsewhere.invalid");
      assertThat(server.getRequestCount()).isEqualTo(2);
    }
  }

  @Test
  void boundedModeIsStatedInTheResult() throws IOException {
    Result r = run("hotset", "--log", SAMPLE.toString(), "--top", "10", "--output", "json",
        "--memory-budget", "16k");
    assertThat(r.exit()).isZero();
    JsonNode json = new ObjectMapper().readTree(r.out());
    assertThat(json.at("/summary/countingMode").asString()).isEqualTo("bounded");
    assertThat(json.at("/summary/distinctUrlsExact").asBoolean()).isFalse();
    assertThat(json.get("clamps").findValuesAsString("kind")).contains("memory_budget");
    assertThat(json.get("entries").get(0).get("url").asString()).isEqualTo("/favicon.ico");
  }

  @Test
  void windowEndsAtTheLatestTimestamp() throws IOException {
    // the sample log spans 17-20 May 2015; the last 24h hold only part of it
    Result all = run("hotset", "--log", SAMPLE.toString(), "--top", "5", "--output", "json");
    Result day = run("hotset", "--log", SAMPLE.toString(), "--top", "5", "--output", "json",
        "--window", "24h");
    assertThat(day.exit()).as(day.err()).isZero();
    JsonNode a = new ObjectMapper().readTree(all.out());
    JsonNode d = new ObjectMapper().readTree(day.out());
    assertThat(d.at("/summary/demandRecords").asLong())
        .isPositive()
        .isLessThan(a.at("/summary/demandRecords").asLong());
    assertThat(d.at("/summary/outsideWindow").asLong()).isPositive();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "hotset --log /no/such/file.log | no such file",
    "hotset | nothing to read",
    "hotset --log SAMPLE --format apache2 | --format",
    "hotset --log SAMPLE --output xml | --output must be text, json or urls",
    "hotset --log SAMPLE --coverage 1.5 | coverage",
    "hotset --log SAMPLE --sustain 2/3 | need --window",
    "hotset --log SAMPLE --window 24h --sustain 4/3 | K/N",
    "hotset --log SAMPLE --window soon | not a duration",
    "hotset --log SAMPLE --exclude ( | not a valid regular expression",
    "hotset --log SAMPLE --memory-budget lots | not a size",
    "hotset --log SAMPLE --base-url ftp://x | absolute http(s) URL",
    "hotset --log SAMPLE --list /no/such/list | no such file",
    "hotset --top 5 --bogus | Unknown option",
  })
  void badUsageExitsWithTwoAndSaysWhy(String args, String message) {
    Result r = run(args.replace("SAMPLE", SAMPLE.toString()).split(" "));
    assertThat(r.exit()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains(message);
    assertThat(r.out()).isEmpty();
  }

  @Test
  void malformedLinesAreReportedNotFatal() throws IOException {
    Path log = tmp.resolve("mixed.log");
    Files.writeString(log, String.join("\n",
        "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET /a HTTP/1.1\" 200 10 \"-\" \"Mozilla/5.0\"",
        "\u0000\u0001garbage",
        "1.2.3.4 - - [17/May/2015:10:05:04 +0000] \"GET /a\r HTTP/1.1\" 200 10 \"-\" \"Mozilla/5.0\"",
        "1.2.3.4 - - [17/May/2015:10:05:05 +0000] \"GET /b HTTP/1.1\" 200 10 \"-\" \"Mozilla/5.0\"",
        ""), StandardCharsets.ISO_8859_1);
    Result r = run("hotset", "--log", log.toString(), "--output", "json");
    assertThat(r.exit()).isZero();
    JsonNode json = new ObjectMapper().readTree(r.out());
    assertThat(json.at("/input/malformed").asLong()).isEqualTo(2);
    assertThat(json.at("/input/malformedSamples/0/line").asLong()).isEqualTo(2);
    assertThat(json.get("entries").findValuesAsString("url")).containsExactly("/a", "/b");
  }

  @Test
  void aLogInAnotherFormatGetsAHintAboutFormat() throws IOException {
    Path log = tmp.resolve("app.jsonl");
    Files.writeString(log, "{\"method\":\"GET\",\"url\":\"/a\",\"status\":200}\n".repeat(3));
    Result wrong = run("hotset", "--log", log.toString());
    assertThat(wrong.exit()).isZero();
    assertThat(wrong.err()).contains("3 of 3 lines could not be read as combined", "--format");
    Result right = run("hotset", "--log", log.toString(), "--format", "jsonl", "--output", "urls");
    assertThat(right.err()).doesNotContain("warning");
    assertThat(right.out().lines()).containsExactly("/a");
  }

  private static Map<String, Integer> independentCounts() {
    Pattern line = Pattern.compile(
        "^\\S+ \\S+ \\S+ \\[[^\\]]+\\] \"(\\S+) (\\S+)[^\"]*\" (\\d{3}) \\S+ \"[^\"]*\" \"([^\"]*)\"$");
    Map<String, Integer> counts = new HashMap<>();
    try (var in = new GZIPInputStream(Files.newInputStream(SAMPLE))) {
      for (String l : new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).split("\n")) {
        Matcher m = line.matcher(l);
        if (!m.matches()) {
          continue;
        }
        String agent = m.group(4).toLowerCase();
        boolean crawler = List.of("bot", "crawler", "spider", "slurp", "facebookexternalhit",
            "bingpreview").stream().anyMatch(agent::contains);
        boolean demand = (m.group(1).equals("GET") || m.group(1).equals("HEAD"))
            && (m.group(3).equals("200") || m.group(3).equals("304"));
        if (demand && !crawler) {
          counts.merge(withoutTracking(m.group(2)), 1, Integer::sum);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return counts;
  }

  private static String withoutTracking(String target) {
    int q = target.indexOf('?');
    if (q < 0) {
      return target;
    }
    StringBuilder kept = new StringBuilder();
    for (String pair : target.substring(q + 1).split("&")) {
      String name = pair.split("=", 2)[0];
      if (!name.startsWith("utm_") && !List.of("gclid", "fbclid", "msclkid", "mc_cid", "mc_eid",
          "_ga").contains(name) && !pair.isEmpty()) {
        kept.append(kept.length() == 0 ? "" : "&").append(pair);
      }
    }
    return target.substring(0, q) + (kept.length() == 0 ? "" : "?" + kept);
  }

  private static Path sample() {
    try {
      Path here = Path.of(HotsetCommandTest.class.getProtectionDomain().getCodeSource()
          .getLocation().toURI());
      // target/test-classes -> module dir -> samples/ -> samples/data
      return here.getParent().getParent().getParent().resolve("data/access.log.gz");
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
