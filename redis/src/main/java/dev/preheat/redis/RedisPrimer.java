package dev.preheat.redis;

import dev.preheat.redis.KeyLoader.KeyFailure;
import dev.preheat.redis.RedisEndpoint.Link;
import dev.preheat.redis.internal.ClaimHashes;
import dev.preheat.redis.internal.PrimeKeys;
import dev.preheat.redis.internal.RunTally;
import dev.preheat.redis.internal.Scripts;
import dev.preheat.redis.internal.SlotTags;
import dev.preheat.report.WarmReport;
import dev.preheat.spi.CheckpointStore;
import dev.preheat.spi.WarmListener;
import dev.preheat.warm.Outcome;
import dev.preheat.warm.SkipReason;
import dev.preheat.redis.internal.CommandBatch;
import dev.preheat.redis.internal.RawArgs;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.output.ArrayOutput;
import io.lettuce.core.output.CommandOutput;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.cluster.SlotHash;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Primes hot keys into Redis from the source of truth: for each key, unless Redis already holds
 * it with enough TTL left, the {@link KeyLoader} computes the value and the primer writes it with
 * a TTL plus random jitter (so primed keys do not all expire together).
 *
 * <h2>How it works</h2>
 * Keys are processed in batches ({@link Builder#batchSize}, default {@value #DEFAULT_BATCH_SIZE})
 * on a dedicated connection with Lettuce's auto-flush turned off. The check is one Lua script
 * call for the whole batch (one per hash slot on a cluster): it takes the keys' claims (below),
 * then runs one {@code EXISTS} over the batch's keys, and a {@code PTTL} per key only when some
 * of them exist; its reply lists only the keys held by another run. On a standalone server, as
 * long as no other run's claims were met, the call is sent in a lean form that carries no data
 * keys (a run alone stores its claims without naming its keys), followed by a plain pipelined
 * {@code EXISTS} of the keys (without claims, the {@code EXISTS} alone), and the {@code PTTL}s
 * are read, one plain command per key, only for a batch with keys present: Redis copies every
 * key a script call carries into Lua and back, which made the check ~15% of the server's work
 * per key on a cold server, against ~5% now. A lean call that meets another run's live claims
 * changes nothing and says so; the batch is checked by the full call and so is the rest of the
 * run, as it is once a batch had keys present (one call reading existence and TTLs is then
 * cheaper for the client). A primer without claims on a standalone server thus needs no script
 * unless keys are present; a server refusing scripts (renamed commands, an ACL without them)
 * stops a run with claims with a note saying so and what to do.
 * The write is a plain
 * pipelined {@code PSETEX key ttl value} per key (the TTL with its jitter computed here), not a
 * script: Redis runs a command inside a script slower than the same command pipelined. Scripts
 * are cached with {@code SCRIPT LOAD} at the start and called by digest ({@code EVALSHA}); a call
 * refused with {@code NOSCRIPT} (a flushed or failed-over server) is sent again with its script.
 * A batch is encoded to RESP once, on the thread running {@code prime}.
 *
 * <p>On a standalone server that honours {@code CLIENT REPLY} (probed at the start of each run)
 * a batch's writes are sent between {@code CLIENT REPLY OFF} and {@code ON}, followed by {@code
 * INFO stats}: the client then handles one reply per batch instead of one per key, which halves
 * its CPU per key. Redis does not say which write failed when replies are off, so a batch counts
 * as written only if the server's count of error replies ({@code total_error_replies}, Redis
 * 6.2+) did not move since the previous batch; if it moved (one of the writes failed, or any
 * other client got an error meanwhile), the batch is sent again with a reply per write, which
 * ends each key by its own reply, and so is the rest of the run. Servers without {@code CLIENT
 * REPLY} or that counter (older versions, proxies, renamed commands) get a reply per write from
 * the start. On a cluster the write is one script call per hash slot.
 *
 * <h2>No stampede: per-key claims</h2>
 * With locking on (the default), a key is loaded only by the run holding its claim: a per-key lock
 * kept in a claim list, one per batch ({@code <lockPrefix>claimlists:<token>:<n>}, named with the
 * run's random token), listed in the claim registry {@code <lockPrefix>claimlists}, a sorted set
 * scoring each live claim list by its expiry on the server's clock ({@code TIME} in the script).
 * (Earlier designs kept claims in one hash, {@code <lockPrefix>claims}, then in one set per batch
 * listed in {@code <lockPrefix>claimsets}: primers of those versions running at the same time
 * meet no key of another type, but the versions do not see each other's claims.) On a cluster
 * both carry a hash tag of the batch's slot ({@code <lockPrefix>claimlists{tag}}, and the list's
 * name starts with it), so the check script can use them with the slot's keys; a {@code
 * lockPrefix} containing {@code '{'} is then refused. A run claims a key unless another run's
 * claim list whose registry entry has not expired holds it. A run that finds no other run's list
 * live stores its batch's claims as one string of 64-bit key hashes ({@code internal.ClaimHashes},
 * 8 bytes per key, sent with the check): one {@code SET} per batch and, on release, its {@code
 * DEL}, no per-key work on the server. Once another run is live, each check stores its claims as
 * a set of the keys ({@code SADD}), intersects it with each other run's live set ({@code SINTER})
 * and compares hashes with each other run's live string, and takes the keys held there out of the
 * set. Two keys with the same hash only make one look held while the other is claimed, never let
 * two runs load a key. A claim left by a run that died blocks only its keys, until its expiry (the
 * lock TTL): the list expires by itself and its registry entry is trimmed by the next check; the
 * registry's own TTL is kept at least as long as the newest claim. The existence check runs after
 * the claims in the same atomic script, so it sees any value written by a previous holder: a
 * holder releases a batch's claims only behind its writes on the same connection ({@code DEL} of
 * the list once all its keys are done: a key skipped or failed stays claimed until then), and only
 * its own (the lists are named by its token). Keys held by another run are re-checked until that
 * run wrote them ({@code ALREADY_CACHED}), the claim expired (this run loads them), or {@link
 * Builder#lockWait} passed ({@code FAILED}, naming the wait). Several primers racing on the same
 * keys therefore call the loader once per key.
 *
 * <p><b>Fencing.</b> A batch whose claims are young, taken less than half the lock TTL ago
 * (measured from sending the check, before the server took them), cannot have lost them: a claim
 * becomes free only when it expires. Its writes are the plain {@code PSETEX}es above, its claims
 * released right behind them. A batch older than that (a loader slower than half the lock TTL) is
 * written by one script call: while the batch's registry entry has not expired every key is
 * written; once it has, only keys that are absent and held by no other run's live claim list
 * are (a key another run claimed and wrote meanwhile keeps that run's value) and the others are
 * re-checked like any key held by another run. The plain path relies on the writes reaching the
 * server within half the lock TTL of being sent (15 s by default).
 *
 * <h2>What each mode costs the server</h2>
 * Redis runs commands on one thread, so the server's work per key bounds the primer's rate.
 * Measured on a 2-core machine against {@code redis-cli --pipe} writing the same keys ({@code
 * benchmarks/redis-prime-vs-pipe.sh}, 1M keys), the server's work per key without the claims and
 * the freshness check ({@link Builder#noLock}, {@link Builder#overwriteFresh}) is about the
 * pipe's; the freshness check adds a share of one {@code EXISTS} per key (and, once another run
 * is live, the script call carrying the keys);
 * the claims of a run alone add one {@code SET} and one {@code DEL} per batch, no per-key work
 * (against about 2.3x the pipe's work with a lock key per key). A single primer (one process,
 * or one elected by a {@link WarmLease}) can turn the claims off.
 * Checks are sent {@value #CHECKS_AHEAD} batches ahead and write replies are awaited while the
 * next batches load ({@value #MAX_BATCHES_IN_FLIGHT} batches in flight at most). A script runs
 * atomically, so Redis serves other clients between script calls, not during one: a batch of
 * 1000 keys holds the server for 1-2 ms; lower {@link Builder#batchSize} where that
 * latency matters.
 *
 * <h2>Another target of the warm engine</h2>
 * The primer is the Redis target of the warm engine: it takes the engine's policies with the
 * same meaning and names (rate caps, request and byte budgets that skip with {@link
 * SkipReason#BUDGET}, a deadline that skips with {@link SkipReason#DEADLINE}, checkpoints in a
 * {@link CheckpointStore} under a plan hash so a killed run resumes, the run completing clears
 * them) and ends in the engine's {@link WarmReport}, where every key has exactly one {@link
 * Outcome} and {@link WarmListener#runFinished} is called with it. It does not reuse the HTTP
 * engine's per-request scheduler: that scheduler sends one request per target, while Redis
 * throughput comes from pipelining thousands of commands per flush, so the unit of scheduling
 * here is a batch and rate caps take permits per batch ({@link RateLimiter}, local or cluster
 * wide with {@link RedisRateLimiter}). Per-target listener events are not sent, because {@link
 * dev.preheat.warm.WarmTarget} names an HTTP URL; the report lists failed keys.
 *
 * <p>Immutable and thread-safe; {@link #prime} may run concurrently on different threads (each
 * run uses its own connection). The loader is called on the thread running {@code prime}.
 *
 * @param <V> the type of values the loader returns
 */
public final class RedisPrimer<V> {

  /** How long the run's last lock releases are awaited before {@link #prime} returns. */
  private static final Duration RELEASE_WAIT = Duration.ofSeconds(5);
  private static final Logger LOG = LoggerFactory.getLogger(RedisPrimer.class);

  /** Keys per pipelined batch unless set: {@value}. */
  public static final int DEFAULT_BATCH_SIZE = 1000;

  /** Lock TTL unless set: 30 s. */
  public static final Duration DEFAULT_LOCK_TTL = Duration.ofSeconds(30);

  /** Lock key prefix unless set: {@value}. */
  public static final String DEFAULT_LOCK_PREFIX = "preheat:lock:";

  /** Write batches awaiting replies at most: {@value}. */
  static final int MAX_BATCHES_IN_FLIGHT = 4;

  /** Consecutive batches failing on the connection before the run stops as unavailable. */
  static final int MAX_BROKEN_BATCHES = 2;

  private final RedisEndpoint endpoint;
  private final ValueSerializer<? super V> serializer;
  private final Duration ttl;
  private final Duration jitter;
  private final @Nullable Duration freshAtLeast;
  private final @Nullable Duration lockTtl;
  private final Duration lockWait;
  private final String lockPrefix;
  private final int batchSize;
  private final @Nullable RateLimiter loaderRate;
  private final @Nullable RateLimiter writeRate;
  private final long maxLoads;
  private final long maxBytes;
  private final @Nullable Duration deadline;
  private final CheckpointStore checkpoints;
  private final WarmListener listener;
  private final Clock clock;
  private final RandomGenerator random;

  private RedisPrimer(Builder<V> b) {
    this.endpoint = b.endpoint;
    this.serializer = b.serializer;
    this.ttl = Objects.requireNonNull(b.ttl, "ttl is required: call ttl(Duration)");
    this.jitter = b.jitter != null ? b.jitter : ttl.dividedBy(10);
    this.freshAtLeast = b.noFreshness ? null : b.freshAtLeast != null ? b.freshAtLeast
        : ttl.dividedBy(2);
    this.lockTtl = b.noLock ? null : b.lockTtl != null ? b.lockTtl : DEFAULT_LOCK_TTL;
    this.lockWait = b.lockWait != null ? b.lockWait
        : lockTtl != null ? lockTtl.plusSeconds(5) : Duration.ZERO;
    this.lockPrefix = b.lockPrefix != null ? b.lockPrefix : DEFAULT_LOCK_PREFIX;
    this.batchSize = b.batchSize != null ? b.batchSize : DEFAULT_BATCH_SIZE;
    this.loaderRate = b.loaderRate;
    this.writeRate = b.writeRate;
    this.maxLoads = b.maxLoads != null ? b.maxLoads : Long.MAX_VALUE;
    this.maxBytes = b.maxBytes != null ? b.maxBytes : Long.MAX_VALUE;
    this.deadline = b.deadline;
    this.checkpoints = b.checkpoints != null ? b.checkpoints : CheckpointStore.NONE;
    this.listener = b.listener != null ? b.listener : WarmListener.NONE;
    this.clock = b.clock != null ? b.clock : Clock.systemUTC();
    this.random = b.random != null ? b.random : RandomGenerator.getDefault();
  }

  /**
   * A builder writing to {@code endpoint} with {@code serializer}.
   *
   * @param <V> the type of values the loader returns
   */
  public static <V> Builder<V> builder(RedisEndpoint endpoint, ValueSerializer<? super V> serializer) {
    return new Builder<>(endpoint, serializer);
  }

  /**
   * The hash naming a priming run of {@code keys} (in order) with this primer's TTL, under which
   * checkpoints are recorded.
   */
  public String planHash(List<String> keys) {
    return PrimeKeys.planHash(planHeader(), keys);
  }

  private String planHeader() {
    return "redis-prime\nttl=" + ttl.toMillis() + "\n";
  }

  /**
   * Primes {@code keys}, hottest first, and returns the report when every key has an outcome.
   * Duplicate keys are primed once. Interrupting the calling thread cancels the run: keys not
   * started end {@code CANCELLED}. A Redis that stops answering ends the run with stop reason
   * {@code redis unavailable} (keys not attempted end {@code CANCELLED}); the checkpoints let a
   * later run of the same keys resume. The run's own connection is opened on a short-lived
   * daemon thread ({@code preheat-redis-open}) while the calling thread checks and hashes the
   * keys; a run whose keys are rejected closes it once it is open.
   *
   * @throws NullPointerException if a key is null
   * @throws IllegalArgumentException if a key is empty
   * @throws RedisUnavailableException if no connection can be opened at the start
   */
  public RedisReport prime(List<String> keys, KeyLoader<? extends V> loader) {
    Objects.requireNonNull(loader, "loader");
    if (endpoint.isCluster() && lockTtl != null && lockPrefix.indexOf('{') >= 0) {
      throw new IllegalArgumentException("lockPrefix \"" + lockPrefix + "\" contains '{': on a"
          + " cluster the primer adds its own hash tag to name one claim registry per hash slot");
    }
    // The run's connection is opened on another thread while this one checks and hashes the
    // keys: the first connection of a process (Netty, Lettuce's command interfaces, the
    // handshake) takes a few hundred milliseconds, as long as both of those on a million keys.
    CompletableFuture<Opened> opening = new CompletableFuture<>();
    Thread opener = new Thread(() -> {
      try {
        opening.complete(open());
      } catch (Throwable t) {
        opening.completeExceptionally(t);
      }
    }, "preheat-redis-open");
    opener.setDaemon(true);
    opener.start();
    PrimeKeys checked;
    try {
      checked = PrimeKeys.of(keys, planHeader());
    } catch (RuntimeException | Error e) {
      opening.thenAccept(o -> endpoint.release(o.link));
      throw e;
    }
    Opened o;
    try {
      o = opening.join();
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw e;
    }
    try {
      return new Run(o.link, checked.keys(), checked.planHash(), loader, o.errorReplies).run();
    } finally {
      endpoint.release(o.link);
    }
  }

  /** The run's connection, and how its writes are answered (see {@link #probeRepliesOff}). */
  private record Opened(Link link, long errorReplies) {}

  private Opened open() {
    Link link = endpoint.dedicated();
    long errorReplies = -1;
    if (!endpoint.isCluster()) {
      try {
        errorReplies = probeRepliesOff(link);
      } catch (RuntimeException | Error e) {
        endpoint.release(link);
        throw e;
      }
      if (errorReplies == PROBE_OUT_OF_STEP) {
        endpoint.release(link);
        link = endpoint.dedicated();
        errorReplies = -1;
      }
    }
    return new Opened(link, errorReplies);
  }

  private static final long PROBE_OUT_OF_STEP = -2;
  private static final byte[] PROBE_QUIET = "preheat-quiet".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] PROBE_LOUD = "preheat-loud".getBytes(StandardCharsets.US_ASCII);

  /**
   * Whether the server runs a batch sent with {@code CLIENT REPLY OFF} as expected (an {@code
   * ECHO} between {@code CLIENT REPLY OFF} and {@code ON} is not answered, the next one is) and
   * reports its count of error replies ({@code INFO stats}, Redis 6.2+): that count, or -1 when
   * the writes must be answered one by one, or {@link #PROBE_OUT_OF_STEP} when the connection's
   * replies may no longer match its commands (it must not be used again).
   */
  private long probeRepliesOff(Link link) {
    try {
      CommandBatch probe = new CommandBatch(CommandType.ECHO, 64);
      probe.command(CommandType.ECHO, 1).bytes(PROBE_QUIET);
      link.connection().dispatch(probe.withRepliesOff(new java.util.concurrent.atomic.AtomicBoolean()));
      RedisFuture<byte[]> loud = link.async().echo(PROBE_LOUD);
      RedisFuture<String> info = link.async().info("stats");
      link.connection().flushCommands();
      long wait = endpoint.commandTimeout().toMillis();
      probe.done().get(wait, TimeUnit.MILLISECONDS);
      if (!java.util.Arrays.equals(loud.get(wait, TimeUnit.MILLISECONDS), PROBE_LOUD)) {
        LOG.debug("{} does not honour CLIENT REPLY OFF; writes are answered one by one", endpoint);
        return PROBE_OUT_OF_STEP;
      }
      if (probe.error(0) != null) {
        return -1;
      }
      return errorReplies(info.get(wait, TimeUnit.MILLISECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return PROBE_OUT_OF_STEP;
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      LOG.debug("CLIENT REPLY probe on {} failed: {}", endpoint, e.toString());
      return PROBE_OUT_OF_STEP;
    }
  }

  /** {@code total_error_replies} of an {@code INFO stats} reply, or -1 if absent. */
  static long errorReplies(@Nullable String info) {
    if (info == null) {
      return -1;
    }
    String field = "total_error_replies:";
    int at = info.indexOf(field);
    if (at < 0) {
      return -1;
    }
    long n = 0;
    int digits = 0;
    for (int i = at + field.length(); i < info.length(); i++) {
      char c = info.charAt(i);
      if (c < '0' || c > '9') {
        break;
      }
      n = n * 10 + (c - '0');
      digits++;
    }
    return digits == 0 || digits > 18 ? -1 : n;
  }

  @Override
  public String toString() {
    return "RedisPrimer[" + endpoint + ", ttl=" + ttl + ", jitter=" + jitter + ", fresh>="
        + freshAtLeast + ", lockTtl=" + lockTtl + ", batch=" + batchSize + "]";
  }

  /** One key's state in a batch. */
  private static final class Pending {
    final String key;
    long pttl = -2;
    boolean locked;
    boolean sent;
    boolean ended;
    long bytes;
    /** The claim list holding this key's claim until it is released; null when none. */
    @Nullable ClaimSet claims;

    Pending(String key) {
      this.key = key;
    }
  }

  /**
   * One batch's claim list (one per hash slot on a cluster): {@code name}, listed in {@code
   * registry}; {@code own} is the prefix of every claim list of the run (their names all start
   * with it). {@code held} counts the keys claimed in it and not yet released: the list is deleted
   * when the last is released.
   */
  private static final class ClaimSet {
    final String registry;
    final String name;
    final byte[] own;
    int held;

    ClaimSet(String registry, String name, byte[] own) {
      this.registry = registry;
      this.name = name;
      this.own = own;
    }
  }

  /**
   * One script call covering the keys of a batch at positions {@code idx} (all of them on a
   * standalone server, one hash slot's on a cluster): taking their claims and reading their
   * freshness ({@link Scripts#CLAIM}, {@code lock} when claims are taken), writing them ({@link
   * Scripts#FENCED_WRITE} or {@link Scripts#WRITE}), or releasing claims.
   */
  private static final class Call {
    final int[] idx;
    final boolean lock;
    final String script;
    final RawArgs args;
    final boolean array;
    RedisFuture<?> reply;
    /** A check call's claim list (when it takes claims). */
    @Nullable ClaimSet claims;
    /**
     * A check sent in the lean form (see {@link Scripts#CLAIM}): the claims without the data keys
     * ({@code reply}; none without claims) and a plain {@code EXISTS} of the keys ({@code exists},
     * the same future as {@code reply} without claims).
     */
    boolean lean;
    @Nullable RedisFuture<?> exists;
    /** Set when the script was sent again with its text after {@code NOSCRIPT}. */
    boolean resent;

    Call(int[] idx, boolean lock, String script, RawArgs args, boolean array,
        RedisFuture<?> reply) {
      this.idx = idx;
      this.lock = lock;
      this.script = script;
      this.args = args;
      this.array = array;
      this.reply = reply;
    }
  }

  /** A batch whose check was sent ({@code sentAt}: {@link System#nanoTime()} before sending). */
  private record Check(List<Pending> pending, boolean check, boolean retrying, List<Call> calls,
      long sentAt) {}

  /**
   * A batch whose writes were sent: script calls ({@code calls}, on a cluster) or plain
   * pipelined commands, one per key ({@code plain}, on a standalone server).
   */
  private record Writes(List<Pending> pending, List<Call> calls, @Nullable CommandBatch plain,
      @Nullable RedisFuture<String> info) {}

  /** The digests of the primer's scripts, as {@code EVALSHA} names them. */
  private static final Map<String, String> SHAS = Map.of(
      Scripts.CLAIM, Scripts.sha1(Scripts.CLAIM),
      Scripts.FENCED_WRITE, Scripts.sha1(Scripts.FENCED_WRITE),
      Scripts.WRITE, Scripts.sha1(Scripts.WRITE));

  /**
   * Whether a server's error says it does not run Lua scripts here: the commands renamed away or
   * disabled ({@code ERR unknown command 'EVALSHA'}), or not allowed for this user ({@code
   * NOPERM}).
   */
  static boolean refusesScripts(String error) {
    String e = error.toLowerCase(java.util.Locale.ROOT);
    boolean scripting = e.contains("'evalsha'") || e.contains("'eval'") || e.contains("'script");
    return scripting && (e.contains("unknown command") || e.contains("noperm"));
  }

  static boolean noScript(Throwable e) {
    Throwable c = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    return c instanceof RedisNoScriptException
        || (c.getMessage() != null && c.getMessage().startsWith("NOSCRIPT"));
  }

  /**
   * Which of a {@link Scripts#CLAIM} call's {@code n} keys were not claimed (held by another
   * run): the reply lists their positions after the count of existing keys and their number.
   */
  static boolean[] notClaimed(List<?> reply, int n) {
    boolean[] held = new boolean[n];
    if ((Long) reply.get(0) < 0) {
      // A lean call that met another run's live claims took none.
      java.util.Arrays.fill(held, true);
      return held;
    }
    int m = (int) (long) (Long) reply.get(1);
    for (int j = 0; j < m; j++) {
      held[(int) (long) (Long) reply.get(2 + j)] = true;
    }
    return held;
  }

  /**
   * How long a batch's claims count as young: half the lock TTL. Within it no other run can
   * have taken them over (a claim is free only once expired), so the batch's writes are plain
   * commands; after it they go through a script checking the claims' expiry.
   */
  private long youngNanos() {
    return lockTtl == null ? Long.MAX_VALUE : lockTtl.toNanos() / 2;
  }

  private static byte[] newToken() {
    UUID u = UUID.randomUUID();
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16);
    b.putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
    return java.util.Base64.getUrlEncoder().withoutPadding().encode(b.array());
  }

  /** Batches whose checks are sent ahead, so the round trip overlaps loading and writing. */
  static final int CHECKS_AHEAD = 3;

  private final class Run {
    private final Link link;
    private final List<String> keys;
    private final KeyLoader<? extends V> loader;
    private final RunTally tally;
    /**
     * The run's token: 128 random bits in 22 base64url characters, so a claim's value ({@code
     * token:expiry}, 36 bytes) stays within Redis's short-string encoding.
     */
    private final byte[] token = newToken();
    private final String tokenText = new String(token, StandardCharsets.US_ASCII);
    /** Numbers the run's claim lists. */
    private long claimSeq;
    /**
     * Set once a lean check met another run's live claims, or keys present while the server
     * runs scripts: later checks are sent in the full form (see {@link Scripts#CLAIM}) at once.
     */
    private boolean fullChecks;
    /** Whether {@code SCRIPT LOAD} of the check script succeeded at the start of the run. */
    private boolean checkScriptLoaded;
    private final ArrayDeque<Writes> inFlight = new ArrayDeque<>();
    /** Keys whose claims this run holds and must release (sent with the next flush). */
    private final List<Pending> releases = new ArrayList<>();
    /** Release commands sent and not yet seen done. */
    private final List<RedisFuture<?>> releasesSent = new ArrayList<>();
    private final Map<String, Instant> waiting = new LinkedHashMap<>();
    private final Set<String> everContended = new java.util.HashSet<>();
    private final Instant deadlineAt;
    private long loads;
    private long bytesWritten;
    private int brokenBatches;
    private @Nullable String stopReason;
    private @Nullable String unavailable;
    /**
     * The server's count of error replies after the last batch written with replies off, or -1
     * when writes are answered one by one (the server does not support it, or an error was seen
     * during this run).
     */
    private long errorReplies;
    /**
     * Set when a batch sent with replies off was answered with something other than {@code OK}:
     * every later reply of the connection may belong to another command, so none is read.
     */
    private final java.util.concurrent.atomic.AtomicBoolean outOfStep =
        new java.util.concurrent.atomic.AtomicBoolean();
    private boolean closedOutOfStep;

    Run(Link link, List<String> keys, String hash, KeyLoader<? extends V> loader,
        long errorReplies) {
      this.link = link;
      this.errorReplies = errorReplies;
      this.keys = keys;
      this.loader = loader;
      this.tally = new RunTally(hash, endpoint.toString(), clock, checkpoints);
      this.deadlineAt = deadline == null ? Instant.MAX : tally.startedAt().plus(deadline);
    }

    RedisReport run() {
      link.connection().setAutoFlushCommands(false);
      loadScripts();
      Set<String> done = checkpoints.finished(tally.planHash());
      int i = 0;
      ArrayDeque<Check> ahead = new ArrayDeque<>();
      while (i < keys.size() || !ahead.isEmpty()) {
        while (stopReason == null && i < keys.size() && ahead.size() < CHECKS_AHEAD) {
          List<String> batch = new ArrayList<>(batchSize);
          i = tally.nextBatch(keys, i, batchSize, done, batch);
          if (!batch.isEmpty()) {
            try {
              ahead.add(issue(batch, false));
            } catch (RuntimeException e) {
              unavailable(e);
              batch.forEach(this::endStopped);
            }
          }
        }
        if (ahead.isEmpty()) {
          break;
        }
        if (!completeOrEnd(ahead.poll())) {
          while (!ahead.isEmpty()) {
            abandon(ahead.poll());
          }
          endRest(keys.subList(i, keys.size()), done);
          break;
        }
      }
      drainAll();
      Instant nextCheck = clock.instant();
      while (!waiting.isEmpty() && stopReason == null) {
        long pause = Math.max(0, Duration.between(clock.instant(), nextCheck).toMillis());
        if (!sleep(pause)) {
          break;
        }
        nextCheck = clock.instant().plusMillis(50);
        List<String> retry = new ArrayList<>(waiting.keySet());
        for (int j = 0; j < retry.size() && stopReason == null; j += batchSize) {
          processOrEnd(retry.subList(j, Math.min(retry.size(), j + batchSize)), true);
        }
        drainAll();
      }
      for (String k : new ArrayList<>(waiting.keySet())) {
        endStopped(k);
      }
      waiting.clear();
      flushReleases();
      if (stopReason == null) {
        checkpoints.clear(tally.planHash());
      }
      tally.contended = everContended.size();
      WarmReport report = tally.report(stopReason, 1.0,
          deadline != null ? deadline : Duration.ofMinutes(15));
      List<String> notes = new ArrayList<>();
      if (unavailable != null) {
        notes.add(unavailable + "; finished keys are checkpointed under plan "
            + tally.planHash().substring(0, 12) + ", so re-running the same keys resumes");
      }
      RedisReport r = new RedisReport(report, endpoint.toString(), tally.fetched, tally.writes,
          tally.contended, tally.rate(), notes, List.of());
      try {
        listener.runFinished(report);
      } catch (RuntimeException e) {
        LOG.warn("listener {} threw on runFinished: {}", listener, e.toString());
      }
      return r;
    }

    /**
     * Caches the run's scripts on the server ({@code SCRIPT LOAD}, one round trip) so batches
     * are sent by digest; a server that refuses or forgets them gets the script with the call
     * instead (see {@link #await(Call)}).
     */
    private void loadScripts() {
      List<RedisFuture<String>> loads = new ArrayList<>();
      RedisFuture<String> claimLoad = null;
      for (String script : SHAS.keySet()) {
        boolean needed = (script.equals(Scripts.WRITE) && endpoint.isCluster() && lockTtl == null)
            || (script.equals(Scripts.CLAIM) && (lockTtl != null || freshAtLeast != null))
            || (script.equals(Scripts.FENCED_WRITE) && lockTtl != null);
        if (needed) {
          RedisFuture<String> f = link.async().scriptLoad(script);
          loads.add(f);
          if (script.equals(Scripts.CLAIM)) {
            claimLoad = f;
          }
        }
      }
      link.connection().flushCommands();
      for (RedisFuture<String> f : loads) {
        try {
          f.get(endpoint.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
          checkScriptLoaded |= f == claimLoad;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
          LOG.debug("SCRIPT LOAD failed on {}: {}", endpoint, e.toString());
        }
      }
    }

    private boolean sleep(long millis) {
      try {
        Thread.sleep(millis);
        return true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stopReason = "cancelled";
        return false;
      }
    }

    /** Processes a batch at once (the retry path); false when the run must stop. */
    private boolean processOrEnd(List<String> batch, boolean retrying) {
      Check c;
      try {
        c = issue(batch, retrying);
      } catch (RuntimeException e) {
        unavailable(e);
        batch.forEach(k -> endStoppedOrWaiting(k, retrying));
        return false;
      }
      return completeOrEnd(c);
    }

    /** Completes a batch whose check was sent; false when the run must stop (its keys ended). */
    private boolean completeOrEnd(Check c) {
      if (stopReason == null && Thread.currentThread().isInterrupted()) {
        stopReason = "cancelled";
      }
      if (stopReason == null && !clock.instant().isBefore(deadlineAt)) {
        stopReason = "deadline";
      }
      if (stopReason != null) {
        abandon(c);
        return false;
      }
      try {
        complete(c);
        return stopReason == null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stopReason = "cancelled";
        return false;
      } catch (ExecutionException | TimeoutException | RuntimeException e) {
        unavailable(e);
        for (Pending p : c.pending) {
          if (c.retrying) {
            waiting.remove(p.key);
          }
          if (!p.ended && !p.sent) {
            endP(p, Outcome.CANCELLED, null, "not primed: " + unavailable);
          }
        }
        return false;
      }
    }

    /** How long any wait for a reply lasts: the command timeout and a second more. */
    private long replyWait() {
      return endpoint.commandTimeout().toMillis() + 1000;
    }

    private void unavailable(Exception e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      String why = RedisEndpoint.rootMessage(cause);
      LOG.warn("a batch failed on {}: {}", endpoint, why);
      if (unavailable == null) {
        unavailable = refusesScripts(why)
            ? endpoint + " refuses Lua scripts (" + why + "): the per-key claims, and the writes"
                + " on a cluster, need EVALSHA, EVAL and SCRIPT LOAD; allow them for this"
                + " connection, or on a standalone server prime with noLock() (one primer, e.g."
                + " the holder of a WarmLease)"
            : endpoint + " unavailable (" + why + ")";
      }
      stopReason = "redis unavailable";
    }

    /** Ends the keys of a batch sent ahead when the run stops; releases locks it took. */
    private void abandon(Check c) {
      if (unavailable == null) {
        try {
          awaitAll(futures(c.calls));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      for (Call call : c.calls) {
        var f = call.reply.toCompletableFuture();
        if (call.lock && f.isDone() && !f.isCompletedExceptionally() && !outOfStep.get()) {
          List<?> r = (List<?>) f.getNow(null);
          if (r != null) {
            boolean[] notClaimed = notClaimed(r, call.idx.length);
            for (int j = 0; j < call.idx.length; j++) {
              if (!notClaimed[j]) {
                Pending p = c.pending.get(call.idx[j]);
                p.claims = call.claims;
                Objects.requireNonNull(call.claims).held++;
                releases.add(p);
              }
            }
          }
        }
      }
      for (Pending p : c.pending) {
        if (!p.ended) {
          p.ended = true;
          endStoppedOrWaiting(p.key, c.retrying);
        }
      }
    }

    private void endStoppedOrWaiting(String k, boolean retrying) {
      if (retrying) {
        waiting.remove(k);
      }
      endStopped(k);
    }

    private void endStopped(String k) {
      String reason = stopReason == null ? "cancelled" : stopReason;
      switch (reason) {
        case "deadline" -> tally.end(k, Outcome.SKIPPED, SkipReason.DEADLINE, null);
        case "request budget", "byte budget" -> tally.end(k, Outcome.SKIPPED, SkipReason.BUDGET,
            null);
        default -> tally.end(k, Outcome.CANCELLED, null,
            unavailable != null ? "not primed: " + unavailable : "run " + reason);
      }
    }

    private void endRest(List<String> rest, Set<String> done) {
      for (String k : rest) {
        if (done.contains(k)) {
          tally.end(k, Outcome.SKIPPED, SkipReason.CHECKPOINTED, null);
        } else {
          endStopped(k);
        }
      }
    }

    /**
     * Sends the claim-and-freshness check of a batch without waiting for the replies: one
     * {@link Scripts#CLAIM} call taking the keys' claims and then reading their existence (one
     * per hash slot on a cluster, where each slot has its own claim registry and sets).
     */
    private Check issue(List<String> batch, boolean retrying) {
      List<Pending> pending = new ArrayList<>(batch.size());
      batch.forEach(k -> pending.add(new Pending(k)));
      boolean check = lockTtl != null || freshAtLeast != null || retrying;
      List<Call> calls = new ArrayList<>();
      long sentAt = System.nanoTime();
      if (check) {
        boolean lean = !retrying && !fullChecks && !endpoint.isCluster();
        for (int[] g : groups(batch)) {
          calls.add(checkCall(pending, g, lockTtl != null, lean));
        }
        flushReleasesInto();
        link.connection().flushCommands();
      }
      return new Check(pending, check, retrying, calls, sentAt);
    }

    /** Positions of {@code keys} grouped so each group is one script call: by hash slot on a cluster. */
    private List<int[]> groups(List<String> keys) {
      if (keys.isEmpty()) {
        return List.of();
      }
      if (!endpoint.isCluster()) {
        int[] all = new int[keys.size()];
        for (int j = 0; j < all.length; j++) {
          all[j] = j;
        }
        return List.of(all);
      }
      Map<Integer, List<Integer>> bySlot = new LinkedHashMap<>();
      for (int j = 0; j < keys.size(); j++) {
        bySlot.computeIfAbsent(SlotHash.getSlot(keys.get(j)), s -> new ArrayList<>()).add(j);
      }
      List<int[]> out = new ArrayList<>(bySlot.size());
      bySlot.values().forEach(l -> out.add(l.stream().mapToInt(Integer::intValue).toArray()));
      return out;
    }

    /**
     * The claim registry listing the claim lists that may hold {@code key}: one per server, or per
     * hash slot on a cluster (named with a hash tag of that slot, so a script can use it and the
     * slot's claim lists, whose names start with it, with the slot's data keys).
     */
    private String claimTable(String key) {
      if (!endpoint.isCluster()) {
        return lockPrefix + "claimlists";
      }
      return lockPrefix + "claimlists{" + SlotTags.tag(SlotHash.getSlot(key)) + "}";
    }

    /**
     * The check of the keys of {@code pending} at {@code idx}, with a new claim list when {@code
     * lock}: one {@link Scripts#CLAIM} call, or when {@code lean} (a standalone server) its lean
     * form followed by a plain {@code EXISTS} of the keys (without claims, the {@code EXISTS}
     * alone); see {@link #apply}.
     */
    private Call checkCall(List<Pending> pending, int[] idx, boolean lock, boolean lean) {
      ClaimSet cs = null;
      if (lock) {
        String registry = claimTable(pending.get(idx[0]).key);
        String own = registry + ":" + tokenText + ":";
        cs = new ClaimSet(registry, own + Long.toString(claimSeq++, 36),
            own.getBytes(StandardCharsets.UTF_8));
      }
      Call call;
      if (!lean) {
        call = send(idx, lock, Scripts.CLAIM, checkArgs(pending, idx, cs, false), true);
      } else if (lock) {
        call = send(idx, true, Scripts.CLAIM, checkArgs(pending, idx, cs, true), true);
        call.exists = exists(pending, idx);
      } else {
        RedisFuture<?> exists = exists(pending, idx);
        // No script: its arguments are never sent.
        call = new Call(idx, false, Scripts.CLAIM, new RawArgs(0), true, exists);
        call.exists = exists;
      }
      call.lean = lean;
      call.claims = cs;
      return call;
    }

    /**
     * The arguments of a {@link Scripts#CLAIM} call; with claims when {@code cs} is not null, in
     * the lean form (no data keys) when {@code lean}.
     */
    private RawArgs checkArgs(List<Pending> pending, int[] idx, @Nullable ClaimSet cs,
        boolean lean) {
      RawArgs a = new RawArgs(lean ? idx.length * 8 + 160 : idx.length * 48 + 160);
      if (cs != null) {
        a.number(lean ? 2 : idx.length + 2).key(cs.registry).key(cs.name);
      } else {
        a.number(idx.length);
      }
      if (!lean) {
        for (int j : idx) {
          a.key(pending.get(j).key);
        }
      }
      a.bytes(cs != null ? cs.own : token)
          .number(cs != null ? Objects.requireNonNull(lockTtl).toMillis() : 0);
      if (cs != null) {
        a.bytes(hashes(pending, idx));
      }
      if (lean) {
        a.number(1);
      }
      return a;
    }

    /** A plain {@code EXISTS} of the keys of {@code pending} at {@code idx}. */
    private RedisFuture<?> exists(List<Pending> pending, int[] idx) {
      RawArgs a = new RawArgs(idx.length * 40 + 16);
      for (int j : idx) {
        a.key(pending.get(j).key);
      }
      tally.commands++;
      return link.async().dispatch(CommandType.EXISTS, new IntegerOutput<>(RawArgs.codec()), a);
    }

    /** The {@link ClaimHashes} of the keys of {@code pending} at {@code idx}, in order. */
    private static byte[] hashes(List<Pending> pending, int[] idx) {
      return ClaimHashes.list(idx.length, j -> pending.get(idx[j]).key);
    }

    /** Sends a script call by its digest ({@code EVALSHA}); see {@link #await(Call)}. */
    private Call send(int[] idx, boolean lock, String script, RawArgs args, boolean array) {
      tally.commands++;
      return new Call(idx, lock, script, args, array, dispatch(CommandType.EVALSHA,
          SHAS.get(script), args, array));
    }

    private RedisFuture<?> dispatch(CommandType type, String first, RawArgs args,
        boolean array) {
      CommandOutput<String, byte[], ?> out = array ? new ArrayOutput<>(RawArgs.codec())
          : new IntegerOutput<>(RawArgs.codec());
      return link.async().dispatch(type, out, args.withFirst(first));
    }

    /**
     * Reads the replies of check calls into their keys (see {@link Scripts#CLAIM}): how many
     * data keys exist, the positions of keys held by another run, then, if any key exists, a PTTL
     * per key (none exist: every PTTL is -2).
     */
    private void apply(List<Pending> pending, List<Call> calls)
        throws InterruptedException, ExecutionException, TimeoutException {
      for (int i = 0; i < calls.size(); i++) {
        Call call = calls.get(i);
        Object reply = await(call);
        String outOfStepWhy = inStepOrStop(null);
        if (outOfStepWhy != null) {
          throw new IllegalStateException(outOfStepWhy);
        }
        if (!call.lean) {
          applyReply(pending, call, (List<?>) reply);
        } else if (call.lock && (Long) ((List<?>) reply).get(0) < 0) {
          // Another run's claims are live: the claims are taken by the full form (this run sends
          // it from now on), which the batch keeps in place of the lean call.
          fullChecks = true;
          Call full = checkCall(pending, call.idx, true, false);
          calls.set(i, full);
          link.connection().flushCommands();
          applyReply(pending, full, (List<?>) await(full));
        } else {
          applyLean(pending, call, reply);
        }
      }
    }

    /**
     * Reads a lean check (see {@link #checkCall}): the claims from the script's reply, then the
     * {@code EXISTS}; when some keys exist, a plain pipelined {@code PTTL} per key reads their
     * TTLs (one more round trip, only for batches with keys present; no script, so a primer
     * without claims needs none), and if the server runs scripts the rest of the run checks in
     * the full form: with keys present, one call reading existence and TTLs costs the client
     * less than a command per key (a million fresh keys: 1.4 s instead of 2.7 s).
     */
    private void applyLean(List<Pending> pending, Call call, Object reply)
        throws InterruptedException, ExecutionException, TimeoutException {
      RedisFuture<?> exists = Objects.requireNonNull(call.exists);
      if (call.lock) {
        applyReply(pending, call, (List<?>) reply);
        if (call.resent) {
          // The EXISTS behind a call refused with NOSCRIPT ran before the claims were taken.
          exists = exists(pending, call.idx);
          link.connection().flushCommands();
        }
      }
      long present = (Long) exists.get(replyWait(), TimeUnit.MILLISECONDS);
      if (present > 0) {
        CommandBatch ttls = new CommandBatch(CommandType.PTTL, call.idx.length * 40);
        for (int j : call.idx) {
          ttls.command(CommandType.PTTL, 1).key(pending.get(j).key);
        }
        tally.commands += call.idx.length;
        link.connection().dispatch(ttls.commands());
        link.connection().flushCommands();
        ttls.done().get(replyWait(), TimeUnit.MILLISECONDS);
        for (int j = 0; j < call.idx.length; j++) {
          String error = ttls.error(j);
          if (error != null) {
            throw new IllegalStateException("PTTL " + pending.get(call.idx[j]).key + ": " + error);
          }
          pending.get(call.idx[j]).pttl = ttls.value(j);
        }
        fullChecks |= checkScriptLoaded;
      }
    }

    private static void applyReply(List<Pending> pending, Call call, List<?> r) {
      boolean anyPresent = ((Long) r.get(0)) > 0;
      int held = (int) (long) (Long) r.get(1);
      boolean[] notClaimed = notClaimed(r, call.idx.length);
      for (int j = 0; j < call.idx.length; j++) {
        Pending p = pending.get(call.idx[j]);
        p.locked = call.lock && !notClaimed[j];
        if (p.locked) {
          p.claims = call.claims;
          Objects.requireNonNull(call.claims).held++;
        }
        p.pttl = anyPresent ? (Long) r.get(2 + held + j) : -2;
      }
    }

    // The per-key loops of a batch each live in a method of their own, apart from the batch's
    // I/O: the JIT compiles a loop with the method around it, and one large method with a loop
    // per step was compiled again for each loop (C2 spent ~1.4 s of CPU on it per million keys,
    // taken from the Redis server on a small machine).

    /**
     * The keys of a checked batch to load: absent keys and keys present with too little TTL, that
     * this run claimed (or no claims are taken); the others end here or wait for their claim.
     */
    private List<Pending> toLoad(List<Pending> pending, boolean retrying) {
      List<Pending> out = new ArrayList<>(pending.size());
      for (int i = 0; i < pending.size(); i++) {
        Pending p = pending.get(i);
        if (p.pttl == -2 && (lockTtl == null || p.locked)) {
          if (!waiting.isEmpty()) {
            waiting.remove(p.key);
          }
          out.add(p);
        } else if (loadable(p, retrying)) {
          out.add(p);
        }
      }
      return out;
    }

    /**
     * Whether a key present, or claimed by another run, is still to be loaded by this run; a
     * fresh key ends {@code ALREADY_CACHED}, a key claimed elsewhere waits (or fails after {@code
     * lockWait}).
     */
    private boolean loadable(Pending p, boolean retrying) {
      long pttl = p.pttl;
      boolean present = pttl != -2;
      String fresh = null;
      if (pttl == -1) {
        fresh = "present without TTL";
      } else if (present && retrying && waiting.containsKey(p.key)) {
        fresh = "written by another primer (" + pttl + " ms TTL left)";
      } else if (present && freshAtLeast != null && pttl >= freshAtLeast.toMillis()) {
        fresh = "fresh: " + pttl + " ms TTL left";
      }
      if (fresh != null) {
        if (p.locked) {
          releases.add(p);
        }
        waiting.remove(p.key);
        endP(p, Outcome.ALREADY_CACHED, null, fresh);
        return false;
      }
      if (lockTtl != null && !p.locked) {
        everContended.add(p.key);
        Instant since = waiting.computeIfAbsent(p.key, k -> clock.instant());
        if (Duration.between(since, clock.instant()).compareTo(lockWait) >= 0) {
          waiting.remove(p.key);
          endP(p, Outcome.FAILED, null, "another primer held the claim on " + p.key + " ("
              + claimTable(p.key) + ") for longer than " + lockWait
              + "; its holder may be stuck: check it, or raise lockWait");
        }
        return false;
      }
      waiting.remove(p.key);
      return true;
    }

    /** Awaits a batch's check, then loads and writes the keys that need it. */
    private void complete(Check c)
        throws InterruptedException, ExecutionException, TimeoutException {
      List<Pending> pending = c.pending;
      boolean check = c.check;
      boolean retrying = c.retrying;
      if (check) {
        awaitAll(futures(c.calls));
        apply(pending, c.calls);
      }
      List<Pending> toLoad = check ? toLoad(pending, retrying) : pending;
      if (toLoad.isEmpty()) {
        return;
      }
      if (loads + toLoad.size() > maxLoads) {
        toLoad = withinLoadBudget(toLoad);
      }
      if (toLoad.isEmpty()) {
        return;
      }
      if (loaderRate != null) {
        RateLimiter.acquire(loaderRate, toLoad.size());
      }
      List<String> names = new ArrayList<>(toLoad.size());
      toLoad.forEach(p -> names.add(p.key));
      loads += names.size();
      tally.fetched += names.size();
      Map<String, Object> values = loader.loadEach(names);
      List<Pending> writes = new ArrayList<>(toLoad.size());
      List<byte[]> payloads = new ArrayList<>(toLoad.size());
      serialize(toLoad, values, writes, payloads);
      if (writes.isEmpty()) {
        return;
      }
      if (writeRate != null) {
        RateLimiter.acquire(writeRate, writes.size());
      }
      write(c, writes, payloads);
    }

    /**
     * The keys within the load budget; those beyond it are skipped, as the engine's request
     * budget does, and the run stops.
     */
    private List<Pending> withinLoadBudget(List<Pending> toLoad) {
      int allowed = (int) Math.max(0, maxLoads - loads);
      for (Pending p : toLoad.subList(allowed, toLoad.size())) {
        if (p.locked) {
          releases.add(p);
        }
        endP(p, Outcome.SKIPPED, SkipReason.BUDGET, null);
      }
      if (stopReason == null) {
        tally.pause("budget");
        listener.paused("*", "load budget of " + maxLoads + " loader calls reached",
            Duration.ZERO);
      }
      stopReason = "request budget";
      return new ArrayList<>(toLoad.subList(0, allowed));
    }

    /**
     * Serializes the loaded values into {@code writes} and {@code payloads} (in step); keys
     * without a value, whose value fails to serialize or beyond the byte budget end here.
     */
    private void serialize(List<Pending> toLoad, Map<String, Object> values,
        List<Pending> writes, List<byte[]> payloads) {
      for (int i = 0; i < toLoad.size(); i++) {
        Pending p = toLoad.get(i);
        Object v = values.get(p.key);
        if (v instanceof KeyFailure f) {
          fail(p, f.describe());
          continue;
        }
        if (v == null) {
          if (p.locked) {
            releases.add(p);
          }
          endP(p, Outcome.UNCACHEABLE, null, "the loader returned no value");
          continue;
        }
        byte[] bytes;
        try {
          @SuppressWarnings("unchecked")
          V value = (V) v;
          bytes = Objects.requireNonNull(serializer.serialize(value), "serializer returned null");
        } catch (Exception e) {
          fail(p, "cannot serialize the value: " + e);
          continue;
        }
        if (maxBytes != Long.MAX_VALUE && bytesWritten + bytes.length > maxBytes) {
          overByteBudget(p);
          continue;
        }
        bytesWritten += bytes.length;
        p.bytes = bytes.length;
        writes.add(p);
        payloads.add(bytes);
      }
    }

    /** Skips a key whose value would exceed the byte budget; the run stops. */
    private void overByteBudget(Pending p) {
      if (p.locked) {
        releases.add(p);
      }
      if (!"byte budget".equals(stopReason)) {
        tally.pause("budget");
        listener.paused("*", "byte budget of " + maxBytes + " bytes reached", Duration.ZERO);
      }
      stopReason = "byte budget";
      endP(p, Outcome.SKIPPED, SkipReason.BUDGET, null);
    }

    /** Sends a batch's writes (plain or by script, see below) behind its check. */
    private void write(Check c, List<Pending> writes, List<byte[]> payloads)
        throws InterruptedException {
      long ttlMs = ttl.toMillis();
      long jitterMs = jitter.toMillis();
      // Fencing: the plain writes below are sent only while the batch's claims are young (taken
      // less than half the lock TTL ago), so no other run can have taken them over when the
      // writes run; an older batch (a slow loader) is written by a script that writes only the
      // keys whose claims still hold this run's token. On a cluster writes are always scripts.
      boolean fenced = lockTtl != null
          && (endpoint.isCluster() || System.nanoTime() - c.sentAt >= youngNanos());
      if (!endpoint.isCluster() && !fenced) {
        // One plain PSETEX per key, pipelined: costs the server what redis-cli --pipe's SETs
        // do, where the same writes inside a script cost ~1.4 times as much.
        CommandBatch plain = plainWrites(writes, payloads, ttlMs, jitterMs);
        RedisFuture<String> info = null;
        if (errorReplies >= 0) {
          // Sent with replies off, followed by INFO: Lettuce handles one command and one reply per
          // batch; the server's error count, unchanged since the previous batch, shows that no
          // write failed (else the batch is sent again with a reply per write, see drainPlain).
          link.connection().dispatch(plain.withRepliesOff(outOfStep));
          info = link.async().info("stats");
          tally.commands += plain.size() + 3;
        } else {
          link.connection().dispatch(plain.commands());
          tally.commands += plain.size();
        }
        flushReleasesInto();
        link.connection().flushCommands();
        inFlight.add(new Writes(writes, List.of(), plain, info));
        while (inFlight.size() > MAX_BATCHES_IN_FLIGHT) {
          drain(inFlight.poll());
        }
        return;
      }
      List<String> written = new ArrayList<>(writes.size());
      writes.forEach(p -> written.add(p.key));
      List<Call> calls = new ArrayList<>();
      for (int[] g : groups(written)) {
        int size = 128;
        for (int j : g) {
          size += writes.get(j).key.length() + payloads.get(j).length + 40;
        }
        RawArgs a = new RawArgs(size);
        a.number(g.length + (fenced ? 2 : 0));
        ClaimSet cs = fenced ? Objects.requireNonNull(writes.get(g[0]).claims) : null;
        if (cs != null) {
          a.key(cs.registry).key(cs.name);
        }
        for (int j : g) {
          a.key(writes.get(j).key);
        }
        if (cs != null) {
          a.bytes(cs.own).bytes(hashes(writes, g));
        }
        for (int j : g) {
          a.number(ttlMs + (jitterMs > 0 ? random.nextLong(jitterMs + 1) : 0));
          a.bytes(payloads.get(j));
          writes.get(j).sent = true;
        }
        calls.add(fenced ? send(g, true, Scripts.FENCED_WRITE, a, true)
            : send(g, false, Scripts.WRITE, a, false));
      }
      flushReleasesInto();
      link.connection().flushCommands();
      inFlight.add(new Writes(writes, calls, null, null));
      while (inFlight.size() > MAX_BATCHES_IN_FLIGHT) {
        drain(inFlight.poll());
      }
    }

    /**
     * One {@code PSETEX} per key of {@code writes}, with its TTL plus jitter. The keys' claims are
     * queued for release right behind the writes: the server runs this connection's commands in
     * order, so a run claiming a key after its release sees the value written (or, if the write
     * failed, rightly loads the key itself). The claim lists left are then those of the batches
     * checked ahead.
     */
    private CommandBatch plainWrites(List<Pending> writes, List<byte[]> payloads, long ttlMs,
        long jitterMs) {
      int size = 64;
      for (int j = 0; j < writes.size(); j++) {
        size += writes.get(j).key.length() + payloads.get(j).length + 64;
      }
      CommandBatch plain = new CommandBatch(CommandType.PSETEX, size);
      for (int j = 0; j < writes.size(); j++) {
        Pending p = writes.get(j);
        plain.command(CommandType.PSETEX, 3).key(p.key)
            .number(ttlMs + (jitterMs > 0 ? random.nextLong(jitterMs + 1) : 0))
            .bytes(payloads.get(j));
        p.sent = true;
        if (p.locked) {
          releases.add(p);
          p.locked = false;
        }
      }
      return plain;
    }

    /** Ends a key whose write was sent: warmed, or failed with {@code why}; true if warmed. */
    private boolean endWrite(Pending p, @Nullable String why) {
      if (why != null) {
        endP(p, Outcome.FAILED, null, "write failed: " + why);
        return false;
      }
      tally.writes++;
      tally.bytes += p.bytes;
      endP(p, Outcome.WARMED, null, null);
      return true;
    }

    private void endP(Pending p, Outcome outcome, @Nullable SkipReason reason,
        @Nullable String detail) {
      p.ended = true;
      tally.end(p.key, outcome, reason, detail);
    }

    private void fail(Pending p, String detail) {
      if (p.locked) {
        releases.add(p);
      }
      endP(p, Outcome.FAILED, null, detail);
    }

    private void drainAll() {
      while (!inFlight.isEmpty()) {
        Writes b = inFlight.poll();
        try {
          drain(b);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          stopReason = "cancelled";
          for (Pending p : b.pending) {
            endP(p, Outcome.CANCELLED, null, "run cancelled while the write was in"
                + " flight (it may have been written)");
          }
        }
      }
    }

    /** Awaits a batch of writes and ends its keys. */
    private void drain(Writes batch) throws InterruptedException {
      if (batch.plain != null) {
        drainPlain(batch, batch.plain);
        return;
      }
      awaitAll(futures(batch.calls));
      int failed = 0;
      String firstError = null;
      for (Call call : batch.calls) {
        String why = null;
        Object reply = null;
        try {
          reply = await(call);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
          Throwable c = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
          why = RedisEndpoint.rootMessage(c);
          if (firstError == null) {
            firstError = why;
          }
        }
        boolean[] lost = new boolean[call.idx.length];
        if (why == null && call.lock && reply instanceof List<?> l) {
          for (Object o : l) {
            lost[(int) (long) (Long) o] = true;
          }
        }
        for (int j = 0; j < call.idx.length; j++) {
          Pending p = batch.pending.get(call.idx[j]);
          if (p.locked) {
            // Written or not, the claim is released (behind the write, on the same connection).
            releases.add(p);
          }
          if (lost[j]) {
            // Fenced: this run's claim expired and another run may have claimed or written the
            // key, so the value was not written. The key is checked again like any key held by
            // another run: it ends ALREADY_CACHED once the other run wrote it.
            LOG.debug("claim on {} lost before its write (loader slower than half the lock TTL"
                + " {}); not written", p.key, lockTtl);
            everContended.add(p.key);
            waiting.putIfAbsent(p.key, clock.instant());
            continue;
          }
          if (!endWrite(p, why)) {
            failed++;
          }
        }
      }
      countBroken(failed == batch.pending.size(), firstError);
    }

    /**
     * Counts a batch whose writes all failed; after {@code MAX_BROKEN_BATCHES} such batches in a
     * row the run stops as "redis unavailable" (naming the first error). A batch with any write
     * that succeeded resets the count.
     */
    private void countBroken(boolean allFailed, String firstError) {
      if (!allFailed) {
        brokenBatches = 0;
      } else if (++brokenBatches >= MAX_BROKEN_BATCHES && stopReason == null) {
        unavailable = endpoint + " unavailable (" + firstError + ")";
        stopReason = "redis unavailable";
      }
    }

    /**
     * Awaits a batch of plain writes and ends each key by its own reply. A batch sent with
     * replies off counts as written only when the server's count of error replies did not change
     * since the previous batch; else (one of its writes failed, or another client got an error
     * meanwhile) it is sent again with a reply per write, and so is the rest of the run.
     */
    private void drainPlain(Writes batch, CommandBatch plain) throws InterruptedException {
      long wait = replyWait();
      String timedOut = null;
      String allFailed = null;
      try {
        plain.done().get(wait, TimeUnit.MILLISECONDS);
        if (outOfStep.get()) {
          allFailed = inStepOrStop(plain.repliesOutOfStep() ? plain.error(0) : null);
        } else if (batch.info != null && plain.size() > 0 && plain.error(0) == null) {
          long now = -1;
          try {
            now = errorReplies(batch.info.get(wait, TimeUnit.MILLISECONDS));
          } catch (ExecutionException | TimeoutException e) {
            LOG.debug("INFO after a batch failed: {}", e.toString());
          }
          boolean clean = errorReplies >= 0 && now == errorReplies;
          if (!clean) {
            LOG.debug("{} issued error replies while a batch was written with replies off ({} ->"
                + " {}); sending it again with a reply per write", endpoint, errorReplies, now);
            errorReplies = -1;
            plain = plain.resend();
            link.connection().dispatch(plain.commands());
            tally.commands += plain.size();
            link.connection().flushCommands();
            plain.done().get(wait, TimeUnit.MILLISECONDS);
            allFailed = inStepOrStop(null);
          } else {
            errorReplies = now;
          }
        }
      } catch (ExecutionException e) {
        // never completed exceptionally; errors are per command
      } catch (TimeoutException e) {
        timedOut = "no reply within " + wait + " ms";
      }
      endPlain(batch.pending, plain, allFailed, timedOut);
    }

    /**
     * Ends the keys of a batch of plain writes: each by its own reply, or all failed with {@code
     * allFailed}, or (no reply) {@code timedOut}.
     */
    private void endPlain(List<Pending> pending, CommandBatch plain, @Nullable String allFailed,
        @Nullable String timedOut) {
      int failed = 0;
      String firstError = null;
      boolean done = plain.done().isDone();
      for (int j = 0; j < pending.size(); j++) {
        Pending p = pending.get(j);
        String why = allFailed != null ? allFailed : done ? plain.error(j) : timedOut;
        if (!endWrite(p, why)) {
          failed++;
          if (firstError == null) {
            firstError = why;
          }
        }
        if (p.locked) {
          releases.add(p);
        }
      }
      countBroken(failed == pending.size(), firstError);
    }

    /**
     * Null while the connection's replies match its commands; else stops the run (once: the
     * connection is closed, the reason noted) and returns why, for the keys being ended. Read
     * after the reply being trusted completed: the flag is set on the event loop before any
     * later reply completes its command.
     */
    private @Nullable String inStepOrStop(@Nullable String cause) {
      if (!outOfStep.get()) {
        return null;
      }
      String why = "replies out of step after a batch sent with CLIENT REPLY OFF"
          + (cause != null ? ": " + cause : "");
      if (!closedOutOfStep) {
        // CLIENT REPLY refused mid-run (a failover to a server without it, an ACL change): each
        // write may have been answered, so later replies would not match their commands. The
        // connection is closed and the run stops; locks it took expire by their TTL.
        closedOutOfStep = true;
        LOG.warn("{}: {}", endpoint, why);
        if (unavailable == null) {
          unavailable = endpoint + " unavailable (" + why + ")";
        }
        stopReason = "redis unavailable";
        link.connection().close();
      }
      return why;
    }

    /**
     * Queues the releases of claims on the connection, flushed with the next batch: per claim
     * list, once none of its keys is held any more, a {@code DEL} of the list and a {@code ZREM} of
     * its registry entry. Keys released before the rest of their batch (fresh, failed or skipped
     * keys) stay claimed until then: a batch's keys are all done within its own write step (or its
     * fenced write's reply), so other runs wait at most that much longer for them. Plain commands,
     * old claims included: a claim list holds only this run's claims (its name carries the run's
     * token), so deleting it never releases another run's claim.
     */
    private void flushReleasesInto() {
      if (releases.isEmpty()) {
        return;
      }
      releasesSent.removeIf(f -> f.toCompletableFuture().isDone());
      for (ClaimSet cs : releasable()) {
        release(CommandType.DEL, new RawArgs(cs.name.length() + 16).key(cs.name));
        release(CommandType.ZREM, new RawArgs(cs.registry.length() + cs.name.length() + 32)
            .key(cs.registry).key(cs.name));
      }
    }

    /** Takes the queued releases: the claim lists left with no key held, to delete. */
    private List<ClaimSet> releasable() {
      List<ClaimSet> empty = new ArrayList<>(2);
      for (int i = 0; i < releases.size(); i++) {
        Pending p = releases.get(i);
        ClaimSet cs = p.claims;
        if (cs != null) {
          p.claims = null;
          if (--cs.held == 0) {
            empty.add(cs);
          }
        }
      }
      releases.clear();
      return empty;
    }

    private void release(CommandType type, RawArgs args) {
      tally.commands++;
      releasesSent.add(link.async().dispatch(type, new IntegerOutput<>(RawArgs.codec()), args));
    }

    private void flushReleases() {
      if (releases.isEmpty() && releasesSent.isEmpty()) {
        return;
      }
      try {
        flushReleasesInto();
        link.connection().flushCommands();
        // The run's releases are awaited (bounded), so no claim outlives prime()'s return.
        long until = System.nanoTime() + RELEASE_WAIT.toNanos();
        for (RedisFuture<?> f : releasesSent) {
          long left = until - System.nanoTime();
          if (left <= 0) {
            break;
          }
          f.get(left, TimeUnit.NANOSECONDS);
        }
        releasesSent.clear();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException | RuntimeException e) {
        // Claims expire by themselves after lockTtl; a failed release only delays other primers.
        LOG.debug("releasing claims failed: {}", e.toString());
      }
    }

    /**
     * Waits once for a whole batch: waiting on each future in turn would wake this thread once
     * per key, and on a busy machine each wake-up costs a scheduling delay. Failures are read
     * per key afterwards.
     */
    private void awaitAll(List<RedisFuture<?>> futures) throws InterruptedException {
      if (futures.isEmpty()) {
        return;
      }
      if (!endpoint.isCluster()) {
        // One connection completes its commands in order: when the last is done, all are.
        try {
          futures.get(futures.size() - 1).toCompletableFuture()
              .get(replyWait(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
          // read per key by the caller
        }
        return;
      }
      java.util.concurrent.CompletableFuture<?>[] cfs =
          new java.util.concurrent.CompletableFuture<?>[futures.size()];
      for (int j = 0; j < cfs.length; j++) {
        cfs[j] = futures.get(j).toCompletableFuture();
      }
      try {
        java.util.concurrent.CompletableFuture.allOf(cfs)
            .get(replyWait(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        // read per key by the caller
      }
    }

    private static List<RedisFuture<?>> futures(List<Call> calls) {
      List<RedisFuture<?>> fs = new ArrayList<>(calls.size());
      for (Call c : calls) {
        fs.add(c.reply);
        if (c.exists != null && c.exists != c.reply) {
          fs.add(c.exists);
        }
      }
      return fs;
    }

    /**
     * The reply of a script call; a call refused because the server does not have the script
     * cached ({@code NOSCRIPT}: a restarted or failed-over server, {@code SCRIPT FLUSH}) is sent
     * again with the script itself ({@code EVAL}, which caches it), as nothing of it ran.
     */
    private Object await(Call call)
        throws InterruptedException, ExecutionException, TimeoutException {
      long wait = replyWait();
      try {
        return call.reply.get(wait, TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        if (!noScript(e)) {
          throw e;
        }
        call.reply = dispatch(CommandType.EVAL, call.script, call.args, call.array);
        call.resent = true;
        link.connection().flushCommands();
        return call.reply.get(wait, TimeUnit.MILLISECONDS);
      }
    }
  }

  /**
   * Builds a {@link RedisPrimer}. Every setting may be given once; a second call throws {@link
   * IllegalStateException}. Only {@link #ttl} is required. Not thread-safe.
   *
   * @param <V> the type of values the loader returns
   */
  public static final class Builder<V> {
    private final RedisEndpoint endpoint;
    private final ValueSerializer<? super V> serializer;
    private @Nullable Duration ttl;
    private @Nullable Duration jitter;
    private @Nullable Duration freshAtLeast;
    private boolean noFreshness;
    private @Nullable Duration lockTtl;
    private boolean noLock;
    private @Nullable Duration lockWait;
    private @Nullable String lockPrefix;
    private @Nullable Integer batchSize;
    private @Nullable RateLimiter loaderRate;
    private @Nullable RateLimiter writeRate;
    private @Nullable Long maxLoads;
    private @Nullable Long maxBytes;
    private @Nullable Duration deadline;
    private @Nullable CheckpointStore checkpoints;
    private @Nullable WarmListener listener;
    private @Nullable Clock clock;
    private @Nullable RandomGenerator random;

    private Builder(RedisEndpoint endpoint, ValueSerializer<? super V> serializer) {
      this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
      this.serializer = Objects.requireNonNull(serializer, "serializer");
    }

    private static void once(@Nullable Object current, String name) {
      if (current != null) {
        throw new IllegalStateException(name + " was already set to " + current);
      }
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be > 0 but was " + d);
      }
      return d;
    }

    private static double rate(double perSecond, String name) {
      if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
        throw new IllegalArgumentException(name + " must be a finite number > 0 but was "
            + perSecond);
      }
      return perSecond;
    }

    /**
     * The TTL of primed keys (required; at least 1 ms). Each key gets {@code ttl} plus a random
     * jitter in {@code [0, jitter]}.
     */
    public Builder<V> ttl(Duration ttl) {
      once(this.ttl, "ttl");
      this.ttl = positive(ttl, "ttl");
      if (ttl.toMillis() < 1) {
        throw new IllegalArgumentException("ttl must be at least 1 ms but was " + ttl);
      }
      return this;
    }

    /** The largest random extra TTL; default a tenth of the TTL. Zero turns jitter off. */
    public Builder<V> jitter(Duration jitter) {
      once(this.jitter, "jitter");
      Objects.requireNonNull(jitter, "jitter");
      if (jitter.isNegative()) {
        throw new IllegalArgumentException("jitter must be >= 0 but was " + jitter);
      }
      this.jitter = jitter;
      return this;
    }

    /**
     * A key already in Redis is skipped ({@code ALREADY_CACHED}) when its remaining TTL is at
     * least {@code remaining} (or it has no TTL); default half the TTL.
     */
    public Builder<V> skipIfTtlAtLeast(Duration remaining) {
      once(this.freshAtLeast, "skipIfTtlAtLeast");
      if (noFreshness) {
        throw new IllegalStateException("skipIfTtlAtLeast conflicts with overwriteFresh()");
      }
      this.freshAtLeast = positive(remaining, "skipIfTtlAtLeast");
      return this;
    }

    /** Writes every key even when Redis holds it with TTL to spare (no {@code PTTL} check). */
    public Builder<V> overwriteFresh() {
      if (freshAtLeast != null || noFreshness) {
        throw new IllegalStateException("the freshness check was already configured");
      }
      noFreshness = true;
      return this;
    }

    /**
     * The per-key claim's TTL (default 30 s): longer than the loader takes for one batch. A
     * batch still loading after half of it is written through the fenced script (see the class
     * documentation).
     */
    public Builder<V> lockTtl(Duration lockTtl) {
      once(this.lockTtl, "lockTtl");
      if (noLock) {
        throw new IllegalStateException("lockTtl conflicts with noLock()");
      }
      this.lockTtl = positive(lockTtl, "lockTtl");
      return this;
    }

    /**
     * Turns the per-key lock off: for a single primer (one process, or the holder of a {@link
     * WarmLease}), where the claims only cost the server a little per batch. Without claims a
     * standalone server is primed without Lua scripts unless it runs them and keys are present
     * (see the class documentation), so this also primes a server whose scripting commands are
     * renamed or not allowed for the user.
     */
    public Builder<V> noLock() {
      if (lockTtl != null || noLock) {
        throw new IllegalStateException("the lock was already configured");
      }
      noLock = true;
      return this;
    }

    /** How long to wait for a key locked by another primer; default the lock TTL plus 5 s. */
    public Builder<V> lockWait(Duration wait) {
      once(this.lockWait, "lockWait");
      this.lockWait = positive(wait, "lockWait");
      return this;
    }

    /**
     * The prefix of the claim registry's and claim lists' names ({@code <prefix>claimlists}, {@code
     * <prefix>claimlists:<token>:<n>}; per hash slot on a cluster, where the prefix must not contain
     * {@code '{'}); default {@value
     * RedisPrimer#DEFAULT_LOCK_PREFIX}.
     */
    public Builder<V> lockPrefix(String prefix) {
      once(this.lockPrefix, "lockPrefix");
      this.lockPrefix = Objects.requireNonNull(prefix, "lockPrefix");
      return this;
    }

    /** Keys per pipelined batch, 1..100000; default {@value RedisPrimer#DEFAULT_BATCH_SIZE}. */
    public Builder<V> batchSize(int size) {
      once(this.batchSize, "batchSize");
      if (size < 1 || size > 100_000) {
        throw new IllegalArgumentException("batchSize must be in 1..100000 but was " + size);
      }
      this.batchSize = size;
      return this;
    }

    /** The cap on keys handed to the loader per second (protects the source of truth). */
    public Builder<V> loaderRate(double perSecond) {
      return loaderRate(RateLimiter.local(rate(perSecond, "loaderRate"),
          (int) Math.max(1, Math.min(perSecond, DEFAULT_BATCH_SIZE))));
    }

    /** The loader cap as a limiter, e.g. a {@link RedisRateLimiter} shared by all instances. */
    public Builder<V> loaderRate(RateLimiter limiter) {
      once(this.loaderRate, "loaderRate");
      this.loaderRate = Objects.requireNonNull(limiter, "limiter");
      return this;
    }

    /** The cap on values written to Redis per second. */
    public Builder<V> writeRate(double perSecond) {
      return writeRate(RateLimiter.local(rate(perSecond, "writeRate"),
          (int) Math.max(1, Math.min(perSecond, DEFAULT_BATCH_SIZE))));
    }

    /** The write cap as a limiter, e.g. a {@link RedisRateLimiter} shared by all instances. */
    public Builder<V> writeRate(RateLimiter limiter) {
      once(this.writeRate, "writeRate");
      this.writeRate = Objects.requireNonNull(limiter, "limiter");
      return this;
    }

    /**
     * The load budget: at most {@code max} keys are handed to the loader; the rest are skipped
     * with {@link SkipReason#BUDGET} and the run stops with reason {@code request budget}.
     */
    public Builder<V> maxLoads(long max) {
      once(this.maxLoads, "maxLoads");
      if (max < 1) {
        throw new IllegalArgumentException("maxLoads must be >= 1 but was " + max);
      }
      this.maxLoads = max;
      return this;
    }

    /** The byte budget on values written; beyond it keys are skipped with {@link SkipReason#BUDGET}. */
    public Builder<V> maxBytes(long max) {
      once(this.maxBytes, "maxBytes");
      if (max < 1) {
        throw new IllegalArgumentException("maxBytes must be >= 1 but was " + max);
      }
      this.maxBytes = max;
      return this;
    }

    /**
     * The deadline from the start: no batch starts after it; keys not started are skipped with
     * {@link SkipReason#DEADLINE}. Writes in flight are awaited.
     */
    public Builder<V> deadline(Duration deadline) {
      once(this.deadline, "deadline");
      this.deadline = positive(deadline, "deadline");
      return this;
    }

    /** Where finished keys are recorded so a restarted run skips them; default none. */
    public Builder<V> checkpoints(CheckpointStore store) {
      once(this.checkpoints, "checkpoints");
      this.checkpoints = Objects.requireNonNull(store, "checkpoints");
      return this;
    }

    /** Receives {@code runFinished} and budget pauses. */
    public Builder<V> listener(WarmListener listener) {
      once(this.listener, "listener");
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** The clock for the deadline and the report; default the system clock. */
    public Builder<V> clock(Clock clock) {
      once(this.clock, "clock");
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The random source of TTL jitter; tests pass a seeded one. */
    public Builder<V> random(RandomGenerator random) {
      once(this.random, "random");
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * The primer.
     *
     * @throws NullPointerException if the TTL was not set
     * @throws IllegalArgumentException if {@code skipIfTtlAtLeast} exceeds the TTL plus jitter
     *     (every key would be rewritten)
     */
    public RedisPrimer<V> build() {
      if (ttl == null) {
        throw new NullPointerException("ttl is required: call ttl(Duration)");
      }
      if (freshAtLeast != null && freshAtLeast.compareTo(ttl.plus(
          jitter == null ? ttl.dividedBy(10) : jitter)) > 0) {
        throw new IllegalArgumentException("skipIfTtlAtLeast (" + freshAtLeast
            + ") is longer than the TTL plus jitter, so no primed key would ever count as fresh");
      }
      return new RedisPrimer<>(this);
    }
  }
}
