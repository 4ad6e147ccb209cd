package dev.preheat.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.preheat.warm.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

class StoresTest {

  @TempDir Path dir;

  @Test
  void fileValidatorStoreRoundTripsAndWritesAtomically() throws Exception {
    Path file = dir.resolve("sub/validators.json");
    ValidatorStore store = ValidatorStore.file(file);
    store.put("default https://h.test/a", Validators.of("\"e1\"", null));
    store.put("https://h.test/private", Validators.uncacheable("Cache-Control: private"));
    store.close();
    try (var files = Files.list(file.getParent())) {
      assertThat(files).as("no temp file left behind").containsExactly(file);
    }
    ValidatorStore reopened = ValidatorStore.file(file);
    assertThat(reopened.get("default https://h.test/a")).isEqualTo(Validators.of("\"e1\"", null));
    assertThat(reopened.get("https://h.test/private").isUncacheable()).isTrue();
    assertThat(reopened.get("missing")).isNull();
  }

  @Test
  void aForeignFileIsRejectedWithAClearMessage() throws Exception {
    Path file = dir.resolve("v.json");
    Files.writeString(file, "{\"something\":\"else\"}");
    assertThatThrownBy(() -> ValidatorStore.file(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("not a preheat validator file");
    Files.writeString(file, "{broken");
    assertThatThrownBy(() -> ValidatorStore.file(file))
        .hasMessageContaining("is not valid JSON").hasMessageContaining("delete it");
  }

  @Test
  void inMemoryValidatorStoreIsBounded() {
    assertThatThrownBy(() -> ValidatorStore.inMemory(0))
        .hasMessage("maxEntries must be > 0 but was 0");
    ValidatorStore store = ValidatorStore.inMemory(10);
    for (int i = 0; i < 1000; i++) {
      store.put("k" + i, Validators.of("e" + i, null));
    }
    long kept = java.util.stream.IntStream.range(0, 1000)
        .filter(i -> store.get("k" + i) != null).count();
    // Caffeine evicts asynchronously; allow its small slack but never unbounded growth.
    assertThat(kept).isLessThan(1000);
  }

  @Test
  void checkpointFileToleratesATornLastLineAndKeepsAppending() throws Exception {
    Path file = dir.resolve("cp.jsonl");
    try (CheckpointStore s = CheckpointStore.file(file)) {
      s.record("plan1", "default http://h/a", Outcome.WARMED);
      s.record("plan2", "default http://h/b", Outcome.WARMED);
    }
    Files.writeString(file, "{\"plan\":\"plan1\",\"key\":\"default http://h/c",
        java.nio.file.StandardOpenOption.APPEND);
    try (CheckpointStore s = CheckpointStore.file(file)) {
      assertThat(s.finished("plan1")).containsExactly("default http://h/a");
      s.record("plan1", "default http://h/d", Outcome.REVALIDATED);
    }
    try (CheckpointStore s = CheckpointStore.file(file)) {
      assertThat(s.finished("plan1")).containsExactlyInAnyOrder("default http://h/a",
          "default http://h/d");
      assertThat(s.finished("plan2")).containsExactly("default http://h/b");
      assertThat(s.finished("other")).isEmpty();
    }
  }

  @Test
  void checkpointKeysWithQuotesBackslashesControlAndNonAsciiCharactersSurviveReopening()
      throws Exception {
    Path file = dir.resolve("cp-escapes.jsonl");
    String odd = "default http://h/a?q=\"x\"&b=\\y\tz\u0001-\u00e9\u4e2d\ud83d\ude00";
    try (CheckpointStore s = CheckpointStore.file(file)) {
      s.record("plan1", odd, Outcome.WARMED);
      s.record("plan1", "default http://h/plain", Outcome.REVALIDATED);
    }
    java.util.List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(2);
    // every line is valid JSON whose key reads back as written
    assertThat(new tools.jackson.databind.ObjectMapper().readTree(lines.get(0))
        .get("key").asString()).isEqualTo(odd);
    try (CheckpointStore s = CheckpointStore.file(file)) {
      assertThat(s.finished("plan1")).containsExactlyInAnyOrder(odd, "default http://h/plain");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"file", "memory"})
  void clearingAPlanKeepsTheOthersAndSurvivesReopening(String kind) throws Exception {
    Path file = dir.resolve("cp-" + kind + ".jsonl");
    CheckpointStore s = kind.equals("file") ? CheckpointStore.file(file) : CheckpointStore.inMemory();
    s.record("plan1", "default http://h/a", Outcome.WARMED);
    s.record("plan2", "default http://h/b", Outcome.WARMED);
    s.clear("plan1");
    s.clear("never-recorded");
    assertThat(s.finished("plan1")).isEmpty();
    assertThat(s.finished("plan2")).containsExactly("default http://h/b");
    s.record("plan1", "default http://h/c", Outcome.WARMED);
    s.close();
    if (kind.equals("file")) {
      try (CheckpointStore reopened = CheckpointStore.file(file)) {
        assertThat(reopened.finished("plan1")).containsExactly("default http://h/c");
        assertThat(reopened.finished("plan2")).containsExactly("default http://h/b");
      }
      assertThat(dir.resolve("cp-file.jsonl.tmp")).doesNotExist();
    }
  }

  @Test
  void noneRecordsNothing() {
    CheckpointStore.NONE.record("p", "k", Outcome.WARMED);
    assertThat(CheckpointStore.NONE.finished("p")).isEmpty();
  }
}
