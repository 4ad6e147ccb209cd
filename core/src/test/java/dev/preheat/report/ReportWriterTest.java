package dev.preheat.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preheat.warm.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

class ReportWriterTest {

  static final ObjectMapper MAPPER = new ObjectMapper();

  static WarmReport report() {
    HostFigures f = new HostFigures(3, Map.of(Outcome.WARMED, 2L, Outcome.FAILED, 1L), Map.of(),
        Map.of(), 5, 1, 4, 1234, 2, 1, Map.of("retryAfter", 1L),
        new LatencySummary(5, 1.5, 9.0, 9.9, 10.0), LatencySummary.EMPTY);
    return new WarmReport(WarmReport.SCHEMA_VERSION, "a".repeat(64),
        Instant.parse("2025-01-01T00:00:00Z"), Duration.ofMillis(1500), null, f,
        Map.of("h.test", f), new WarmReport.Slo(0.95, Duration.ofMinutes(15), 2.0 / 3, false),
        new WarmReport.Verification(2, 1, 0.5, List.of("default http://h.test/a (HTTP 200, MISS)")),
        List.of("Retry-After of 600 s from h.test clamped to 300 s (maxRetryAfter)"),
        List.of(new WarmReport.Problem("default http://h.test/b?x=***", "FAILED", "HTTP 500")));
  }

  @Test
  void jsonHasEveryFieldTheSchemaRequiresAndNoOther() throws Exception {
    JsonNode json = MAPPER.readTree(ReportWriter.json().write(report()));
    JsonNode schema = MAPPER.readTree(
        Files.readString(Path.of("..", "docs", "schema", "warm-report.schema.json")));
    assertThat(fields(json)).containsExactlyInAnyOrderElementsOf(strings(schema.get("required")));
    JsonNode figures = schema.at("/$defs/figures");
    assertThat(fields(json.get("totals")))
        .containsExactlyInAnyOrderElementsOf(strings(figures.get("required")));
    assertThat(fields(json.at("/totals/outcomes")))
        .containsExactlyInAnyOrderElementsOf(strings(figures.at("/properties/outcomes/required")));
    assertThat(fields(json.at("/totals/skipped")))
        .containsExactlyInAnyOrderElementsOf(strings(figures.at("/properties/skipped/required")));
    assertThat(fields(json.get("slo")))
        .containsExactlyInAnyOrderElementsOf(strings(schema.at("/properties/slo/required")));
    assertThat(json.get("schemaVersion").asInt()).isEqualTo(schema.at("/properties/schemaVersion/const").asInt());
    assertThat(json.at("/totals/outcomes/WARMED").asLong()).isEqualTo(2);
    assertThat(json.at("/hosts/h.test/timeToFirstByte/p95Millis").asDouble()).isEqualTo(9.0);
    assertThat(json.get("stopReason").isNull()).isTrue();
    assertThat(json.at("/verification/misses/0").asString()).contains("MISS");
  }

  static WarmReport stagedReport() {
    WarmReport inner = report();
    StageReport shield = new StageReport("shield", "shield", "http://shield.test",
        "10.0.0.7:443", 20.0, 4, List.of("gzip"), 3, StageReport.Status.GATE_FAILED,
        "hit ratio 50.0% < 90.0%", 2, inner,
        List.of(new StageReport.GateDecision(1, Instant.parse("2025-01-01T00:00:01Z"), false, 2,
                0.5, 0.0, null, List.of("hit ratio 50.0% < 90.0%"), "retry in 30 s"),
            new StageReport.GateDecision(2, Instant.parse("2025-01-01T00:00:40Z"), false, 2,
                0.5, 0.0, null, List.of("hit ratio 50.0% < 90.0%"), "stop")),
        null, new StageReport.Budget("2025-01-01", 1000, 0, 0.85, 10, 0, 20, 1234, false));
    StageReport canary = new StageReport("canary", "eu", null, null, null, 8, List.of("gzip"), 1,
        StageReport.Status.NOT_RUN, "gate failed after stage 'shield'", 0, null, List.of(),
        new StageReport.Canary(1, 0, null, 0, 0, null), null);
    return new WarmReport(WarmReport.SCHEMA_VERSION, inner.planHash(), inner.startedAt(),
        inner.elapsed(), "gate failed after stage 'shield'", inner.totals(), inner.hosts(),
        inner.slo(), inner.verification(), inner.clamps(), inner.problems(),
        List.of(shield, canary));
  }

