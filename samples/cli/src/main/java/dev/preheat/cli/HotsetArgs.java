package dev.preheat.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads the arguments of a plain {@code preheat hotset} run without picocli, whose reflective
 * model of the command costs about a tenth of a second of start-up on every run (a large share of
 * a run on a small log, and of the time budget on a large one). Only the unambiguous cases are
 * read here: known options, each value well formed and not looking like an option, single-valued
 * options given once, {@code --log} followed by its files. Anything else (help, version, unknown
 * or repeated options, odd values, {@code --opt=value} for {@code --log}) returns null and picocli
 * reads the command line as always, with its own messages. The values end up in the same fields
 * picocli would set, with the same defaults, and go through the same validation.
 */
final class HotsetArgs {

  private HotsetArgs() {}

  /** The command for {@code args} (starting with {@code hotset}), or null to let picocli parse. */
  static @Nullable HotsetCommand parse(String[] args) {
    if (args.length < 2 || !args[0].equals("hotset")) {
      return null;
    }
    HotsetCommand cmd = new HotsetCommand();
    HotsetOptions o = new HotsetOptions();
    cmd.hotset = o;
    // picocli's defaultValue attributes
    o.format = "combined";
    o.weight = "requests";
    cmd.output = "text";
    Set<String> seen = new HashSet<>();
    int i = 1;
    try {
      while (i < args.length) {
        String arg = args[i++];
        String name = arg;
        String value = null;
        int eq = arg.indexOf('=');
        if (eq > 0 && arg.startsWith("--")) {
          name = arg.substring(0, eq);
          value = arg.substring(eq + 1);
        }
        if (name.equals("--log")) {
          if (value != null || i >= args.length || !isValue(args[i])) {
            return null;
          }
          while (i < args.length && isValue(args[i])) {
            o.logs.add(Path.of(args[i++]));
          }
          continue;
        }
        if (value == null) {
          if (i >= args.length) {
            return null;
          }
          value = args[i++];
        }
        if (!isValue(value)) {
          return null;
        }
        boolean repeatable = name.equals("--sitemap") || name.equals("--list")
            || name.equals("--exclude") || name.equals("--exclude-agent");
        if (!repeatable && !seen.add(name)) {
          return null;
        }
        switch (name) {
          case "--format" -> o.format = value;
          case "--coverage" -> {
            if (!value.matches("[0-9]{1,9}(\\.[0-9]{1,17})?")) {
              return null;
            }
            o.coverage = Double.valueOf(value);
          }
          case "--top" -> {
            if ((o.top = integer(value)) == null) {
              return null;
            }
          }
          case "--max" -> {
            if ((o.max = integer(value)) == null) {
              return null;
            }
          }
          case "--max-new" -> {
            if ((o.maxNew = integer(value)) == null) {
              return null;
            }
          }
          case "--workers" -> {
            if ((o.workers = integer(value)) == null) {
              return null;
            }
          }
          case "--window" -> o.window = value;
          case "--until" -> o.until = value;
          case "--sustain" -> o.sustain = value;
          case "--weight" -> o.weight = value;
          case "--memory-budget" -> o.memoryBudget = value;
          case "--sitemap" -> o.sitemaps.add(value);
          case "--list" -> o.lists.add(value);
          case "--exclude" -> o.excludes.add(value);
          case "--exclude-agent" -> o.excludeAgents.add(value);
          case "--output" -> cmd.output = value;
          case "--base-url" -> cmd.baseUrl = value;
          default -> {
            return null;
          }
        }
      }
    } catch (InvalidPathException e) {
      return null;
    }
    return cmd;
  }

  /** A value picocli would take as such: not empty, not starting with {@code -}. */
  private static boolean isValue(String s) {
    return !s.isEmpty() && s.charAt(0) != '-';
  }

  /** Plain decimal without leading zeros (which picocli might read otherwise), or null. */
  private static @Nullable Integer integer(String s) {
    if (!s.matches("0|[1-9][0-9]{0,8}")) {
      return null;
    }
    return Integer.valueOf(s);
  }
}
