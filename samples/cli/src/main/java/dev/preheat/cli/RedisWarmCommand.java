package dev.preheat.cli;

import dev.preheat.cli.Main.UsageError;
import dev.preheat.redis.RedisEndpoint;
import dev.preheat.redis.RedisReport;
import dev.preheat.redis.RedisUnavailableException;
import dev.preheat.redis.ReplicaWarmer;
import dev.preheat.report.ReportWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code preheat redis-warm}: copies the hottest keys from a warm Redis to a cold one (a new
 * replica, a primary after failover) with {@link ReplicaWarmer}.
 */
@Command(
    name = "redis-warm",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Copies the hottest keys from a warm Redis (--from) to a cold one (--to): hottest first by "
          + "OBJECT FREQ when the source uses an LFU policy, else in SCAN order (the report says "
          + "which); DUMP/RESTORE keeps TTLs; keys the target holds are left alone unless "
          + "--replace.",
      "Exit codes: 0 done, 2 bad usage or Redis unreachable, 4 stopped early (deadline, "
          + "cancelled, Redis unavailable)."
    })
final class RedisWarmCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--from", required = true, paramLabel = "URI",
      description = "The warm source, a Redis URI (redis://[:password@]host:port[/db], rediss:// "
          + "for TLS, redis-sentinel://...).")
  String from;

  @Option(names = "--to", required = true, paramLabel = "URI",
      description = "The cold target, a Redis URI.")
  String to;

  @Option(names = "--top", paramLabel = "N", defaultValue = "100000",
      description = "Copy at most N keys, the hottest (default ${DEFAULT-VALUE}).")
  int top;

  @Option(names = "--pattern", paramLabel = "GLOB", defaultValue = "*",
      description = "Only keys matching this SCAN MATCH pattern (default all).")
  String pattern;

  @Option(names = "--rate", paramLabel = "KEYS/S",
      description = "Read at most this many keys per second from the source (default no cap).")
  Double rate;

  @Option(names = "--hotset", paramLabel = "FILE",
      description = "Copy the keys listed in FILE (one per line, hottest first) instead of "
          + "choosing them on the source.")
  Path hotset;

  @Option(names = "--replace", description = "Overwrite keys the target already holds.")
  boolean replace;

  @Option(names = "--from-cluster", description = "--from is a Redis Cluster seed node.")
  boolean fromCluster;

  @Option(names = "--to-cluster", description = "--to is a Redis Cluster seed node.")
  boolean toCluster;

  @Option(names = "--deadline", paramLabel = "DURATION",
      description = "Stop starting batches after this long, e.g. 10m (default none).")
  String deadline;

  @Option(names = "--report", paramLabel = "text|json", defaultValue = "text",
      description = "Report format (json: the warm report schema).")
  String report;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    if (!report.equals("text") && !report.equals("json")) {
      throw new UsageError("--report must be text or json but was '" + report + "'");
    }
    if (top < 1) {
      throw new UsageError("--top must be >= 1 but was " + top);
    }
    if (rate != null && !(rate > 0)) {
      throw new UsageError("--rate must be > 0 keys per second but was " + rate);
    }
    List<String> keys = null;
    if (hotset != null) {
      if (!Files.isReadable(hotset)) {
        throw new UsageError("--hotset " + hotset + " cannot be read");
      }
      keys = new ArrayList<>();
      for (String line : Files.readAllLines(hotset)) {
        if (!line.isBlank()) {
          keys.add(line.strip());
        }
      }
    }
    try (RedisEndpoint source = open(from, fromCluster, "--from");
        RedisEndpoint target = open(to, toCluster, "--to")) {
      ReplicaWarmer.Builder b = ReplicaWarmer.builder(source, target).top(top).pattern(pattern);
      if (rate != null) {
        b.rate(rate);
      }
      if (keys != null) {
        b.hotset(keys);
      }
      if (replace) {
        b.replace();
      }
      if (deadline != null) {
        try {
          b.deadline(Units.duration(deadline));
        } catch (IllegalArgumentException e) {
          throw new UsageError("--deadline: " + e.getMessage());
        }
      }
      RedisReport r = b.build().run();
      out.print(report.equals("json") ? ReportWriter.json().write(r.warm()) : r.text());
      out.flush();
      return r.stopped() ? Main.ABORTED : Main.OK;
    } catch (RedisUnavailableException e) {
      throw new UsageError(e.getMessage());
    }
  }

  private static RedisEndpoint open(String uri, boolean cluster, String option) {
    try {
      return cluster ? RedisEndpoint.openCluster(List.of(uri)) : RedisEndpoint.open(uri);
    } catch (IllegalArgumentException e) {
      throw new UsageError(option + ": " + e.getMessage());
    }
  }
}
