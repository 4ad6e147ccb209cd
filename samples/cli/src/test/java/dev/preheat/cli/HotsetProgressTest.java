package dev.preheat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preheat.hotset.Hotset;
import dev.preheat.hotset.HotsetSelector;
import dev.preheat.internal.source.AggregateSink;
import dev.preheat.source.LogFormat;
import dev.preheat.source.LogReader;
import dev.preheat.source.ReadStats;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The progress line's sink wrapper (used when stderr is a terminal) keeps the log reader's
 * per-target counting path and changes nothing in the result.
 */
class HotsetProgressTest {

  @TempDir Path dir;

  @Test
  void wrappedSinksCountTheSameHotsetAndTheRecords() throws Exception {
    Path log = dir.resolve("access.log");
    try (OutputStream out = Files.newOutputStream(log)) {
      for (int i = 0; i < 3; i++) {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(sample()))) {
          in.transferTo(out);
        }
      }
    }
    LogReader reader = LogReader.builder().format(LogFormat.combined()).workers(2).build();
    HotsetSelector selector = HotsetSelector.builder().top(50).build();

    HotsetSelector.Tally plain = selector.newTally();
    ReadStats expectedStats = reader.read(List.of(log), plain::newSink);
    Hotset expected = plain.select(List.of());

    HotsetSelector.Tally tally = selector.newTally();
    ReadStats stats;
    HotsetOptions.Progress progress =
        new HotsetOptions.Progress(new PrintWriter(new StringWriter()));
    try {
      assertThat(progress.wrap(tally.newSink())).isInstanceOf(AggregateSink.class);
      stats = reader.read(List.of(log), () -> progress.wrap(tally.newSink()));
    } finally {
      progress.close();
    }
    Hotset hotset = tally.select(List.of());

    assertThat(stats.records()).isEqualTo(expectedStats.records()).isGreaterThan(25_000);
    assertThat(progress.records()).isPositive().isLessThanOrEqualTo(stats.records());
    assertThat(hotset.entries()).isNotEmpty().isEqualTo(expected.entries());
    assertThat(hotset.filtered()).isEqualTo(expected.filtered());
    assertThat(hotset.demandRecords()).isEqualTo(expected.demandRecords());
  }

  private static Path sample() throws URISyntaxException {
    Path here = Path.of(HotsetProgressTest.class.getProtectionDomain().getCodeSource()
        .getLocation().toURI());
    // target/test-classes -> module dir -> samples/ -> samples/data
    return here.getParent().getParent().getParent().resolve("data/access.log.gz");
  }
}
