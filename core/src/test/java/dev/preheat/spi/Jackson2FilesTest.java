package dev.preheat.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preheat.warm.Outcome;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * State files written by the Jackson 2 versions of Preheat (the files under {@code
 * src/test/resources/jackson2/} were written by those versions' file stores, with the data
 * below) are read by the Jackson 3 versions, and the same data is written byte for byte the same.
 */
class Jackson2FilesTest {

  static final String URL_A = "default https://h.test/a?q=1&r=\u00e9";
  static final String URL_PRIVATE = "https://h.test/private";
  static final String URL_ODD = "mobile https://h.test/\u2028x\"y";
  static final String KEY_1 = "default https://h.test/a";
  static final String KEY_2 = "mobile https://h.test/\u00e9\"q";
  static final LocalDate DAY_1 = LocalDate.parse("2026-11-23");
  static final LocalDate DAY_2 = LocalDate.parse("2026-11-24");

  @TempDir Path dir;

  @Test
  void validatorFilesOfJackson2AreReadAndWrittenTheSame() throws IOException {
    Path old = copy("validators.json");
    ValidatorStore store = ValidatorStore.file(old);
    assertThat(store.get(URL_A))
        .isEqualTo(Validators.of("W/\"e1\"", "Tue, 24 Nov 2026 03:00:00 GMT"));
    assertThat(store.get(URL_PRIVATE))
        .isEqualTo(Validators.uncacheable("Cache-Control: private"));
    assertThat(store.get(URL_ODD)).isEqualTo(Validators.of("\"e2\"", null));
    store.close();

    Path fresh = dir.resolve("new/validators.json");
    ValidatorStore written = ValidatorStore.file(fresh);
    written.put(URL_A, Validators.of("W/\"e1\"", "Tue, 24 Nov 2026 03:00:00 GMT"));
    written.put(URL_PRIVATE, Validators.uncacheable("Cache-Control: private"));
    written.put(URL_ODD, Validators.of("\"e2\"", null));
    written.close();
    assertThat(Files.readAllBytes(fresh)).isEqualTo(resource("validators.json"));
  }

  @Test
  void checkpointFilesOfJackson2AreReadAndWrittenTheSame() throws Exception {
    Path old = copy("checkpoints.jsonl");
    try (CheckpointStore store = CheckpointStore.file(old)) {
      assertThat(store.finished("plan1")).containsExactly(KEY_1);
      assertThat(store.finished("plan2")).containsExactly(KEY_2);
    }

    Path fresh = dir.resolve("new/checkpoints.jsonl");
    Files.createDirectories(fresh.getParent());
    try (CheckpointStore written = CheckpointStore.file(fresh)) {
      written.record("plan1", KEY_1, Outcome.WARMED);
      written.record("plan2", KEY_2, Outcome.REVALIDATED);
    }
    assertThat(Files.readAllBytes(fresh)).isEqualTo(resource("checkpoints.jsonl"));
  }

  @Test
  void budgetLedgersOfJackson2AreReadAndWrittenTheSame() throws Exception {
    Path old = copy("budget.json");
    BudgetLedger ledger = BudgetLedger.file(old);
    assertThat(ledger.used("eu-west", DAY_1))
        .isEqualTo(new BudgetLedger.Usage(120, 4_000_000_000L));
    assertThat(ledger.used("us-east", DAY_2)).isEqualTo(new BudgetLedger.Usage(3, 2048));
    ledger.close();

    Path fresh = dir.resolve("new/budget.json");
    BudgetLedger written = BudgetLedger.file(fresh);
    written.add("eu-west", DAY_1, 120, 4_000_000_000L);
    written.add("us-east", DAY_2, 3, 2048);
    written.close();
    assertThat(Files.readAllBytes(fresh)).isEqualTo(resource("budget.json"));
  }

  private Path copy(String name) throws IOException {
    Path p = dir.resolve("old/" + name);
    Files.createDirectories(p.getParent());
    Files.write(p, resource(name));
    return p;
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = Jackson2FilesTest.class.getResourceAsStream("/jackson2/" + name)) {
      assertThat(in).as(name).isNotNull();
      return in.readAllBytes();
    }
  }
}
