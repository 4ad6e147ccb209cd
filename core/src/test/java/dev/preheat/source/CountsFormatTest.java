package dev.preheat.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CountsFormatTest {

  @TempDir Path dir;

  @Test
  void readsRowsWithOptionalHeaderQuotesAndBytes() throws IOException {
    String csv = "url,count,bytes\n"
        + "/a,120,4096\n"
        + "\"/search?q=a,b\",7\n"
        + "\"/say \"\"hi\"\"\",\"3\",\"30\"\n";

    LogFixtures.Collected c = LogFixtures.read(LogFormat.counts(), csv, dir);

    assertThat(c.stats.lines()).isEqualTo(4);
    assertThat(c.stats.malformedLines()).isEqualTo(1); // the space in the third URL
    assertThat(c.records).hasSize(2);
    TrafficRecord a = c.records.get(0);
    assertThat(a).isEqualTo(new TrafficRecord("GET", "/a", TrafficRecord.UNKNOWN_STATUS, 4096,
        TrafficRecord.NO_TIMESTAMP, null, 120));
    assertThat(c.records.get(1).url()).isEqualTo("/search?q=a,b");
    assertThat(c.records.get(1).count()).isEqualTo(7);
    assertThat(c.stats.samples().get(0).lineNumber()).isEqualTo(4);
    assertThat(c.stats.samples().get(0).reason()).contains("invalid URL");
  }

  @Test
  void headerOnlyAllowedOnTheFirstLine() throws IOException {
    LogFixtures.Collected c = LogFixtures.read(LogFormat.counts(),
        "/a,1\nurl,count\n/b,0\n/c\n/d,2,big\n", dir);

    assertThat(c.records).extracting(TrafficRecord::url).containsExactly("/a");
    assertThat(c.stats.samples()).extracting(MalformedLine::reason).containsExactly(
        "count is not a number", "count must be >= 1 but was 0",
        "expected url,count[,bytes] but found one field", "bytes is not a number");
  }

  @Test
  void byteOrderMarkBeforeTheHeaderIsIgnored() throws IOException {
    LogFixtures.Collected c = LogFixtures.read(LogFormat.counts(), "\uFEFFurl,count\n/a,3\n", dir);

    assertThat(c.only().count()).isEqualTo(3);
    assertThat(c.stats.malformedLines()).isZero();
  }

  @Test
  void countsHaveNoTimestamp() throws IOException {
    Path csv = LogFixtures.write(dir, "counts.csv", "/a,5\n");

    assertThat(LogFixtures.reader(LogFormat.counts()).build().latestTimestamp(List.of(csv)))
        .isEmpty();
  }
}
