package dev.preheat.redis;

import dev.preheat.redis.RedisEndpoint.Link;
import dev.preheat.redis.internal.PrimeKeys;
import dev.preheat.redis.internal.RunTally;
import dev.preheat.spi.CheckpointStore;
import dev.preheat.spi.WarmListener;
import dev.preheat.warm.Outcome;
import dev.preheat.warm.SkipReason;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RestoreArgs;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Warms a cold Redis (a new replica, a primary after failover, a new region) by copying the
 * hottest keys from a warm one, as Netflix's EVCache cache warmer does for memcached.
 *
 * <h2>Which keys</h2>
 * A supplied hotset, in its order; else, when the source runs an LFU eviction policy ({@code
 * allkeys-lfu}, {@code volatile-lfu}), every key matching the pattern is scanned and ranked by
 * {@code OBJECT FREQ} (only the top N are kept in memory: a bounded heap); else keys are taken
 * in {@code SCAN} order, which is not hottest first. The report's notes say which was used and
 * why.
 *
 * <h2>How</h2>
 * Batches of keys are read from the source with pipelined {@code DUMP} and {@code PTTL} and
 * written to the target with pipelined {@code RESTORE ... <remaining TTL>}, so TTLs carry over
 * (a key without TTL stays without). A key the target already holds is left alone ({@code
 * ALREADY_CACHED}) unless {@link Builder#replace()} is set. When the target refuses {@code
 * RESTORE} (another Redis version's payload, an ACL without it, a proxy), the key is copied by
 * type instead: strings, hashes, lists, sets and sorted sets, then its TTL. Memory stays bounded:
 * at most one batch of values is held. Reads from the source are rate-limited ({@link
 * Builder#rate}) to protect it; the same policies as the warm engine apply (deadline,
 * checkpoints, report with one outcome per key).
 *
 * <p>{@link #run()} may be called again (e.g. to resume from checkpoints), but one run at a time
 * per instance; build one warmer per concurrent run.
 */
public final class ReplicaWarmer {

  /** Keys copied unless {@link Builder#top} is set: {@value}. */
  public static final int DEFAULT_TOP = 100_000;

  /** Keys per pipelined batch: {@value}. */
  public static final int DEFAULT_BATCH_SIZE = 200;

  private final RedisEndpoint from;
  private final RedisEndpoint to;
  private final int top;
  private final String pattern;
  private final @Nullable RateLimiter rate;
  private final @Nullable List<String> hotset;
  private final boolean replace;
  private final int batchSize;
  private final @Nullable Duration deadline;
  private final CheckpointStore checkpoints;
  private final WarmListener listener;
  private final Clock clock;

  private ReplicaWarmer(Builder b) {
    this.from = b.from;
    this.to = b.to;
    this.top = b.top == null ? DEFAULT_TOP : b.top;
    this.pattern = b.pattern == null ? "*" : b.pattern;
    this.rate = b.rate;
    this.hotset = b.hotset;
    this.replace = b.replace;
    this.batchSize = b.batchSize == null ? DEFAULT_BATCH_SIZE : b.batchSize;
    this.deadline = b.deadline;
    this.checkpoints = b.checkpoints == null ? CheckpointStore.NONE : b.checkpoints;
    this.listener = b.listener == null ? WarmListener.NONE : b.listener;
    this.clock = b.clock == null ? Clock.systemUTC() : b.clock;
  }

  /** A builder copying from {@code from} (warm) to {@code to} (cold). */
  public static Builder builder(RedisEndpoint from, RedisEndpoint to) {
    return new Builder(from, to);
  }

  /** The keys to copy, hottest first, and how they were chosen. */
  record HotKeys(List<String> keys, String how, long scanned) {}

  private long timeout() {
    return Math.max(from.commandTimeout().toMillis(), to.commandTimeout().toMillis()) + 1000;
  }

  /**
   * Chooses the hot keys (see the class doc).
   *
   * @throws RedisUnavailableException if the source does not answer
   */
  HotKeys hotKeys(Link src) throws Exception {
    if (hotset != null) {
      List<String> keys = hotset.subList(0, Math.min(top, hotset.size()));
      return new HotKeys(keys, "hot keys: the supplied hotset (" + hotset.size() + " keys, top "
          + keys.size() + ")", 0);
    }
    RedisSafety.ServerMemory m = RedisSafety.read(from);
    boolean lfu = m.policy().toLowerCase(Locale.ROOT).endsWith("lfu");
    var async = src.async();
    ScanArgs args = ScanArgs.Builder.matches(pattern).limit(1000);
    KeyScanCursor<String> cursor = async.scan(args).get(timeout(), TimeUnit.MILLISECONDS);
    long scanned = 0;
    if (!lfu) {
      Set<String> keys = new LinkedHashSet<>();
      while (true) {
        for (String k : cursor.getKeys()) {
          scanned++;
          if (keys.size() < top) {
            keys.add(k);
          }
        }
        if (cursor.isFinished() || keys.size() >= top) {
          break;
        }
        cursor = async.scan(cursor, args).get(timeout(), TimeUnit.MILLISECONDS);
      }
      return new HotKeys(new ArrayList<>(keys), "hot keys: SCAN order, NOT hottest first (the"
          + " source's maxmemory-policy is " + m.policy() + ", so OBJECT FREQ is unavailable);"
          + " set maxmemory-policy to allkeys-lfu on the source, or pass a hotset", scanned);
    }
    // A min-heap of the top N by frequency: memory O(N) whatever the key count.
    PriorityQueue<Map.Entry<String, Long>> heap = new PriorityQueue<>(
        Comparator.<Map.Entry<String, Long>>comparingLong(Map.Entry::getValue)
            .thenComparing(Map.Entry::getKey, Comparator.reverseOrder()));
    Set<String> seen = new java.util.HashSet<>();
    while (true) {
      List<String> ks = cursor.getKeys();
      List<RedisFuture<Long>> freqs = new ArrayList<>(ks.size());
      for (String k : ks) {
        freqs.add(async.objectFreq(k));
      }
      for (int i = 0; i < ks.size(); i++) {
        scanned++;
        Long f;
        try {
          f = freqs.get(i).get(timeout(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException gone) {
          continue; // expired or deleted between SCAN and OBJECT FREQ
        }
        if (f == null || !seen.add(ks.get(i))) {
          continue;
        }
        heap.add(Map.entry(ks.get(i), f));
        if (heap.size() > top) {
          seen.remove(heap.poll().getKey());
        }
      }
      if (cursor.isFinished()) {
        break;
      }
      cursor = async.scan(cursor, args).get(timeout(), TimeUnit.MILLISECONDS);
    }
    List<Map.Entry<String, Long>> ranked = new ArrayList<>(heap);
    ranked.sort(Comparator.<Map.Entry<String, Long>>comparingLong(Map.Entry::getValue).reversed()
        .thenComparing(Map.Entry::getKey));
    List<String> keys = new ArrayList<>(ranked.size());
    ranked.forEach(e -> keys.add(e.getKey()));
    return new HotKeys(keys, "hot keys: OBJECT FREQ under the source's " + m.policy()
        + " policy, hottest first (top " + keys.size() + " of " + scanned + " scanned)", scanned);
  }

  /**
   * Copies the hot keys and returns the report (one outcome per key). A source or target that
   * stops answering ends the run with stop reason {@code redis unavailable}.
   *
   * @throws RedisUnavailableException if the source cannot be read at the start
   */
  public RedisReport run() {
    Link src = from.dedicated();
    Link dst = to.dedicated();
    try {
      HotKeys hot;
      try {
        hot = hotKeys(src);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RedisUnavailableException("interrupted while choosing hot keys", e);
      } catch (RedisUnavailableException e) {
        throw e;
      } catch (Exception e) {
        throw new RedisUnavailableException("cannot choose hot keys on " + from + ": "
            + RedisEndpoint.rootMessage(e), e);
      }
      return copy(src, dst, hot);
    } finally {
      from.release(src);
      to.release(dst);
    }
  }

  private String planHash(List<String> keys) {
    return PrimeKeys.planHash("redis-replica\n" + from + "\n" + to + "\n", keys);
  }

  private RedisReport copy(Link src, Link dst, HotKeys hot) {
    List<String> keys = hot.keys();
    RunTally tally = new RunTally(planHash(keys), to.toString(), clock, checkpoints);
    Instant deadlineAt = deadline == null ? Instant.MAX : tally.startedAt().plus(deadline);
    Set<String> done = checkpoints.finished(tally.planHash());
    List<String> notes = new ArrayList<>();
    notes.add(hot.how());
    String stop = null;
    String unavailable = null;
    long shortTtl = 0;
    long restoreRefused = 0;
    Duration expectedRun = estimateRun(keys.size());
    src.connection().setAutoFlushCommands(false);
    dst.connection().setAutoFlushCommands(false);
    int i = 0;
    while (i < keys.size()) {
      List<String> batch = new ArrayList<>(batchSize);
      i = tally.nextBatch(keys, i, batchSize, done, batch);
      if (batch.isEmpty()) {
        continue;
      }
      if (Thread.currentThread().isInterrupted()) {
        stop = "cancelled";
      } else if (!clock.instant().isBefore(deadlineAt)) {
        stop = "deadline";
      }
      if (stop == null) {
        try {
          if (rate != null) {
            RateLimiter.acquire(rate, batch.size());
          }
          BatchResult r = copyBatch(src, dst, batch, tally, expectedRun);
          shortTtl += r.shortTtl;
          restoreRefused += r.refused;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          stop = "cancelled";
        } catch (Exception e) {
          unavailable = RedisEndpoint.rootMessage(e);
          stop = "redis unavailable";
        }
      }
      if (stop != null) {
        for (String k : batch) {
          if (!endedInBatch.contains(k)) {
            endStopped(tally, k, stop, unavailable);
          }
        }
        for (String k : keys.subList(i, keys.size())) {
          if (done.contains(k)) {
            tally.end(k, Outcome.SKIPPED, SkipReason.CHECKPOINTED, null);
          } else {
            endStopped(tally, k, stop, unavailable);
          }
        }
        break;
      }
    }
    endedInBatch.clear();
    if (stop == null) {
      checkpoints.clear(tally.planHash());
    }
    if (restoreRefused > 0) {
      notes.add(restoreRefused + " keys copied by type because the target refused RESTORE");
    }
    if (unavailable != null) {
      notes.add("stopped: " + unavailable + "; re-run to resume (finished keys are"
          + " checkpointed when a checkpoint store is set)");
    }
    List<RedisSafety.Warning> warnings = new ArrayList<>();
    try {
      warnings.addAll(RedisSafety.check(to, estimateBytes(tally), null, expectedRun));
    } catch (RuntimeException e) {
      notes.add("safety checks skipped: " + e.getMessage());
    }
    if (shortTtl > 0) {
      warnings.add(new RedisSafety.Warning(shortTtl + " copied keys have a TTL shorter than the"
          + " expected run (" + expectedRun + "): they expire on the target before the copy ends",
          "copy fewer keys (--top) at a higher --rate, or accept that short-lived keys re-warm"
          + " from traffic"));
    }
    var report = tally.report(stop, 1.0, deadline != null ? deadline : Duration.ofMinutes(15));
    try {
      listener.runFinished(report);
    } catch (RuntimeException e) {
      // listeners must not break the run
    }
    return new RedisReport(report, to.toString(), tally.fetched, tally.writes, 0, tally.rate(),
        notes, warnings);
  }

  private final Set<String> endedInBatch = new java.util.HashSet<>();

  private static void endStopped(RunTally tally, String k, String stop,
      @Nullable String unavailable) {
    switch (stop) {
      case "deadline" -> tally.end(k, Outcome.SKIPPED, SkipReason.DEADLINE, null);
      default -> tally.end(k, Outcome.CANCELLED, null,
          unavailable != null ? "not copied: " + unavailable : "run " + stop);
    }
  }

  private Duration estimateRun(int n) {
    if (rate instanceof dev.preheat.redis.internal.LocalRateLimiter l) {
      return Duration.ofMillis((long) (n / l.perSecond() * 1000));
    }
    return Duration.ofSeconds(Math.max(1, n / 20_000));
  }

  private static long estimateBytes(RunTally tally) {
    return tally.bytes + tally.writes * 50;
  }

  private record BatchResult(long shortTtl, long refused) {}

  private BatchResult copyBatch(Link src, Link dst, List<String> batch, RunTally tally,
      Duration expectedRun) throws Exception {
    endedInBatch.clear();
    var s = src.async();
    List<RedisFuture<byte[]>> dumps = new ArrayList<>(batch.size());
    List<RedisFuture<Long>> ttls = new ArrayList<>(batch.size());
    for (String k : batch) {
      dumps.add(s.dump(k));
      ttls.add(s.pttl(k));
    }
    src.connection().flushCommands();
    tally.commands += 2L * batch.size();
    tally.fetched += batch.size();
    var d = dst.async();
    List<RedisFuture<String>> restores = new ArrayList<>(batch.size());
    List<byte[]> payloads = new ArrayList<>(batch.size());
    List<Long> pttls = new ArrayList<>(batch.size());
    long shortTtl = 0;
    for (int j = 0; j < batch.size(); j++) {
      byte[] payload = dumps.get(j).get(timeout(), TimeUnit.MILLISECONDS);
      long pttl = ttls.get(j).get(timeout(), TimeUnit.MILLISECONDS);
      payloads.add(payload);
      pttls.add(pttl);
      if (payload == null || pttl == -2) {
        restores.add(null);
        continue;
      }
      if (pttl > 0 && pttl < expectedRun.toMillis()) {
        shortTtl++;
      }
      RestoreArgs args = RestoreArgs.Builder.ttl(Math.max(0, pttl));
      if (replace) {
        args.replace();
      }
      restores.add(d.restore(batch.get(j), payload, args));
    }
    dst.connection().flushCommands();
    long refused = 0;
    for (int j = 0; j < batch.size(); j++) {
      String k = batch.get(j);
      RedisFuture<String> f = restores.get(j);
      if (f == null) {
        end(tally, k, Outcome.UNCACHEABLE, "gone from the source (expired or deleted)");
        continue;
      }
      tally.commands++;
      try {
        f.get(timeout(), TimeUnit.MILLISECONDS);
        tally.writes++;
        tally.bytes += payloads.get(j).length;
        end(tally, k, Outcome.WARMED, null);
      } catch (java.util.concurrent.ExecutionException e) {
        String why = RedisEndpoint.rootMessage(e);
        if (why.startsWith("BUSYKEY")) {
          end(tally, k, Outcome.ALREADY_CACHED, "the target already holds the key (not replaced)");
        } else if (isConnectionFailure(e)) {
          throw e;
        } else {
          refused++;
          copyByType(src, dst, k, pttls.get(j), tally, why);
        }
      }
    }
    return new BatchResult(shortTtl, refused);
  }

  private static boolean isConnectionFailure(Exception e) {
    Throwable t = e.getCause() == null ? e : e.getCause();
    return t instanceof io.lettuce.core.RedisConnectionException
        || t instanceof io.lettuce.core.RedisCommandTimeoutException
        || t instanceof java.io.IOException
        || (t.getMessage() != null && t.getMessage().contains("Connection"));
  }

  private void end(RunTally tally, String k, Outcome o, @Nullable String detail) {
    endedInBatch.add(k);
    tally.end(k, o, null, detail);
  }

  /** The fallback when RESTORE is refused: read the value by type and write it, then the TTL. */
  private void copyByType(Link src, Link dst, String k, long pttl, RunTally tally,
      String restoreError) throws Exception {
    RedisClusterAsyncCommands<String, byte[]> s = src.async();
    RedisClusterAsyncCommands<String, byte[]> d = dst.async();
    src.connection().setAutoFlushCommands(true);
    dst.connection().setAutoFlushCommands(true);
    try {
      long t = timeout();
      String type = s.type(k).get(t, TimeUnit.MILLISECONDS);
      if (!replace && d.exists(k).get(t, TimeUnit.MILLISECONDS) > 0) {
        end(tally, k, Outcome.ALREADY_CACHED, "the target already holds the key (not replaced)");
        return;
      }
      d.del(k).get(t, TimeUnit.MILLISECONDS);
      long bytes = 0;
      switch (type) {
        case "string" -> {
          byte[] v = s.get(k).get(t, TimeUnit.MILLISECONDS);
          if (v == null) {
            end(tally, k, Outcome.UNCACHEABLE, "gone from the source (expired or deleted)");
            return;
          }
          d.set(k, v).get(t, TimeUnit.MILLISECONDS);
          bytes = v.length;
        }
        case "hash" -> {
          Map<String, byte[]> v = s.hgetall(k).get(t, TimeUnit.MILLISECONDS);
          if (!v.isEmpty()) {
            d.hset(k, v).get(t, TimeUnit.MILLISECONDS);
          }
          bytes = v.values().stream().mapToLong(b -> b.length).sum();
        }
        case "list" -> {
          List<byte[]> v = s.lrange(k, 0, -1).get(t, TimeUnit.MILLISECONDS);
          if (!v.isEmpty()) {
            d.rpush(k, v.toArray(new byte[0][])).get(t, TimeUnit.MILLISECONDS);
          }
          bytes = v.stream().mapToLong(b -> b.length).sum();
        }
        case "set" -> {
          Set<byte[]> v = s.smembers(k).get(t, TimeUnit.MILLISECONDS);
          if (!v.isEmpty()) {
            d.sadd(k, v.toArray(new byte[0][])).get(t, TimeUnit.MILLISECONDS);
          }
          bytes = v.stream().mapToLong(b -> b.length).sum();
        }
        case "zset" -> {
          List<ScoredValue<byte[]>> v = s.zrangeWithScores(k, 0, -1)
              .get(t, TimeUnit.MILLISECONDS);
          if (!v.isEmpty()) {
            @SuppressWarnings("unchecked")
            ScoredValue<byte[]>[] arr = v.toArray(new ScoredValue[0]);
            d.zadd(k, (Object[]) arr).get(t, TimeUnit.MILLISECONDS);
          }
          bytes = v.stream().mapToLong(sv -> sv.getValue().length).sum();
        }
        case "none" -> {
          end(tally, k, Outcome.UNCACHEABLE, "gone from the source (expired or deleted)");
          return;
        }
        default -> {
          end(tally, k, Outcome.FAILED, "RESTORE refused (" + restoreError + ") and type "
              + type + " has no per-type copy");
          return;
        }
      }
      if (pttl > 0) {
        d.pexpire(k, pttl).get(t, TimeUnit.MILLISECONDS);
      }
      tally.commands += 4;
      tally.writes++;
      tally.bytes += bytes;
      end(tally, k, Outcome.WARMED, null);
    } finally {
      src.connection().setAutoFlushCommands(false);
      dst.connection().setAutoFlushCommands(false);
    }
  }

  @Override
  public String toString() {
    return "ReplicaWarmer[" + from + " -> " + to + ", top " + top + ", pattern " + pattern + "]";
  }

  /**
   * Builds a {@link ReplicaWarmer}. Every setting may be given once. Not thread-safe.
   */
  public static final class Builder {
    private final RedisEndpoint from;
    private final RedisEndpoint to;
    private @Nullable Integer top;
    private @Nullable String pattern;
    private @Nullable RateLimiter rate;
    private @Nullable List<String> hotset;
    private boolean replace;
    private @Nullable Integer batchSize;
    private @Nullable Duration deadline;
    private @Nullable CheckpointStore checkpoints;
    private @Nullable WarmListener listener;
    private @Nullable Clock clock;

    private Builder(RedisEndpoint from, RedisEndpoint to) {
      this.from = Objects.requireNonNull(from, "from");
      this.to = Objects.requireNonNull(to, "to");
      if (from == to) {
        throw new IllegalArgumentException("from and to are the same endpoint (" + from + ")");
      }
    }

    private static void once(@Nullable Object v, String name) {
      if (v != null) {
        throw new IllegalStateException(name + " was already set to " + v);
      }
    }

    /** Copies at most {@code n} keys, the hottest; default {@value ReplicaWarmer#DEFAULT_TOP}. */
    public Builder top(int n) {
      once(top, "top");
      if (n < 1) {
        throw new IllegalArgumentException("top must be >= 1 but was " + n);
      }
      top = n;
      return this;
    }

    /** Only keys matching the glob {@code pattern} ({@code SCAN MATCH}); default all. */
    public Builder pattern(String pattern) {
      once(this.pattern, "pattern");
      if (Objects.requireNonNull(pattern, "pattern").isEmpty()) {
        throw new IllegalArgumentException("pattern must not be empty; use * for all keys");
      }
      this.pattern = pattern;
      return this;
    }

    /** Reads at most {@code keysPerSecond} keys per second from the source. */
    public Builder rate(double keysPerSecond) {
      once(rate, "rate");
      if (!(keysPerSecond > 0) || Double.isInfinite(keysPerSecond)) {
        throw new IllegalArgumentException("rate must be a finite number > 0 but was "
            + keysPerSecond);
      }
      rate = RateLimiter.local(keysPerSecond, (int) Math.max(1, Math.min(keysPerSecond,
          DEFAULT_BATCH_SIZE)));
      return this;
    }

    /** The keys to copy, hottest first, instead of choosing them on the source. */
    public Builder hotset(List<String> keys) {
      once(hotset, "hotset");
      hotset = List.copyOf(new LinkedHashSet<>(keys));
      return this;
    }

    /** Overwrites keys the target already holds (default: leave them). */
    public Builder replace() {
      replace = true;
      return this;
    }

    /** Keys per pipelined batch, 1..10000; default {@value ReplicaWarmer#DEFAULT_BATCH_SIZE}. */
    public Builder batchSize(int n) {
      once(batchSize, "batchSize");
      if (n < 1 || n > 10_000) {
        throw new IllegalArgumentException("batchSize must be in 1..10000 but was " + n);
      }
      batchSize = n;
      return this;
    }

    /** No batch starts after {@code deadline} from the start; the rest is skipped (deadline). */
    public Builder deadline(Duration deadline) {
      once(this.deadline, "deadline");
      if (deadline.isNegative() || deadline.isZero()) {
        throw new IllegalArgumentException("deadline must be > 0 but was " + deadline);
      }
      this.deadline = deadline;
      return this;
    }

    /** Where copied keys are recorded so a restarted run resumes. */
    public Builder checkpoints(CheckpointStore store) {
      once(checkpoints, "checkpoints");
      checkpoints = Objects.requireNonNull(store, "checkpoints");
      return this;
    }

    /** Receives {@code runFinished}. */
    public Builder listener(WarmListener listener) {
      once(this.listener, "listener");
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** The clock of the deadline and the report. */
    public Builder clock(Clock clock) {
      once(this.clock, "clock");
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The warmer. */
    public ReplicaWarmer build() {
      return new ReplicaWarmer(this);
    }
  }
}
