package dev.preheat.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadStatsTest {

  @TempDir Path dir;

  @Test
  void mergeAddsCountsAndKeepsSamplesInOrderUpToTheLimit() throws IOException {
    LogReader reader = LogFixtures.reader(LogFormat.combined()).maxMalformedSamples(2).build();
    ReadStats a = reader.read(List.of(LogFixtures.write(dir, "a.log", "x\ny\nz\n")), r -> { });
    ReadStats b = reader.read(List.of(LogFixtures.write(dir, "b.log", "q\n")), r -> { });

    ReadStats merged = a.merge(b);

    assertThat(merged.files()).isEqualTo(2);
    assertThat(merged.lines()).isEqualTo(4);
    assertThat(merged.malformedLines()).isEqualTo(4);
    assertThat(merged.bytesRead()).isEqualTo(8);
    assertThat(merged.elapsed()).isEqualTo(a.elapsed().plus(b.elapsed()));
    assertThat(merged.samples()).extracting(MalformedLine::excerpt).containsExactly("x", "y");
    assertThat(ReadStats.empty().merge(b).samples()).extracting(MalformedLine::excerpt)
        .containsExactly("q");
    assertThat(ReadStats.empty().elapsed()).isEqualTo(Duration.ZERO);
  }

  @Test
  void sampleIsReadableAsCompilerStyleMessage() {
    MalformedLine m = new MalformedLine("/var/log/a.log", 12, "invalid time", "1.2.3.4 - -");

    assertThat(m).hasToString("/var/log/a.log:12: invalid time: 1.2.3.4 - -");
  }
}
