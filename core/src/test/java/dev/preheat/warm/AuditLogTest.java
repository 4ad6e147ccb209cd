package dev.preheat.warm;

import static dev.preheat.warm.FakeTransport.Reply.status;
import static org.assertj.core.api.Assertions.assertThat;

import dev.preheat.key.CohortCookie;
import dev.preheat.report.AuditLog;
import dev.preheat.report.WarmReport;
import dev.preheat.testing.FakeTime;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** The audit log of cohort-cookie warm requests, read back as an auditor would. */
@org.junit.jupiter.api.Timeout(20)
class AuditLogTest {

  static final byte[] COOKIE_KEY = "cohort-signing-key-0123456789abcdef"
      .getBytes(StandardCharsets.UTF_8);
  static final byte[] AUDIT_KEY = "audit-query-key-0123456789"
      .getBytes(StandardCharsets.UTF_8);

  final FakeTime time = new FakeTime();
  final FakeTransport transport = new FakeTransport(time);

  @TempDir Path tmp;

  @Test
  void requestsWithACohortCookieAreAuditedWithoutValuesSignaturesOrOtherCookies() throws Exception {
    CohortCookie cookie = CohortCookie.builder().name("ab").key(COOKIE_KEY).clock(time.clock())
        .build();
    String signed = cookie.sign("beta", "shop.test");
    WarmPlan plan = WarmPlan.builder().baseUrl(java.net.URI.create("http://shop.test"))
        .entry("/feed?flav=rss20&session=s3cr3t-token", 3, "t")
        .entry("/feed?flav=atom", 2, "t")
        .entry("/gone", 1, "t")
        .variant(WarmVariant.of("beta", "Cookie", "sid=user-session-42; ab=" + signed,
            "Accept-Encoding", "br"))
        .variant(WarmVariant.of("plain", "Accept-Encoding", "br"))
        .build();
    transport.on("/gone", status(404));
    Path file = tmp.resolve("audit/audit.jsonl");
    WarmReport report;
    try (AuditLog audit = AuditLog.builder(file).cohortCookie("ab").queryValueKey(AUDIT_KEY)
        .clock(time.clock()).build()) {
      Warmer warmer = Warmer.builder().transport(transport).scheduler(time).random(new Random(1))
          .cohortCookie("ab").listener(audit).build();
      WarmRun run = warmer.start(plan);
      time.runUntilIdle(Duration.ofMinutes(5));
      report = run.completion().join();
    }
    assertThat(report.totals().targets()).isEqualTo(6);

    String text = Files.readString(file);
    List<JsonNode> lines = new ArrayList<>();
    for (String line : text.split("\n")) {
      lines.add(new ObjectMapper().readTree(line));
    }
    // Only the three "beta" targets carry the cohort cookie; "plain" ones are not audited.
    assertThat(lines).hasSize(3).allSatisfy(n -> {
      assertThat(n.path("cookie").asString()).isEqualTo("ab");
      assertThat(n.path("cohort").asString()).isEqualTo("beta");
      assertThat(n.path("variant").asString()).isEqualTo("beta");
      assertThat(n.path("time").asString()).startsWith("2025-01-01T00:00:00");
    });
    assertThat(lines).extracting(n -> n.path("outcome").asString())
        .containsExactlyInAnyOrder("WARMED", "WARMED", "FAILED");
    assertThat(lines).filteredOn(n -> n.path("url").asString().endsWith("/gone")).singleElement()
        .satisfies(n -> assertThat(n.path("status").asInt()).isEqualTo(404));

    // Nothing that should not be there: query values, the cookie value or its MAC, other cookies.
    assertThat(text).doesNotContain("s3cr3t-token", "rss20", "atom\"", "flav=atom", signed,
        signed.substring(signed.lastIndexOf('.') + 1), "user-session-42", "sid", "br\"");
    List<String> urls = lines.stream().map(n -> n.path("url").asString()).toList();
    assertThat(urls).allSatisfy(u -> assertThat(u).doesNotContain("***"));
    String rss = urls.stream().filter(u -> u.contains("session=")).findFirst().orElseThrow();
    String atom = urls.stream().filter(u -> u.startsWith("http://shop.test/feed?flav=")
        && !u.contains("session=")).findFirst().orElseThrow();
    assertThat(rss).matches("http://shop\\.test/feed\\?flav=~[0-9a-f]{8}&session=~[0-9a-f]{8}");
    assertThat(atom.substring(0, atom.length())).as("rss20 and atom stay distinguishable")
        .isNotEqualTo(rss.substring(0, rss.indexOf('&')));

    // An auditor holding the key can confirm which URL was warmed, run after run.
    try (AuditLog again = AuditLog.builder(tmp.resolve("b.jsonl")).cohortCookie("ab")
        .queryValueKey(AUDIT_KEY).clock(time.clock()).build()) {
      again.targetFinished(new TargetResult(new WarmTarget(plan.entries().get(1),
          plan.variants().get(0)), Outcome.WARMED, null, null, 200, 1,
          dev.preheat.status.CacheStatus.unknown()));
    }
    String second = Files.readString(tmp.resolve("b.jsonl"));
    assertThat(second).contains("\"url\":\"" + atom + "\"");
  }

  @Test
  void withAVerifierOnlyValidCohortsAreNamed() throws Exception {
    CohortCookie cookie = CohortCookie.builder().name("ab").key(COOKIE_KEY).clock(time.clock())
        .build();
    CohortCookie forger = CohortCookie.builder().name("ab")
        .key("another-key-that-is-long-enough-0123456789".getBytes(StandardCharsets.UTF_8))
        .clock(time.clock()).build();
    WarmPlan plan = WarmPlan.builder().baseUrl(java.net.URI.create("http://shop.test"))
        .entry("/a", 1, "t")
        .variant(WarmVariant.of("good", "Cookie", "ab=" + cookie.sign("gold", "shop.test")))
        .variant(WarmVariant.of("forged", "Cookie", "ab=" + forger.sign("admin", "shop.test")))
        .variant(WarmVariant.of("junk", "Cookie", "ab=not-a-signed-value"))
        .build();
    Path file = tmp.resolve("audit.jsonl");
    try (AuditLog audit = AuditLog.builder(file).cohortCookie("ab").verifier(cookie)
        .clock(time.clock()).build()) {
      WarmRun run = Warmer.builder().transport(transport).scheduler(time).cohortCookie("ab")
          .listener(audit).build().start(plan);
      time.runUntilIdle(Duration.ofMinutes(5));
      run.completion().join();
    }
    String text = Files.readString(file);
    assertThat(text).contains("\"variant\":\"good\",\"cookie\":\"ab\",\"cohort\":\"gold\"")
        .contains("\"variant\":\"forged\",\"cookie\":\"ab\",\"cohort\":\"invalid:BAD_SIGNATURE\"")
        .contains("\"variant\":\"junk\",\"cookie\":\"ab\",\"cohort\":\"invalid:MALFORMED\"")
        .doesNotContain("admin", "not-a-signed-value");
  }
}
