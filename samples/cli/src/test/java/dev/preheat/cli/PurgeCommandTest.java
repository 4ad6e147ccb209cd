package dev.preheat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code preheat purge} against a recording server that plays both the purge endpoint (nginx's
 * PURGE shape) and the site: purges happen first, then the re-warm GETs.
 */
@org.junit.jupiter.api.Timeout(60)
class PurgeCommandTest {

  @StartStop private final MockWebServer server = new MockWebServer();

  private final List<String> seen = new CopyOnWriteArrayList<>();

  record Result(int exit, String out, String err) {}

  @BeforeEach
  void site() {
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        seen.add(request.getMethod() + " " + request.getTarget());
        if (request.getTarget().startsWith("/bad")) {
          return new MockResponse.Builder().code(403).body("<h1>403 Forbidden</h1>").build();
        }
        return new MockResponse.Builder().addHeader("Cache-Control", "max-age=60").body("ok")
            .build();
      }
    });
  }

  Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(args, new ByteArrayInputStream(new byte[0]), new PrintWriter(out),
        new PrintWriter(err));
    return new Result(exit, out.toString(), err.toString());
  }

  @Test
  void purgesEveryUrlThenReWarmsItWithEachVariant() {
    String nginx = "nginx=" + server.url("/") + ";name=edge";
    Result r = run("purge", "--purger", nginx, "--url", server.url("/a").toString(),
        "--url", server.url("/b?x=1").toString(), "--variant", "Accept-Encoding: gzip");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(seen.subList(0, 2)).containsExactlyInAnyOrder("PURGE /a", "PURGE /b?x=1");
    assertThat(seen.subList(2, seen.size())).containsExactlyInAnyOrder("GET /a", "GET /b?x=1");
    assertThat(r.out()).contains("purge edge: 2 purged, 0 failed")
        .contains("re-warm: 2 of 2 URLs purged and re-warmed");
  }

  @Test
  void aUrlThatWasNotPurgedIsNotReWarmedAndExitsThree() {
    Result r = run("purge", "--purger", "nginx=" + server.url("/"), "--url",
        server.url("/bad?token=secret").toString(), "--url", server.url("/good").toString(),
        "--tag", "t1");

    assertThat(r.exit()).isEqualTo(3);
    assertThat(seen).doesNotContain("GET /bad?token=secret").contains("GET /good");
    assertThat(r.out()).contains("1 purged, 1 failed, 1 unsupported")
        .containsPattern("FAILED  url " + java.util.regex.Pattern.quote(
            server.url("/bad").toString()) + "\\?token=~[0-9a-f]{8}  HTTP 403: 403 Forbidden")
        .doesNotContain("secret")
        .contains("UNSUPPORTED  tag t1")
        .contains("re-warm: 1 of 2 URLs purged and re-warmed, 1 not");
  }

  @Test
  void purgeOnlySendsNoGet() {
    Result r = run("purge", "--no-rewarm", "--purger", "varnish=" + server.url("/"), "--url",
        server.url("/a").toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(seen).containsExactly("PURGE /a");
  }

  @Test
  void aMissingTokenOrBadSpecIsAUsageError() {
    PurgeCommandTest t = this;
    Result r = t.run("purge", "--purger", "fastly=SVC;token-env=PREHEAT_TEST_NO_SUCH_VAR",
        "--url", "https://www.example.com/a");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("PREHEAT_TEST_NO_SUCH_VAR, which is not set");

    r = run("purge", "--purger", "squid=http://x", "--url", "https://www.example.com/a");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("unknown kind 'squid'");

    r = run("purge", "--purger", "varnish=http://127.0.0.1:1", "--url", "/relative");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("absolute http(s) URL");
  }
}
