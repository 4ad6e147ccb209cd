package dev.preheat.cli;

import dev.preheat.cli.Main.UsageError;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code preheat hotset}: mines the hot URLs from access logs, blended with sitemaps and lists. */
@Command(
    name = "hotset",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Selects the URLs worth warming from access logs (and sitemaps, lists), by real demand.",
      "Exit codes: 0 done, 2 bad usage or unreadable input."
    })
final class HotsetCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin HotsetOptions hotset;

  @Option(names = "--output", paramLabel = "text|json|urls", defaultValue = "text",
      description = "text (table and summary), json (schema docs/schema/hotset.schema.json) "
          + "or urls (one per line, ready for the warmer).")
  String output;

  @Option(names = "--base-url", paramLabel = "URL",
      description = "Prefix for relative URLs in the output; its host also matches sitemap and "
          + "list URLs to log paths.")
  @Nullable String baseUrl;

  private final Clock clock;

  HotsetCommand() {
    this(Clock.systemUTC());
  }

  HotsetCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() {
    return run(spec.commandLine().getOut(), spec.commandLine().getErr());
  }

  /** Runs the command, writing to {@code out} and {@code err}; returns the exit code. */
  int run(PrintWriter out, PrintWriter err) {
    if (!Set.of("text", "json", "urls").contains(output)) {
      throw new UsageError("--output must be text, json or urls but was '" + output + "'");
    }
    HotsetOptions.Mined mined = hotset.mine(baseUrl, clock, err);
    HotsetReport report = new HotsetReport(mined.hotset(), mined.stats(), mined.problems(),
        mined.problemCount(), mined.settings(), baseUrl, Main.version());
    switch (output) {
      case "json" -> report.writeJson(out);
      case "urls" -> report.writeUrls(out);
      default -> report.writeText(out);
    }
    out.flush();
    return Main.OK;
  }
}