  @Test
  void stagesInJsonHaveEveryFieldTheSchemaRequiresAndNoOther() throws Exception {
    JsonNode json = MAPPER.readTree(ReportWriter.json().write(stagedReport()));
    JsonNode schema = MAPPER.readTree(
        Files.readString(Path.of("..", "docs", "schema", "warm-report.schema.json")));
    JsonNode stage = schema.at("/$defs/stage");
    for (JsonNode s : json.get("stages")) {
      assertThat(fields(s)).containsExactlyInAnyOrderElementsOf(strings(stage.get("required")));
    }
    JsonNode shield = json.at("/stages/0");
    assertThat(fields(shield.at("/gateDecisions/0"))).containsExactlyInAnyOrderElementsOf(
        strings(stage.at("/properties/gateDecisions/items/required")));
    assertThat(fields(shield.get("budget"))).containsExactlyInAnyOrderElementsOf(
        strings(stage.at("/properties/budget/required")));
    assertThat(fields(json.at("/stages/1/canary"))).containsExactlyInAnyOrderElementsOf(
        strings(stage.at("/properties/canary/required")));
    assertThat(fields(shield.get("report"))).as("a stage's report is a whole report")
        .containsExactlyInAnyOrderElementsOf(strings(schema.get("required")));
    assertThat(shield.at("/gateDecisions/1/action").asString()).isEqualTo("stop");
    assertThat(json.at("/stages/1/report").isNull()).isTrue();
    assertThat(json.at("/stages/1/rate").isNull()).isTrue();
    List<String> statuses = strings(stage.at("/properties/status/enum"));
    for (StageReport.Status st : StageReport.Status.values()) {
      assertThat(statuses).contains(st.name());
    }
  }

  @Test
  void textListsEachStageAndGateDecision() {
    String text = ReportWriter.text().write(stagedReport());
    assertThat(text).contains("(stopped: gate failed after stage 'shield')",
        "stage 1 shield -> http://shield.test (connect-to 10.0.0.7:443, rate 20/s, concurrency 4,"
            + " 3 targets): GATE_FAILED after 2 runs - hit ratio 50.0% < 90.0%",
        "gate (run 1): FAILED - hit ratio 50.0% of 2, error rate 0.0% (hit ratio 50.0% < 90.0%)"
            + " -> retry in 30 s",
        "budget of region shield on 2025-01-01: 20/1000 requests, pause at 85%",
        "stage 2 canary (rate unlimited, concurrency 8, region eu, 1 targets): NOT_RUN - gate"
            + " failed after stage 'shield'");
    assertThat(text).doesNotContain("canary: hottest");
  }

  @Test
  void textSummarizesOutcomesSloAndProblems() {
    String text = ReportWriter.text().write(report());
    assertThat(text).contains("3 targets in 1.5 s", "warmed 2, failed 1", "SLO:      MISSED",
        "verify:   1/2 HIT (50.0%)", "FAILED default http://h.test/b?x=***: HTTP 500",
        "clamp: Retry-After of 600 s");
  }

  @Test
  void figuresListEveryOutcomeSoCountsAddUp() {
    HostFigures f = report().totals();
    assertThat(f.outcomes()).containsOnlyKeys(Outcome.values());
    assertThat(f.outcomeSum()).isEqualTo(f.targets());
  }

  private static List<String> fields(JsonNode node) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = node.propertyNames().iterator(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asString()));
    return out;
  }
}
