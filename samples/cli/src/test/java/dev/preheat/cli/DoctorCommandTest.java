package dev.preheat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The {@code doctor} command's contract: output formats, exit codes and usage errors. The server
 * here imitates a cache keyed on the path and the raw {@code Accept-Encoding}; the diagnosis
 * against real nginx and Varnish is tested in the http module ({@code CacheDoctorTest}).
 */
class DoctorCommandTest {

  @StartStop private final MockWebServer server = new MockWebServer();

  /** Cache keys stored so far: path + raw Accept-Encoding (or path only when normalizing). */
  private final Set<String> stored = ConcurrentHashMap.newKeySet();

  private volatile boolean normalize;

  record Result(int exit, String out, String err) {}

  @BeforeEach
  void cache() {
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        String ae = request.getHeaders().get("Accept-Encoding");
        String key = request.getTarget() + (normalize ? "" : "|" + ae);
        boolean hit = !stored.add(key);
        MockResponse.Builder r = new MockResponse.Builder()
            .addHeader("Cache-Control", "max-age=300")
            .addHeader("Vary", "Accept-Encoding")
            .addHeader("ETag", "\"v1\"")
            .addHeader("X-Cache-Status", hit ? "HIT" : "MISS");
        if (request.getTarget().startsWith("/nostore")) {
          r.setHeader("Cache-Control", "no-store").setHeader("X-Cache-Status", "MISS");
          stored.remove(key);
        }
        return r.body("page").build();
      }
    });
  }

  private Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(args, new PrintWriter(out), new PrintWriter(err));
    return new Result(exit, out.toString(), err.toString());
  }

  @Test
  void healthyCacheExitsZero() {
    normalize = true;
    Result r = run("doctor", server.url("/a").toString());
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("warm-again", "warmer-chrome-firefox", "chrome-returning",
        "OK: the warmer and every browser share the cached copy", "verdict: nothing wrong");
  }

  @Test
  void warmingTheWrongEncodingExitsFiveWithTheFix() {
    Result r = run("doctor", "--variant", "Accept-Encoding: gzip", server.url("/b").toString());
    assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(Main.PROBLEM_FOUND);
    assertThat(r.out()).contains("PROBLEM variant-mismatch", "why:", "fix:",
        "--variant 'Accept-Encoding: gzip, deflate, br'", "(exit code 5)");
  }

  @Test
  void jsonListsFindingsAndProbes() throws Exception {
    Result r = run("doctor", "--output", "json", server.url("/c").toString(),
        server.url("/nostore").toString());
    assertThat(r.exit()).isEqualTo(Main.PROBLEM_FOUND);
    JsonNode json = new ObjectMapper().readTree(r.out());
    assertThat(json.get("problemFound").asBoolean()).isTrue();
    JsonNode first = json.get("urls").get(0);
    assertThat(first.get("url").asString()).endsWith("/c");
    assertThat(first.get("findings").get(0).get("code").asString()).isEqualTo("raw-vary-key");
    assertThat(first.get("probes")).hasSize(14);
    assertThat(first.get("probes").get(0).get("cacheStatus").asString()).isEqualTo("MISS");
    assertThat(first.get("probes").get(2).get("cacheStatus").asString()).isEqualTo("HIT");
    JsonNode second = json.get("urls").get(1);
    assertThat(second.get("worst").asString()).isEqualTo("PROBLEM");
    assertThat(second.get("findings").findValuesAsString("code")).contains("no-store");
  }

  @Test
  void unreachableUrlIsAProblemNotACrash() {
    int port = server.getPort();
    server.close();
    Result r = run("doctor", "--timeout", "5s", "http://127.0.0.1:" + port + "/");
    assertThat(r.exit()).isEqualTo(Main.PROBLEM_FOUND);
    assertThat(r.out()).contains("fetch-failed", "FAILED");
  }

  @Test
  void badUsageExitsTwo() {
    assertThat(run("doctor", "ftp://example.com/").exit()).isEqualTo(Main.USAGE);
    assertThat(run("doctor", "--output", "xml", server.url("/").toString()).exit())
        .isEqualTo(Main.USAGE);
    assertThat(run("doctor", "--variant", "Cookie: a=b", server.url("/").toString()).exit())
        .isEqualTo(Main.USAGE);
    assertThat(run("doctor").exit()).isEqualTo(Main.USAGE);
  }
}
