package dev.preheat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preheat.report.StageReport;
import dev.preheat.warm.Outcome;
import dev.preheat.warm.Stage;
import dev.preheat.warm.TargetResult;
import dev.preheat.warm.WarmPlan;
import dev.preheat.warm.WarmTarget;
import dev.preheat.warm.WarmVariant;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class WarmProgressTest {

  static final WarmTarget TARGET = new WarmTarget(new WarmPlan.Entry(URI.create(
      "http://site.test/a"), 1, "t", 0), WarmVariant.defaultVariant());

  static TargetResult warmed() {
    return new TargetResult(TARGET, Outcome.WARMED, null, null, 200, 1,
        dev.preheat.status.CacheStatus.unknown());
  }

  @Test
  void anUnstagedRunCountsAgainstThePlan() {
    try (WarmProgress p = new WarmProgress(new PrintWriter(new StringWriter()), 4, 0)) {
      p.targetFinished(warmed());
      assertThat(p.line(1)).startsWith("warm 1/4 (25%)  1.0/s  ETA 3s");
    }
  }

  @Test
  void aStagedRunShowsTheCurrentStageAgainstItsOwnTotalAndTheLastGate() {
    Stage shield = Stage.builder("shield").build();
    Stage edge = Stage.builder("edge").build();
    try (WarmProgress p = new WarmProgress(new PrintWriter(new StringWriter()), 10, 3)) {
      assertThat(p.line(0.5)).startsWith("stage -/3  warm 0/0");
      p.stageStarted(shield, 1, 10);
      for (int i = 0; i < 10; i++) {
        p.targetFinished(warmed());
      }
      assertThat(p.line(2)).startsWith("stage shield 1/3  warm 10/10 (100%)");
      p.stageStarted(edge, 1, 3);
      p.targetFinished(warmed());
      assertThat(p.line(3)).startsWith("stage edge 2/3  warm 1/3 (33%)");
      p.gateDecided(edge, new StageReport.GateDecision(1, Instant.EPOCH, false, 1, 0, 0, null,
          List.of("hit ratio 0.0% < 90.0%"), "retry in 30 s"));
      p.stageStarted(edge, 2, 3);
      assertThat(p.line(40)).startsWith("stage edge 2/3 (attempt 2)  warm 0/3 (0%)")
          .endsWith("gate edge: failed, retry in 30 s");
    }
  }
}
