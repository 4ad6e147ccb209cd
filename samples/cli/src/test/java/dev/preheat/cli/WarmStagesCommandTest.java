package dev.preheat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preheat.key.CohortCookie;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code preheat warm --stage ... --gate ...}: order, exit codes, reports, audit log. Two
 * MockWebServers stand for a shield and an edge (the real-cache version of these checks is
 * {@code StagedNginxTest} in preheat-http); each answers a warm request as a store and a
 * browser-like request as a HIT unless told to miss.
 */
class WarmStagesCommandTest {

  @StartStop private final MockWebServer shield = new MockWebServer();
  @StartStop private final MockWebServer edge = new MockWebServer();

  @TempDir Path tmp;

  final List<String> seen = Collections.synchronizedList(new ArrayList<>());
  volatile boolean shieldHits = true;

  record Result(int exit, String out, String err) {}

  @BeforeEach
  void servers() {
    shield.setDispatcher(dispatcher("shield"));
    edge.setDispatcher(dispatcher("edge"));
  }

  private Dispatcher dispatcher(String name) {
    return new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        boolean warm = request.getHeaders().get("X-Preheat") != null;
        seen.add(name + (warm ? " warm " : " verify ") + request.getTarget());
        boolean hit = !warm && (name.equals("edge") || shieldHits);
        return new MockResponse.Builder().addHeader("Cache-Control", "max-age=60")
            .addHeader("Cache-Status", hit ? "mock; hit" : "mock; fwd=uri-miss; stored")
            .body("body").build();
      }
    };
  }

  private static String base(MockWebServer s) {
    String url = s.url("/").toString();
    return url.substring(0, url.length() - 1);
  }

  private Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(args, new ByteArrayInputStream(new byte[0]), new PrintWriter(out),
        new PrintWriter(err));
    return new Result(exit, out.toString(), err.toString());
  }

  private Path urls(int n) throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      lines.add("/p" + i + "?flav=" + (i % 2 == 0 ? "rss20" : "atom"));
    }
    return Files.write(tmp.resolve("urls.txt"), lines);
  }

  private String[] args(String... extra) throws Exception {
    List<String> a = new ArrayList<>(List.of("warm", "--urls", urls(10).toString(),
        "--base-url", "http://www.site.test", "--variant", "Accept-Encoding: gzip",
        "--checkpoint", "none", "--rate", "unlimited",
        "--stage", "shield=" + base(shield) + ";concurrency=2",
        "--stage", "edge=" + base(edge) + ";rate=500/s"));
    a.addAll(List.of(extra));
    return a.toArray(String[]::new);
  }

  @Test
  void stagesRunInOrderAndTheReportShowsEachStageAndGate() throws Exception {
    Result r = run(args("--gate", "hit>=0.9,errors<=0.01"));

    assertThat(r.exit()).as(r.err()).isZero();
    int lastShield = -1;
    int firstEdge = Integer.MAX_VALUE;
    for (int i = 0; i < seen.size(); i++) {
      if (seen.get(i).startsWith("shield")) {
        lastShield = i;
      } else {
        firstEdge = Math.min(firstEdge, i);
      }
    }
    assertThat(lastShield).as("%s", seen).isLessThan(firstEdge);
    assertThat(seen).filteredOn(s -> s.startsWith("shield warm")).hasSize(10);
    assertThat(seen).filteredOn(s -> s.startsWith("edge warm")).hasSize(10);
    assertThat(r.out()).contains("stage 1 shield -> " + base(shield)
            + " (rate unlimited, concurrency 2, 10 targets): PASSED",
        "stage 2 edge -> " + base(edge) + " (rate 500/s, concurrency 8, 10 targets): PASSED",
        "gate (run 1): passed - hit ratio 100.0% of 1, error rate 0.0% -> proceed");
  }

  @Test
  void aFailedGateExitsWith3NamingTheStageAndTheEdgeIsNeverAsked() throws Exception {
    shieldHits = false;
    Path json = tmp.resolve("report.json");
    Result r = run(args("--gate", "hit>=90%", "--report", "json", "--report-file",
        json.toString()));

    assertThat(r.exit()).isEqualTo(3);
    assertThat(r.err()).contains("gate failed after stage 'shield': hit ratio 0.0% < 90.0%;"
        + " stages not run: edge. Exit 3.");
    assertThat(seen).isNotEmpty().allMatch(s -> s.startsWith("shield"));
    assertThat(edge.getRequestCount()).isZero();
    JsonNode report = new ObjectMapper().readTree(json.toFile());
    assertThat(report.get("schemaVersion").asInt()).isEqualTo(2);
    assertThat(report.get("stopReason").asString()).isEqualTo("gate failed after stage 'shield'");
    assertThat(report.at("/stages/0/status").asString()).isEqualTo("GATE_FAILED");
    assertThat(report.at("/stages/0/gateDecisions/0/action").asString()).isEqualTo("stop");
    assertThat(report.at("/stages/1/status").asString()).isEqualTo("NOT_RUN");
    assertThat(report.at("/totals/skipped/STAGE_NOT_RUN").asInt()).isEqualTo(10);
  }

  @Test
  void aRegionBudgetPausesTheRunAndTheNextRunTheSameDaySeesIt() throws Exception {
    Path ledger = tmp.resolve("budgets.json");
    String[] a = args("--budget-file", ledger.toString(), "--budget-pause-at", "0.5");
    // the edge gets a budget of 10 requests a day, pausing at 5
    a[a.length - 5] = "edge=" + base(edge) + ";requests-per-day=10;region=eu-west";
    Result first = run(a);
    assertThat(first.exit()).as(first.err()).isEqualTo(4);
    assertThat(first.err()).contains("stage 'edge': region 'eu-west' paused during the stage at"
        + " 50% of its daily budget: 5 of 10 requests used on");
    assertThat(first.out()).contains("budget of region eu-west on", "5/10 requests, pause at 50%"
        + " - PAUSED");
    assertThat(Files.readString(ledger)).contains("\"eu-west\"", "\"requests\" : 5");
    assertThat(edge.getRequestCount()).isEqualTo(5);

    Result second = run(a);
    assertThat(second.exit()).isEqualTo(4);
    assertThat(second.err()).contains("paused before the stage started");
    assertThat(edge.getRequestCount()).as("nothing more sent to the edge today").isEqualTo(5);
  }

  @Test
  void aStageCanWarmItsOwnVariants() throws Exception {
    List<String> accept = Collections.synchronizedList(new ArrayList<>());
    edge.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        if (request.getHeaders().get("X-Preheat") != null) {
          accept.add(request.getHeaders().get("Accept-Encoding"));
        }
        return new MockResponse.Builder().body("x").build();
      }
    });
    String[] a = args();
    a[a.length - 1] = "edge=" + base(edge) + ";variant=Accept-Encoding: br;variant=Accept-Encoding: zstd";
    Result r = run(a);
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(accept).hasSize(20).containsOnly("br", "zstd");
    assertThat(seen).filteredOn(s -> s.startsWith("shield warm")).hasSize(10);
  }

  @Test
  void rejectedEntriesAreShownWithQueryValuesHashed() throws Exception {
    Path list = Files.write(tmp.resolve("bad.txt"), List.of("/ok", "/bad path?token=s3cret"));
    Result r = run("warm", "--urls", list.toString(), "--base-url", base(edge), "--checkpoint",
        "none");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err()).contains("bad.txt:2: '/bad path?token=~").doesNotContain("s3cret");
  }

  @Test
  void stageSyntaxErrorsAreUsageErrors() throws Exception {
    Result r = run("warm", "--urls", urls(1).toString(), "--base-url", "http://x.test",
        "--stage", "edge=" + base(edge) + ";speed=3");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--stage edge: unknown setting 'speed'; known: connect-to,");
    r = run("warm", "--urls", urls(1).toString(), "--base-url", "http://x.test",
        "--stage", "edge=ftp://x");
    assertThat(r.err()).contains("--stage edge must be an absolute http(s) URL");
    r = run("warm", "--urls", urls(1).toString(), "--base-url", "http://x.test",
        "--stage", "edge=", "--gate", "hit>=2");
    assertThat(r.err()).contains("minHitRatio must be in 0..1 but was 2.0");
    r = run("warm", "--urls", urls(1).toString(), "--base-url", "http://x.test",
        "--gate", "hit>=0.9");
    assertThat(r.err()).contains("need at least one --stage");
  }

  @Test
  void theAuditLogHoldsCohortRequestsWithoutValues() throws Exception {
    CohortCookie cookie = CohortCookie.builder().name("ab")
        .key("a-cohort-signing-key-of-32-bytes!!".getBytes(StandardCharsets.UTF_8)).build();
    String signed = cookie.sign("beta", "www.site.test");
    Path audit = tmp.resolve("audit.jsonl");
    Result r = run(args("--cohort-cookie", "ab=" + signed, "--audit-log", audit.toString()));

    assertThat(r.exit()).as(r.err()).isZero();
    List<String> lines = Files.readAllLines(audit);
    assertThat(lines).hasSize(20);
    String text = String.join("\n", lines);
    assertThat(text).doesNotContain(signed, "rss20", "atom\"", "flav=atom", "X-Preheat");
    JsonNode first = new ObjectMapper().readTree(lines.get(0));
    assertThat(first.get("cohort").asString()).isEqualTo("beta");
    assertThat(first.get("variant").asString()).isEqualTo("gzip.beta");
    assertThat(first.get("url").asString()).matches(
        "http://(localhost|127\\.0\\.0\\.1):\\d+/p\\d\\?flav=~[0-9a-f]{8}");
    // rss20 and atom stay distinct; the same value hashes the same in both stages
    assertThat(lines.stream().map(l -> l.replaceAll(".*flav=(~[0-9a-f]{8}).*", "$1")).distinct())
        .hasSize(2);
  }
}
