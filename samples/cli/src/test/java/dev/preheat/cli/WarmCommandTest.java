package dev.preheat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

class WarmCommandTest {

  @StartStop private final MockWebServer server = new MockWebServer();

  @TempDir Path tmp;

  /** Every request the origin saw, in arrival order. */
  private final List<RecordedRequest> seen = Collections.synchronizedList(new ArrayList<>());

  /** Whether verification requests (no X-Preheat marker) are answered as cache hits. */
  private volatile boolean verificationHits = true;

  record Result(int exit, String out, String err) {}

  @BeforeEach
  void origin() {
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        seen.add(request);
        String target = request.getTarget();
        if (target.startsWith("/missing")) {
          return new MockResponse.Builder().code(404).build();
        }
        if (target.startsWith("/nostore")) {
          return new MockResponse.Builder().addHeader("Cache-Control", "no-store").body("x").build();
        }
        String etag = "\"e" + Integer.toHexString(target.hashCode()) + "\"";
        boolean warm = request.getHeaders().get("X-Preheat") != null;
        MockResponse.Builder r = new MockResponse.Builder().addHeader("ETag", etag)
            .addHeader("Cache-Control", "max-age=60")
            .addHeader("Cache-Status", !warm && verificationHits ? "mock; hit"
                : "mock; fwd=uri-miss; stored");
        if (etag.equals(request.getHeaders().get("If-None-Match"))) {
          return r.code(304).build();
        }
        return r.body("body of " + target).build();
      }
    });
  }

  /**
   * Runs a command. A {@code warm} without {@code --variant} gets one explicit variant, so request
   * counts in these tests are one per URL; {@link #runWithDefaultVariants} runs it as given.
   */
  private Result run(String... args) {
    return runWithStdin(new ByteArrayInputStream(new byte[0]), args);
  }

  private static final String ONE_VARIANT = "Accept-Encoding: gzip, deflate, br, zstd";

  private static Result runWithStdin(InputStream in, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    if (all.contains("warm") && !all.contains("--variant") && !all.contains("--help")) {
      all.add("--variant");
      all.add(ONE_VARIANT);
    }
    return runWithDefaultVariants(in, all.toArray(String[]::new));
  }

  private static Result runWithDefaultVariants(InputStream in, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(args, in, new PrintWriter(out), new PrintWriter(err));
    return new Result(exit, out.toString(), err.toString());
  }

  private String base() {
    String url = server.url("/").toString();
    return url.substring(0, url.length() - 1);
  }

  private Path urls(String... lines) throws IOException {
    Path file = Files.createTempFile(tmp, "urls", ".txt");
    Files.write(file, List.of(lines));
    return file;
  }

  private List<RecordedRequest> warmRequests() {
    synchronized (seen) {
      return seen.stream().filter(r -> r.getHeaders().get("X-Preheat") != null).toList();
    }
  }

  @Test
  void aDeadOriginIsGivenUpAfterTheBreakerOpensAndTheRunFailsFast() throws IOException {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      lines.add("/p" + i + "?token=secret" + i);
    }
    long started = System.nanoTime();
    Result r = run("warm", "--urls", urls(lines.toArray(String[]::new)).toString(), "--base-url",
        "http://127.0.0.1:" + port, "--checkpoint", "none", "--rate", "unlimited",
        "--breaker-give-up-after", "1", "--report", "json");
    long seconds = (System.nanoTime() - started) / 1_000_000_000L;

    assertThat(r.exit()).as(r.err()).isEqualTo(3);
    JsonNode report = new ObjectMapper().readTree(r.out());
    assertThat(report.at("/totals/outcomes/FAILED").asLong()).isEqualTo(10);
    assertThat(report.at("/totals/breakerOpens").asLong()).isEqualTo(1);
    assertThat(report.at("/problems").findValuesAsString("detail"))
        .allSatisfy(d -> assertThat(d).contains("breaker open: host given up"));
    assertThat(r.out()).doesNotContain("secret");
    // Generous: the give-up is immediate; a 30 s breaker wait would show here.
    assertThat(seconds).isLessThan(25);
    assertThat(run("warm", "--urls", urls("/a").toString(), "--base-url", base(),
        "--breaker-give-up-after", "-1").err()).contains("--breaker-give-up-after: giveUpAfter"
        + " must be >= 0");
  }

  @ParameterizedTest(name = "--http-client {0}")
  @ValueSource(strings = {"apache", "okhttp"})
  void warmRequestsIdentifyThemselvesAndCarryTheDefaultBrowserVariants(String client)
      throws IOException {
    Result r = runWithDefaultVariants(new ByteArrayInputStream(new byte[0]),
        "warm", "--urls", urls("/a", "/b?x=1").toString(), "--base-url", base(),
        "--http-client", client);

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("warmed 4");
    assertThat(seen).hasSize(4);
    for (RecordedRequest req : seen) {
      assertThat(req.getMethod()).isEqualTo("GET");
      assertThat(req.getHeaders().get("User-Agent")).contains("Preheat/");
      assertThat(req.getHeaders().get("X-Preheat")).isEqualTo("1");
      assertThat(req.getHeaders().get("Cookie")).isNull();
      assertThat(req.getHeaders().get("Authorization")).isNull();
    }
    // Chrome, Edge and Firefox send the first Accept-Encoding, Safari the second
    assertThat(seen.stream().map(q -> q.getTarget() + " " + q.getHeaders().get("Accept-Encoding")))
        .containsExactlyInAnyOrder(
            "/a gzip, deflate, br, zstd", "/a gzip, deflate, br",
            "/b?x=1 gzip, deflate, br, zstd", "/b?x=1 gzip, deflate, br");
  }

  @Test
  void userAgentOptionReplacesTheDefault() throws IOException {
    Result r = run("warm", "--urls", urls("/a").toString(), "--base-url", base(),
        "--user-agent", "MyWarmer/2 (ops@example.com)");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(seen.get(0).getHeaders().get("User-Agent")).isEqualTo("MyWarmer/2 (ops@example.com)");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "Accept-Encoding: br                                                   | 1",
    "Accept-Encoding: br;Accept-Encoding: gzip                             | 2",
    "Accept-Encoding: br;Accept-Encoding: gzip;Accept-Language: de         | 2",
    "Accept-Encoding: br;Accept-Encoding: gzip;Accept-Language: de;Accept-Language: en | 4",
    "X-Device: mobile;Accept-Language: fr;X-Device: desktop;Accept-Language: en | 4",
  })
  void variantsOfOneHeaderAreAlternativesAndHeadersMultiply(String variants, int expected)
      throws IOException {
    List<String> args = new ArrayList<>(List.of("warm", "--urls", urls("/v").toString(),
        "--base-url", base()));
    for (String v : variants.split(";")) {
      args.add("--variant");
      args.add(v.trim());
    }
    Result r = run(args.toArray(String[]::new));

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(seen).hasSize(expected);
    // Each request carries exactly one value per varied header, and every combination is sent.
    Set<String> combos = seen.stream().map(req -> {
      List<String> parts = new ArrayList<>();
      for (String v : variants.split(";")) {
        String name = v.substring(0, v.indexOf(':')).trim();
        assertThat(req.getHeaders().values(name)).hasSize(1);
        parts.add(name + "=" + req.getHeaders().get(name));
      }
      return parts.stream().distinct().sorted().collect(Collectors.joining(","));
    }).collect(Collectors.toSet());
    assertThat(combos).hasSize(expected);
  }

  @Test
  void validatorsFileMakesTheSecondRunConditionalAndDropsNoStoreUrls() throws IOException {
    Path validators = tmp.resolve("validators.json");
    Path list = urls("/page", "/nostore");
    Result first = run("warm", "--urls", list.toString(), "--base-url", base(),
        "--validators", validators.toString(), "--slo", "0.5/15m");
    assertThat(first.exit()).as(first.err()).isZero();
    assertThat(first.out()).contains("warmed 1", "uncacheable 1");
    assertThat(validators).exists();
    seen.clear();

    // The engine's SLO counts the dropped no-store URL as not warm, hence the explicit SLO.
    Result second = run("warm", "--urls", list.toString(), "--base-url", base(),
        "--validators", validators.toString(), "--slo", "0.5/15m");

    assertThat(second.exit()).as(second.err()).isZero();
    assertThat(second.out()).contains("revalidated 1", "known_uncacheable 1");
    assertThat(seen).hasSize(1);
    assertThat(seen.get(0).getTarget()).isEqualTo("/page");
    assertThat(seen.get(0).getHeaders().get("If-None-Match")).startsWith("\"e");
  }

  @Test
  void checkpointLetsARestartedRunResumeWhereTheBudgetStoppedIt() throws IOException {
    Path checkpoint = tmp.resolve("run.checkpoint");
    Path list = urls("/1", "/2", "/3", "/4");
    Result stopped = run("warm", "--urls", list.toString(), "--base-url", base(),
        "--checkpoint", checkpoint.toString(), "--max-requests", "2", "--concurrency", "1");
    assertThat(stopped.exit()).isEqualTo(Main.ABORTED);
    assertThat(stopped.out()).contains("stopped: request budget");
    assertThat(stopped.err()).contains("aborted (request budget)");
    List<String> firstTargets = seen.stream().map(RecordedRequest::getTarget).toList();
    assertThat(firstTargets).hasSize(2);
    seen.clear();

    // Checkpointed targets count as warm for the default SLO.
    Result resumed = run("warm", "--urls", list.toString(), "--base-url", base(),
        "--checkpoint", checkpoint.toString());

    assertThat(resumed.exit()).as(resumed.err()).isZero();
    assertThat(resumed.out()).contains("checkpointed 2");
    List<String> secondTargets = seen.stream().map(RecordedRequest::getTarget).toList();
    assertThat(secondTargets).hasSize(2).doesNotContainAnyElementsOf(firstTargets);

    // That run completed: a third run (after a purge, say) warms everything again.
    seen.clear();
    Result again = run("warm", "--urls", list.toString(), "--base-url", base(),
        "--checkpoint", checkpoint.toString());
    assertThat(again.exit()).isZero();
    assertThat(seen).hasSize(4);
  }

  @Test
  void checkpointsAreOnByDefaultAndCanBeTurnedOff() throws IOException {
    Path list = urls("/d1", "/d2", "/d3");
    Result stopped = run("warm", "--urls", list.toString(), "--base-url", base(),
        "--max-requests", "1", "--concurrency", "1");
    assertThat(stopped.exit()).isEqualTo(Main.ABORTED);
    assertThat(WarmCommand.stateDir().resolve("checkpoints.jsonl")).exists();
    seen.clear();
    Result off = run("warm", "--urls", list.toString(), "--base-url", base(),
        "--checkpoint", "none");
    assertThat(off.exit()).isZero();
    assertThat(seen).hasSize(3);
    seen.clear();
    Result resumed = run("warm", "--urls", list.toString(), "--base-url", base());
    assertThat(resumed.exit()).isZero();
    assertThat(resumed.out()).contains("checkpointed 1");
    assertThat(seen).hasSize(2);
  }

  @Test
  void urlsFromStandardInput() {
    Result r = runWithStdin(
        new ByteArrayInputStream("# from a pipe\n/x\n/y\nnot a url\n".getBytes(StandardCharsets.UTF_8)),
        "warm", "--urls", "-", "--base-url", base());

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(seen.stream().map(RecordedRequest::getTarget)).containsExactlyInAnyOrder("/x", "/y");
    assertThat(r.err()).contains("stdin").contains("4");
  }

  @Test
  void logAndHotsetOptionsWarmTheHottestUrlsFirst() {
    Result r = run("warm", "--log", HotsetCommandTest.SAMPLE.toString(), "--top", "3",
        "--base-url", base(), "--concurrency", "1");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(seen.stream().map(RecordedRequest::getTarget))
        .containsExactly("/favicon.ico", "/style2.css", "/reset.css");
  }

  @Test
  void connectToPinsTheBaseHostToAnotherAddress() throws IOException {
    Result r = run("warm", "--urls", urls("/pinned").toString(),
        "--base-url", "http://www.unresolvable.test", "--connect-to",
        server.getHostName() + ":" + server.getPort());

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(seen).hasSize(1);
    assertThat(seen.get(0).getHeaders().get("Host")).isEqualTo("www.unresolvable.test");
  }

  @Test
  void jsonReportFollowsTheSchemaAndCanGoToAFile() throws IOException {
    Path file = tmp.resolve("report.json");
    Result r = run("warm", "--urls", urls("/a", "/missing").toString(), "--base-url", base(),
        "--report", "json", "--report-file", file.toString(), "--slo", "0.5/1m");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).isEmpty();
    JsonNode json = new ObjectMapper().readTree(file.toFile());
    assertThat(json.get("schemaVersion").asInt()).isEqualTo(2);
    assertThat(json.get("planHash").asString()).hasSize(64);
    assertThat(json.get("stopReason").isNull()).isTrue();
    assertThat(json.at("/totals/targets").asLong()).isEqualTo(2);
    assertThat(json.at("/totals/outcomes/WARMED").asLong()).isEqualTo(1);
    assertThat(json.at("/totals/outcomes/FAILED").asLong()).isEqualTo(1);
    assertThat(json.at("/slo/targetShare").asDouble()).isEqualTo(0.5);
    assertThat(json.at("/slo/met").asBoolean()).isTrue();
    assertThat(json.get("verification").isNull()).isTrue();
    assertThat(json.get("hosts").size()).isEqualTo(1);
    assertThat(json.get("problems").get(0).get("key").asString()).endsWith("/missing");
    assertThat(json.get("problems").get(0).get("detail").asString()).contains("404");
  }

  @Test
  void exit3WhenTheSloIsMissed() throws IOException {
    Result r = run("warm", "--urls", urls("/a", "/missing").toString(), "--base-url", base(),
        "--slo", "1/15m");

    assertThat(r.exit()).isEqualTo(Main.SLO_MISSED);
    assertThat(r.out()).contains("SLO:      MISSED");
    assertThat(r.err()).contains("SLO missed: 50.0% warm");
  }

  @Test
  void exit3WhenVerificationFindsTooFewHits() throws IOException {
    verificationHits = false;
    Result r = run("warm", "--urls", urls("/a", "/b").toString(), "--base-url", base(),
        "--verify-sample", "1");

    assertThat(r.exit()).isEqualTo(Main.SLO_MISSED);
    assertThat(r.out()).contains("verify:   0/2 HIT");
    assertThat(r.err()).contains("below --min-hit-ratio 90.0%");
    // Verification requests look like a browser: no marker header, a browser User-Agent.
    List<RecordedRequest> verify = seen.stream()
        .filter(q -> q.getHeaders().get("X-Preheat") == null).toList();
    assertThat(verify).hasSize(2);
    assertThat(verify.get(0).getHeaders().get("User-Agent")).startsWith("Mozilla/5.0 (X11");
    assertThat(warmRequests()).hasSize(2);
  }

  @Test
  void exit0WhenVerificationHitsEnough() throws IOException {
    Result r = run("warm", "--urls", urls("/a", "/b").toString(), "--base-url", base(),
        "--verify-sample", "1", "--min-hit-ratio", "1");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("verify:   2/2 HIT (100.0%)");
  }

  @Test
  void exit4WhenTheByteBudgetStopsTheRun() throws IOException {
    Result r = run("warm", "--urls", urls("/1", "/2", "/3").toString(), "--base-url", base(),
        "--max-bytes", "1", "--concurrency", "1");

    assertThat(r.exit()).isEqualTo(Main.ABORTED);
    assertThat(r.out()).contains("stopped: byte budget", "budget");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "warm --urls LIST                                           | --base-url",
    "warm --base-url BASE                                       | nothing to warm",
    "warm --urls LIST --log LIST --base-url BASE                | not both",
    "warm --urls LIST --base-url ftp://x                        | must be an absolute http(s) URL",
    "warm --urls LIST --base-url BASE --rate fast               | --rate: 'fast' is not a rate",
    "warm --urls LIST --base-url BASE --concurrency 0           | concurrency must be >= 1",
    "warm --urls LIST --base-url BASE --variant NoColon         | must be 'Header: value'",
    "warm --urls LIST --base-url BASE --variant 'Cookie: a=b'   | never sent",
    "warm --urls LIST --base-url BASE --connect-to nohost       | HOST:PORT",
    "warm --urls LIST --base-url BASE --connect-to 1.2.3.4:0    | HOST:PORT",
    "warm --urls LIST --base-url BASE --report xml              | --report must be text or json",
    "warm --urls LIST --base-url BASE --http-client curl        | --http-client must be apache or okhttp",
    "warm --urls LIST --base-url BASE --verify-sample 2         | --verify-sample must be in 0..1",
    "warm --urls LIST --base-url BASE --min-hit-ratio 0.5       | needs verification",
    "warm --urls LIST --base-url BASE --slo 95                  | SHARE/DURATION",
    "warm --urls LIST --base-url BASE --deadline soon           | --deadline",
    "warm --urls LIST --base-url BASE --max-bytes lots          | --max-bytes",
    "warm --urls /no/such/file --base-url BASE                  | no such file",
    "warm --urls EMPTY --base-url BASE                          | has no valid URL",
  })
  void badUsageExits2WithAMessageSayingWhatToFix(String command, String message)
      throws IOException {
    Path list = urls("/a");
    Path empty = urls("# nothing");
    List<String> args = new ArrayList<>();
    for (String a : command.trim().split(" (?=(?:[^']*'[^']*')*[^']*$)")) {
      args.add(a.replace("'", "").replace("LIST", list.toString())
          .replace("EMPTY", empty.toString()).replace("BASE", base()));
    }
    Result r = run(args.toArray(String[]::new));

    assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(Main.USAGE);
    assertThat(r.err()).contains(message);
    assertThat(seen).as("no request is sent on bad usage").isEmpty();
  }

  @Test
  void helpDocumentsTheExitCodesAndVariantSemantics() {
    Result r = run("warm", "--help");

    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("0 done", "2 bad usage", "3 SLO missed", "4 aborted")
        .contains("same header are alternatives", "different headers multiply")
        .contains("--coverage", "--top", "--validators", "--checkpoint");
  }
}
