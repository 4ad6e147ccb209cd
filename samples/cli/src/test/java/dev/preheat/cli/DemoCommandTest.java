package dev.preheat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.ObjectMapper;

class DemoCommandTest {

  @Test
  void demoWarmsTheEmbeddedCacheThenRevalidatesWith304s() throws IOException {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(new String[] {"demo", "--log", HotsetCommandTest.SAMPLE.toString(),
        "--report", "json"}, new ByteArrayInputStream(new byte[0]), new PrintWriter(out),
        new PrintWriter(err));

    assertThat(exit).as(err.toString()).isZero();
    String text = out.toString();
    assertThat(text).contains("DEMO TARGET", "not a real site");
    List<JsonNode> reports = new ArrayList<>();
    int from = 0;
    // The two JSON reports are embedded in the demo's narration; parse each object.
    while ((from = text.indexOf("{\n", from)) >= 0) {
      try (MappingIterator<JsonNode> it =
          new ObjectMapper().readerFor(JsonNode.class).readValues(text.substring(from))) {
        reports.add(it.next());
      }
      from = text.indexOf("\n}", from) + 2;
    }
    assertThat(reports).hasSize(2);
    JsonNode cold = reports.get(0);
    JsonNode warm = reports.get(1);

    // Two browser variants per URL; the demo cache normalizes Accept-Encoding, so the second one
    // of a URL is often already cached by the first.
    long warmed = cold.at("/totals/outcomes/WARMED").asLong()
        + cold.at("/totals/outcomes/ALREADY_CACHED").asLong();
    assertThat(warmed).isGreaterThan(100);
    assertThat(cold.at("/totals/outcomes/UNCACHEABLE").asLong()).as("no-store feeds").isPositive();
    assertThat(cold.at("/totals/outcomes/FAILED").asLong()).isZero();
    assertThat(cold.at("/verification/hitRatio").asDouble()).isEqualTo(1.0);
    assertThat(cold.at("/verification/sampled").asLong()).isEqualTo(warmed);

    assertThat(warm.at("/totals/outcomes/REVALIDATED").asLong()).isEqualTo(warmed);
    assertThat(warm.at("/totals/conditionalFetches").asLong()).isEqualTo(warmed);
    assertThat(warm.at("/totals/fullFetches").asLong()).isZero();
    assertThat(warm.at("/totals/skipped/KNOWN_UNCACHEABLE").asLong())
        .isEqualTo(cold.at("/totals/outcomes/UNCACHEABLE").asLong());
    assertThat(warm.at("/totals/cacheStatuses/REVALIDATED").asLong()).isPositive();
    assertThat(warm.at("/totals/cacheStatuses/REVALIDATED").asLong()
        + warm.at("/totals/cacheStatuses/HIT").asLong()).isEqualTo(warmed);
    assertThat(warm.at("/verification/hitRatio").asDouble()).isEqualTo(1.0);
    assertThat(text).containsPattern("0 full responses, [1-9][0-9]* not modified in run 2");
  }

  @Test
  void demoWithoutTheSampleLogSaysWhereToRunIt() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(new String[] {"demo", "--log", "no/such/access.log.gz"},
        new ByteArrayInputStream(new byte[0]), new PrintWriter(out), new PrintWriter(err));

    assertThat(exit).isEqualTo(Main.USAGE);
    assertThat(err.toString()).contains("repository root", "--log");
  }
}
