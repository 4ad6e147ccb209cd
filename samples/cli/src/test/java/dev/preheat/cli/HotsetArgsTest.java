package dev.preheat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The picocli-free reading of {@code preheat hotset} arguments against picocli's own. */
class HotsetArgsTest {

  @ParameterizedTest
  @ValueSource(strings = {
    "hotset --log a.log --top 1000 --output urls",
    "hotset --log a.log b.log.gz c --top=5 --output=json",
    "hotset --log a.log --log b.log --coverage 0.95 --max 20 --weight bytes",
    "hotset --format common --log x",
    "hotset --format=nginx:$remote_addr|$request|$status --log x",
    "hotset --log a --window 24h --until 2026-11-01T00:00:00Z --sustain 2/3 --max-new 5",
    "hotset --log a --exclude ^/admin/ --exclude \\.png$ --exclude-agent bot --exclude-agent Spider",
    "hotset --log a --sitemap s.xml;priority=2 --list l.txt;expires=2026-12-01 --list m.txt",
    "hotset --log a --memory-budget 8m --workers 3 --base-url https://www.example.com",
    "hotset --log a --top 0 --coverage 1",
    "hotset --sitemap s.xml --output text",
  })
  void readsTheSameValuesAsPicocli(String line) {
    String[] args = split(line);
    HotsetCommand fast = HotsetArgs.parse(args);
    assertThat(fast).isNotNull();
    HotsetCommand reference = new HotsetCommand();
    new CommandLine(reference).parseArgs(Arrays.copyOfRange(args, 1, args.length));
    assertThat(describe(fast)).isEqualTo(describe(reference));
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "hotset",
    "hotset --help",
    "hotset -h",
    "hotset --version",
    "hotset --log a --top 1 --top 2",
    "hotset --log a --top 010",
    "hotset --log a --top 0x10",
    "hotset --log a --top -1",
    "hotset --log a --top",
    "hotset --log=a --top 3",
    "hotset --log",
    "hotset --log -x",
    "hotset --log a --coverage .5",
    "hotset --log a --coverage 1e-1",
    "hotset --log a --unknown 3",
    "hotset --log a positional --top 3 extra",
    "hotset --log a --output",
    "hotset --log a -- b",
    "warm --log a",
  })
  void leavesEverythingElseToPicocli(String line) {
    // "positional" is a second log file for picocli as well; "extra" after --top 3 is not.
    assertThat(HotsetArgs.parse(split(line))).isNull();
  }

  @org.junit.jupiter.api.Test
  void usageErrorsReadTheSameEitherWay() {
    // Accepted by the fast path, rejected by the shared validation with the same message.
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(new String[] {"hotset", "--log", "/nonexistent.log", "--top", "0"},
        new PrintWriter(out), new PrintWriter(err));
    assertThat(exit).isEqualTo(Main.USAGE);
    assertThat(err.toString()).startsWith("preheat hotset: ");
  }

  private static String[] split(String line) {
    return line.split(" ");
  }

  private static String describe(HotsetCommand c) {
    HotsetOptions o = c.hotset;
    return String.join("|", String.valueOf(o.logs), o.format, String.valueOf(o.coverage),
        String.valueOf(o.top), String.valueOf(o.max), String.valueOf(o.window),
        String.valueOf(o.until), String.valueOf(o.sustain), String.valueOf(o.maxNew),
        String.valueOf(o.sitemaps), String.valueOf(o.lists), String.valueOf(o.excludes),
        String.valueOf(o.excludeAgents), o.weight, String.valueOf(o.memoryBudget),
        String.valueOf(o.workers), c.output, String.valueOf(c.baseUrl));
  }
}
