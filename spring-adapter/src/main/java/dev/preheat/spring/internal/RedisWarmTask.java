package dev.preheat.spring.internal;

import dev.preheat.redis.RedisReport;
import dev.preheat.spring.RedisWarmer;
import dev.preheat.spring.TaskOutcome;
import dev.preheat.spring.WarmTask;
import dev.preheat.spring.WarmTaskContext;
import dev.preheat.warm.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs every {@link RedisWarmer}: {@code primer.prime(keys, loader)}, one after the other.
 * Interrupting the task (its deadline, shutdown) cancels the priming run in progress; keys not
 * started end cancelled. A warmer that fails (e.g. Redis unreachable) is counted and the next one
 * runs.
 */
public final class RedisWarmTask implements WarmTask, MaybeEmpty {

  private final List<RedisWarmer<?>> warmers;

  /** A task for {@code warmers}. */
  public RedisWarmTask(List<RedisWarmer<?>> warmers) {
    this.warmers = List.copyOf(warmers);
  }

  @Override
  public boolean isEmpty() {
    return warmers.isEmpty();
  }

  @Override
  public String name() {
    return "redis";
  }

  @Override
  public TaskOutcome warm(WarmTaskContext context) throws Exception {
    long good = 0;
    long failed = 0;
    List<String> details = new ArrayList<>();
    dev.preheat.report.WarmReport last = null;
    for (RedisWarmer<?> w : warmers) {
      if (context.isCancelled()) {
        break;
      }
      RedisReport report;
      try {
        report = prime(w);
      } catch (RuntimeException e) {
        if (warmers.size() == 1) {
          throw e;
        }
        failed++;
        details.add(w.name() + ": " + e.getMessage());
        continue;
      }
      long ok = 0;
      for (Outcome o : Outcome.values()) {
        if (o.isGood()) {
          ok += report.warm().totals().count(o);
        }
      }
      good += ok;
      failed += report.warm().totals().count(Outcome.FAILED);
      last = report.warm();
      details.add(String.format(Locale.ROOT, "%s %s: %d primed, %d loaded, %d written%s",
          w.name(), report.endpoint(), ok, report.loaderCalls(), report.writes(),
          report.stopped() ? ", stopped: " + report.warm().stopReason() : ""));
    }
    return new TaskOutcome(good, failed, String.join("; ", details),
        warmers.size() == 1 ? last : null);
  }

  private static <V> RedisReport prime(RedisWarmer<V> w) throws Exception {
    return w.primer().prime(w.keys(), w.loader());
  }
}
