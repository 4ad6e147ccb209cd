package dev.preheat.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preheat.http.testing.TestOrigin;
import dev.preheat.report.WarmReport;
import dev.preheat.spi.CheckpointStore;
import dev.preheat.warm.Outcome;
import dev.preheat.warm.SkipReason;
import dev.preheat.warm.WarmPlan;
import dev.preheat.warm.WarmTarget;
import dev.preheat.warm.Warmer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A warm process killed with {@code SIGKILL} mid-run resumes from its checkpoint file: the
 * restarted run of the same plan requests none of the checkpointed targets again (counted at the
 * origin) and its report accounts for every target.
 */
class ResumeAfterKillTest {

  private static final int URLS = 300;
  /** Lines in the checkpoint file after which the child is killed: well into the run. */
  private static final int KILL_AFTER_LINES = 40;
  /** Slows the origin so the child is still warming when it is killed. */
  private static final Duration ORIGIN_DELAY = Duration.ofMillis(20);
  /** JVM start-up on a slow, busy machine included. */
  private static final Duration CHILD_PROGRESS_TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path tmp;
  private TestOrigin origin;
  private Process child;

  @BeforeEach
  void startOrigin() {
    origin = TestOrigin.start();
    origin.delay(ORIGIN_DELAY);
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (child != null && child.isAlive()) {
      child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    origin.close();
  }

  @Test
  void aRestartAfterKillDoesNotRequestCheckpointedTargetsAgain() throws Exception {
    Path checkpointFile = tmp.resolve("checkpoints.jsonl");
    Path childLog = tmp.resolve("child.log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        ResumeChild.class.getName(), String.valueOf(origin.port()), checkpointFile.toString(),
        String.valueOf(URLS))
        .redirectErrorStream(true).redirectOutput(childLog.toFile()).start();

    waitForCheckpointLines(checkpointFile, childLog);
    child.destroyForcibly();
    assertThat(child.waitFor(10, TimeUnit.SECONDS)).as("child exits after SIGKILL").isTrue();

    WarmPlan plan = ResumeChild.plan(origin.port(), URLS);
    Set<String> checkpointed;
    try (CheckpointStore store = CheckpointStore.file(checkpointFile)) {
      checkpointed = store.finished(plan.hash());
    }
    Map<String, Integer> hitsAtKill = origin.hitsByPath();
    assertThat(checkpointed).as("killed mid-run").hasSizeBetween(KILL_AFTER_LINES, URLS - 1);

    WarmReport report;
    origin.delay(Duration.ZERO);
    try (OkHttpTransport transport = OkHttpTransport.create();
        CheckpointStore store = CheckpointStore.file(checkpointFile)) {
      Warmer warmer = Warmer.builder().transport(transport).noRateLimit()
          .concurrency(ResumeChild.CONCURRENCY).checkpoints(store).build();
      report = warmer.start(plan).await(Duration.ofSeconds(60));
    }

    System.out.printf("ResumeAfterKillTest: %d of %d targets checkpointed before the kill, %d"
        + " requested by the killed run%n", checkpointed.size(), URLS, hitsAtKill.size());
    WarmThroughCacheContract.assertAccountingHolds(report, plan);
    assertThat(report.totals().skipped().get(SkipReason.CHECKPOINTED))
        .isEqualTo(checkpointed.size());
    assertThat(report.totals().count(Outcome.WARMED))
        .isEqualTo(URLS - checkpointed.size());
    List<WarmTarget> targets = plan.targets();
    for (WarmTarget target : targets) {
      String path = target.entry().url().getPath();
      if (checkpointed.contains(target.key())) {
        assertThat(origin.hits(path)).as("%s was checkpointed: requested by the killed run only",
            path).isEqualTo(1);
      } else {
        // At most once by the killed run (it may have been in flight) and once by the restart.
        // Not compared with the snapshot: a request the child sent just before the kill can
        // reach the origin's handler after the snapshot was taken.
        assertThat(origin.hits(path)).as("%s was not checkpointed: requested by the restart",
            path).isBetween(1, 2);
      }
    }
  }

  private void waitForCheckpointLines(Path file, Path childLog) throws Exception {
    Instant deadline = Instant.now().plus(CHILD_PROGRESS_TIMEOUT);
    while (lines(file) < KILL_AFTER_LINES) {
      if (!child.isAlive()) {
        throw new AssertionError("the warm child exited with " + child.exitValue()
            + " before the test killed it:\n" + Files.readString(childLog));
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("the warm child wrote fewer than " + KILL_AFTER_LINES
            + " checkpoint lines within " + CHILD_PROGRESS_TIMEOUT + ":\n"
            + Files.readString(childLog));
      }
      // Polling the file is the only signal of the child's progress.
      child.waitFor(5, TimeUnit.MILLISECONDS);
    }
  }

  private static long lines(Path file) throws IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    try (var stream = Files.lines(file)) {
      return stream.collect(Collectors.counting());
    }
  }
}
