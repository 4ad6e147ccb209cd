package dev.preheat.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LogFormatTest {

  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource({
    "combined, combined",
    "COMBINED, combined",
    "' common ', common",
    "cloudfront, cloudfront",
    "w3c, cloudfront",
    "counts, counts",
    "jsonl, jsonl",
    "'nginx:$remote_addr \"$request\" $status', 'nginx:$remote_addr \"$request\" $status'",
  })
  void parsesCommandLineSpecs(String spec, String expected) {
    assertThat(LogFormat.parse(spec)).hasToString(expected);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      apache          | unknown log format 'apache'; expected one of combined, common
      nginx:          | needs a log_format string
      combined:x      | takes no ':x' argument
      jsonl:url       | must look like role=field
      jsonl:ref=r     | unknown JSON field role 'ref'
      nginx:$status   | must contain $request
      """)
  void rejectsBadSpecsWithAHint(String spec, String message) {
    assertThatThrownBy(() -> LogFormat.parse(spec))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void jsonlSpecCarriesAMapping() throws IOException {
    LogFormat format = LogFormat.parse("jsonl:url=req.uri|req.url,time=ts");

    TrafficRecord r = LogFixtures.read(format, "{\"req\":{\"url\":\"/u\"},\"ts\":1}\n", dir).only();

    assertThat(r.url()).isEqualTo("/u");
    assertThat(r.epochMillis()).isEqualTo(1000);
  }
}
