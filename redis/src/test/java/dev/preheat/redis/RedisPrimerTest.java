package dev.preheat.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.preheat.redis.internal.ClaimHashes;
import dev.preheat.redis.internal.Scripts;
import dev.preheat.redis.testing.RedisServer;
import dev.preheat.report.ReportWriter;
import dev.preheat.spi.CheckpointStore;
import dev.preheat.warm.Outcome;
import dev.preheat.warm.SkipReason;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.ObjectMapper;

class RedisPrimerTest {

  static RedisServer server;
  static RedisEndpoint endpoint;

  @BeforeAll
  static void start() {
    server = RedisServer.start();
    endpoint = RedisEndpoint.open(server.uri(), Duration.ofSeconds(3));
  }

  @AfterAll
  static void stop() {
    if (endpoint != null) {
      endpoint.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void flush() {
    server.cli("FLUSHALL");
  }

  static List<String> keys(String prefix, int n) {
    return IntStream.range(0, n).mapToObj(i -> prefix + i).toList();
  }

  static KeyLoader<String> echo(AtomicInteger calls) {
    return ks -> {
      calls.addAndGet(ks.size());
      Map<String, String> m = new HashMap<>();
      ks.forEach(k -> m.put(k, "value-of-" + k));
      return m;
    };
  }

  static long stat(String commandstats, String command) {
    var m = java.util.regex.Pattern.compile("cmdstat_" + java.util.regex.Pattern.quote(command)
        + ":calls=(\\d+),").matcher(commandstats);
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  @Test
  void theLockedDefaultSendsAFewScriptCallsPerBatchAndOnePlainWritePerKey() {
    RedisPrimer<String> primer = RedisPrimer.builder(endpoint, ValueSerializer.strings())
        .ttl(Duration.ofSeconds(60)).batchSize(1000).build();
    server.cli("CONFIG", "RESETSTAT");
    server.cli("CONFIG", "SET", "slowlog-log-slower-than", "0");
    server.cli("CONFIG", "SET", "slowlog-max-len", "10000");
    server.cli("SLOWLOG", "RESET");
    RedisReport r = primer.prime(keys("c:", 2500), echo(new AtomicInteger()));
    String log = server.cli("SLOWLOG", "GET", "10000");
    server.cli("CONFIG", "SET", "slowlog-log-slower-than", "10000");

    assertThat(r.warm().totals().count(Outcome.WARMED)).isEqualTo(2500);
    String stats = server.cli("INFO", "commandstats");
    // Per batch of 1000: one claim script call, by digest (SCRIPT LOAD first), in the lean form
    // (the registry and the batch's claim list its only keys), storing the batch's claim list
    // (the keys' hashes) with one SET; with no other run there is nothing to compare. Behind it
    // a plain EXISTS of the batch's keys. Once written, the batch's claims are released by
    // deleting its list (DEL) and its registry entry (ZREM), no per-key release.
    long scripts = stat(stats, "evalsha");
    assertThat(scripts).isEqualTo(3);
    // redis-cli prints each logged command's arguments on lines of their own: EVALSHA, the
    // digest, then the number of keys.
    List<String> lines = log.lines().toList();
    List<String> numKeys = new ArrayList<>();
    for (int j = 0; j + 2 < lines.size(); j++) {
      if (lines.get(j).equalsIgnoreCase("evalsha")) {
        numKeys.add(lines.get(j + 2));
      }
    }
    assertThat(numKeys).containsExactly("2", "2", "2");
    assertThat(log.lines().filter(l -> l.equalsIgnoreCase("exists")).count()).isEqualTo(3);
    assertThat(stats).doesNotContain("cmdstat_eval:");
    assertThat(stat(stats, "set")).isEqualTo(3);
    assertThat(stats).doesNotContain("cmdstat_get:").doesNotContain("cmdstat_sadd:")
        .doesNotContain("cmdstat_srem:").doesNotContain("cmdstat_setrange:");
    assertThat(stat(stats, "exists")).isEqualTo(3);
    assertThat(stat(stats, "del")).isEqualTo(3);
    assertThat(stat(stats, "zrem")).isEqualTo(3);
    long releases = 3 + 3;
    // The writes are plain PSETEXes, sent with replies off: CLIENT REPLY OFF and ON around each
    // batch and an INFO after it (plus one of each for the probe at the start).
    assertThat(stat(stats, "psetex")).isEqualTo(2500);
    assertThat(stat(stats, "client|reply")).isEqualTo(2 + 3 * 2);
    assertThat(stat(stats, "info")).isEqualTo(1 + 3);
    assertThat(r.warm().totals().requestsSent())
        .isEqualTo(scripts + 3 + releases + 2500 + 3 * 3);
    assertThat(server.cli("DBSIZE")).as("every claim released").isEqualTo("2500");
  }

  @Test
  void writesThatFailWithRepliesOffAreSentAgainAndEndedByTheirOwnReply() {
    // A user that may write ok:* only: the no:* writes of each batch fail with NOPERM.
    server.cli("ACL", "SETUSER", "limited", "on", ">pw", "~ok:*", "+@all");
    try (RedisEndpoint limited = RedisEndpoint.open(
        "redis://limited:pw@127.0.0.1:" + server.port(), Duration.ofSeconds(3))) {
      RedisPrimer<String> primer = RedisPrimer.builder(limited, ValueSerializer.strings())
          .ttl(Duration.ofSeconds(60)).noLock().overwriteFresh().batchSize(50).build();
      List<String> keys = new java.util.ArrayList<>();
      for (int i = 0; i < 100; i++) {
        keys.add("ok:" + i);
        keys.add("no:" + i);
      }
      server.cli("CONFIG", "RESETSTAT");
      RedisReport r = primer.prime(keys, echo(new AtomicInteger()));

      assertThat(r.warm().totals().count(Outcome.WARMED)).isEqualTo(100);
      assertThat(r.warm().totals().count(Outcome.FAILED)).isEqualTo(100);
      assertThat(r.warm().problems()).allSatisfy(p -> {
        assertThat(p.key()).startsWith("no:");
        assertThat(p.detail()).contains("NOPERM");
      });
      assertThat(server.cli("GET", "ok:7")).isEqualTo("value-of-ok:7");
      assertThat(server.cli("EXISTS", "no:7")).isEqualTo("0");
    } finally {
      server.cli("ACL", "DELUSER", "limited");
    }
  }

  @Test
  void clientReplyRefusedMidRunStopsTheRunInsteadOfReadingRepliesOutOfStep() {
    server.cli("ACL", "SETUSER", "revoked", "on", ">pw", "~*", "+@all");
    try (RedisEndpoint e = RedisEndpoint.open(
        "redis://revoked:pw@127.0.0.1:" + server.port(), Duration.ofSeconds(3))) {
      RedisPrimer<String> primer = RedisPrimer.builder(e, ValueSerializer.strings())
          .ttl(Duration.ofSeconds(60)).lockTtl(Duration.ofSeconds(5)).batchSize(100).build();
      AtomicInteger calls = new AtomicInteger();
      RedisReport r = primer.prime(keys("o:", 1000), ks -> {
        if (calls.incrementAndGet() == 2) {
          server.cli("ACL", "SETUSER", "revoked", "-client"); // CLIENT REPLY OFF now refused
        }
        Map<String, String> m = new HashMap<>();
        ks.forEach(k -> m.put(k, "value-of-" + k));
        return m;
      });
      var t = r.warm().totals();
      assertThat(t.outcomeSum()).isEqualTo(1000);
      assertThat(r.warm().stopReason()).isEqualTo("redis unavailable");
      assertThat(r.notes()).anySatisfy(n -> assertThat(n).contains("out of step"));
      // No reply read after the refusal is trusted: batches drained after it end failed (even
      // those written before it), the rest cancelled; a key reported warmed is in Redis.
      assertThat(calls.get()).as("the run stopped").isLessThan(10);
      long warmed = t.count(Outcome.WARMED);
      assertThat(t.count(Outcome.FAILED) + t.count(Outcome.CANCELLED)).isEqualTo(1000 - warmed);
      long present = Long.parseLong(server.cli("EVAL", "return #redis.call('keys', 'o:*')", "0"));
      assertThat(present).isGreaterThanOrEqualTo(warmed);
    } finally {
      server.cli("ACL", "DELUSER", "revoked");
    }
  }

  @Test
  void anErrorOfAnotherClientMidRunOnlyMakesItsBatchBeSentAgain() {
    RedisPrimer<String> primer = RedisPrimer.builder(endpoint, ValueSerializer.strings())
        .ttl(Duration.ofSeconds(60)).noLock().overwriteFresh().batchSize(100).build();
    AtomicInteger calls = new AtomicInteger();
    server.cli("CONFIG", "RESETSTAT");
    RedisReport r = primer.prime(keys("e:", 1000), ks -> {
      if (calls.incrementAndGet() == 3) {
        server.cli("NO-SUCH-COMMAND"); // an error reply to another client, counted by the server
      }
      Map<String, String> m = new HashMap<>();
      ks.forEach(k -> m.put(k, "v"));
      return m;
    });
    assertThat(r.warm().totals().count(Outcome.WARMED)).isEqualTo(1000);
    assertThat(r.warm().problems()).isEmpty();
    assertThat(server.cli("DBSIZE")).isEqualTo("1000");
    // At least the batch in whose window the error fell was written twice.
    assertThat(stat(server.cli("INFO", "commandstats"), "psetex")).isGreaterThanOrEqualTo(1100);
  }

  @Test
  void aServerWithoutClientReplyGetsAReplyPerWriteAndTheConnectionStaysInStep() {
    try (RedisServer renamed = RedisServer.start("rename-command", "CLIENT renamed-client");
        RedisEndpoint e = RedisEndpoint.open(renamed.uri(), Duration.ofSeconds(3))) {
      RedisPrimer<String> primer = RedisPrimer.builder(e, ValueSerializer.strings())
          .ttl(Duration.ofSeconds(60)).batchSize(100).build();
      RedisReport r = primer.prime(keys("r:", 500), echo(new AtomicInteger()));
      assertThat(r.warm().totals().count(Outcome.WARMED)).isEqualTo(500);
      assertThat(renamed.cli("GET", "r:42")).isEqualTo("value-of-r:42");
      assertThat(renamed.cli("DBSIZE")).as("every lock released").isEqualTo("500");
      assertThat(stat(renamed.cli("INFO", "commandstats"), "psetex")).isEqualTo(500);
    }
  }

  @Test
  void aScriptCacheFlushedMidRunIsRefilledByResendingTheScripts() {
    RedisPrimer<String> primer = RedisPrimer.builder(endpoint, ValueSerializer.strings())
        .ttl(Duration.ofSeconds(60)).batchSize(100).build();
    AtomicInteger calls = new AtomicInteger();
    RedisReport r = primer.prime(keys("nos:", 1000), ks -> {
      if (calls.getAndIncrement() % 3 == 1) {
        server.cli("SCRIPT", "FLUSH"); // the next EVALSHAs are refused with NOSCRIPT
      }
      Map<String, String> m = new HashMap<>();
      ks.forEach(k -> m.put(k, "v"));
      return m;
    });
    assertThat(r.warm().totals().count(Outcome.WARMED)).isEqualTo(1000);
    assertThat(r.warm().stopReason()).isNull();
    assertThat(server.cli("INFO", "commandstats")).contains("cmdstat_eval:");
    assertThat(server.cli("DBSIZE")).as("every lock released").isEqualTo("1000");
  }

  @Test
  void batchesFindingFreshKeysSwitchTheRunToTheFullCheckThatReadsTtlsInOneCall() {
    for (int i = 0; i < 500; i++) {
      server.cli("SET", "warm:" + i, "old", "EX", "1000");
    }
    server.cli("CONFIG", "SET", "slowlog-log-slower-than", "0");
    server.cli("CONFIG", "SET", "slowlog-max-len", "10000");
    server.cli("SLOWLOG", "RESET");
    AtomicInteger loads = new AtomicInteger();
    RedisReport r = RedisPrimer.builder(endpoint, ValueSerializer.strings())
        .ttl(Duration.ofSeconds(60)).batchSize(100).build().prime(keys("warm:", 500), echo(loads));
    String log = server.cli("SLOWLOG", "GET", "10000");
    server.cli("CONFIG", "SET", "slowlog-log-slower-than", "10000");

    assertThat(r.warm().totals().count(Outcome.ALREADY_CACHED)).as(r.text()).isEqualTo(500);
    assertThat(loads.get()).isZero();
    // SLOWLOG lists the newest first: the three batches sent ahead at the start were lean (2
    // keys: the registry and the claim list), then the first one's keys were found present and
    // the two batches sent after it carry their keys.
    List<String> lines = log.lines().toList();
    List<String> numKeys = new ArrayList<>();
    for (int j = 0; j + 2 < lines.size(); j++) {
      if (lines.get(j).equalsIgnoreCase("evalsha")) {
        numKeys.add(0, lines.get(j + 2));
      }
    }
    assertThat(numKeys).containsExactly("2", "2", "2", "102", "102");
    // The lean batches' keys were read fresh by a plain PTTL each (all 500 ended already
    // cached, none loaded); Redis 7 also logs the commands a script runs, so count at least.
    assertThat(log.lines().filter(l -> l.equalsIgnoreCase("pttl")).count())
        .isGreaterThanOrEqualTo(300);
  }

  @Test
  void aServerRefusingScriptsFailsTheClaimsClearlyAndPrimesWithoutThem() {
    try (RedisServer noLua = RedisServer.start("rename-command", "EVALSHA renamed-evalsha",
        "rename-command", "EVAL renamed-eval", "rename-command", "SCRIPT renamed-script");
        RedisEndpoint ep = RedisEndpoint.open(noLua.uri(), Duration.ofSeconds(3))) {
      RedisReport r = RedisPrimer.builder(ep, ValueSerializer.strings())
          .ttl(Duration.ofSeconds(60)).build().prime(keys("lua:", 300), echo(new AtomicInteger()));
      assertThat(r.warm().totals().count(Outcome.CANCELLED)).isEqualTo(300);
      assertThat(r.warm().stopReason()).isEqualTo("redis unavailable");
      assertThat(String.join("\n", r.notes())).contains("refuses Lua scripts")
          .contains("unknown command").contains("noLock()");
      assertThat(noLua.cli("DBSIZE")).isEqualTo("0");
      // Without claims the check is a plain EXISTS: no script at all.
      noLua.cli("SET", "lua:7", "old", "EX", "1000");
      AtomicInteger loads = new AtomicInteger();
      r = RedisPrimer.builder(ep, ValueSerializer.strings()).ttl(Duration.ofSeconds(60)).noLock()
          .build().prime(keys("lua:", 300), echo(loads));
      assertThat(r.warm().totals().count(Outcome.WARMED)).as(r.text()).isEqualTo(299);
      assertThat(r.warm().totals().count(Outcome.ALREADY_CACHED)).isEqualTo(1);
      assertThat(loads.get()).isEqualTo(299);
      assertThat(noLua.cli("GET", "lua:7")).isEqualTo("old");
    }
  }

  @Test
  void scriptRefusalsAreToldApartFromOtherErrors() {
    assertThat(RedisPrimer.refusesScripts(
        "NOPERM User primer has no permissions to run the 'evalsha' command")).isTrue();
    assertThat(RedisPrimer.refusesScripts("ERR unknown command 'EVAL', with args beginning with:"))
        .isTrue();
    assertThat(RedisPrimer.refusesScripts(
        "OOM command not allowed when used memory > 'maxmemory'.")).isFalse();
    assertThat(RedisPrimer.refusesScripts("ERR unknown command 'PSETEX'")).isFalse();
    assertThat(RedisPrimer.refusesScripts("NOSCRIPT No matching script.")).isFalse();
  }

  @Test
  void writesValuesWithTtlPlusJitterSoKeysDoNotExpireTogether() {
    RedisPrimer<String> primer = RedisPrimer.builder(endpoint, ValueSerializer.strings())
        .ttl(Duration.ofSeconds(60)).jitter(Duration.ofSeconds(10)).batchSize(64)
        .random(RandomGenerator.of("L64X128MixRandom")).build();
    AtomicInteger calls = new AtomicInteger();
    RedisReport r = primer.prime(keys("p:", 300), echo(calls));

    assertThat(r.warm().totals().count(Outcome.WARMED)).isEqualTo(300);
    assertThat(r.warm().totals().outcomeSum()).isEqualTo(300);
    assertThat(r.warm().stopReason()).isNull();
    assertThat(calls.get()).isEqualTo(300);
    assertThat(server.cli("GET", "p:17")).isEqualTo("value-of-p:17");
    Set<Long> ttls = new HashSet<>();
    for (int i = 0; i < 300; i += 10) {
      long pttl = Long.parseLong(server.cli("PTTL", "p:" + i));
      assertThat(pttl).isBetween(50_000L, 70_000L);
      ttls.add(pttl / 1000);
    }
    assertThat(ttls).as("TTLs spread by jitter").hasSizeGreaterThan(3);
    assertThat(r.text()).contains("warmed 300");
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "claims {0}")
  @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
  void skipsKeysThatAreFreshAndRewritesKeysAboutToExpire(boolean claims) {
    server.cli("SET", "f:fresh", "old", "EX", "1000");
    server.cli("SET", "f:stale", "old", "PX", "5000");
    server.cli("SET", "f:forever", "old");
    RedisPrimer.Builder<String> b = RedisPrimer.builder(endpoint, ValueSerializer.strings())
        .ttl(Duration.ofSeconds(600)).skipIfTtlAtLeast(Duration.ofSeconds(60));
    RedisPrimer<String> primer = (claims ? b : b.noLock()).build();
    List<String> asked = new ArrayList<>();
    RedisReport r = primer.prime(List.of("f:fresh", "f:stale", "f:forever", "f:missing"),
        ks -> {
          asked.addAll(ks);
          Map<String, String> m = new HashMap<>();
          ks.forEach(k -> m.put(k, "new"));
          return m;
        });

    assertThat(asked).containsExactlyInAnyOrder("f:stale", "f:missing");
    assertThat(r.warm().totals().count(Outcome.ALREADY_CACHED)).isEqualTo(2);
    assertThat(r.warm().totals().count(Outcome.WARMED)).isEqualTo(2);
    assertThat(server.cli("GET", "f:fresh")).isEqualTo("old");
    assertThat(server.cli("GET", "f:stale")).isEqualTo("new");
    assertThat(server.cli("GET", "f:forever")).isEqualTo("old");
  }

  @Test
  void concurrentPrimersCallTheLoaderOncePerKey() throws Exception {
    List<String> keys = keys("c:", 400);
    Map<String, AtomicInteger> loads = new ConcurrentHashMap<>();
    KeyLoader<String> loader = ks -> {
      ks.forEach(k -> loads.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet());
      Thread.sleep(20); // a slow source widens the race window
      Map<String, String> m = new HashMap<>();
      ks.forEach(k -> m.put(k, "v"));
      return m;
    };
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<RedisReport>> runs = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        RedisPrimer<String> primer = RedisPrimer.builder(endpoint, ValueSerializer.strings())
            .ttl(Duration.ofMinutes(10)).batchSize(25).build();
        runs.add(pool.submit(() -> primer.prime(keys, loader)));
      }
      long warmed = 0;
      long already = 0;
      for (Future<RedisReport> f : runs) {
        RedisReport r = f.get();
        assertThat(r.warm().totals().outcomeSum()).isEqualTo(400);
        assertThat(r.warm().totals().count(Outcome.FAILED)).isZero();
        warmed += r.warm().totals().count(Outcome.WARMED);
        already += r.warm().totals().count(Outcome.ALREADY_CACHED);
      }
      assertThat(warmed).isEqualTo(400);
      assertThat(already).isEqualTo(3 * 400);
      assertThat(loads).hasSize(400);
      assertThat(loads.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
      assertThat(server.cli("KEYS", "preheat:lock:*")).isEmpty();
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Leaves a claim on {@code key} as another primer's run would, expiring {@code px} ms from now
   * on the server's clock.
   */
  static void claim(String key, String token, long px) {
    server.cli("EVAL", "local t = redis.call('time') "
        + "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) "
        + "local h = ARGV[1]:gsub('..', function(x) return string.char(tonumber(x, 16)) end) "
        + "redis.call('set', KEYS[2], h, 'PX', ARGV[2]) "
        + "redis.call('zadd', KEYS[1], now + ARGV[2], KEYS[2]) "
        + "redis.call('pexpire', KEYS[1], 600000) return 1",
        "2", "preheat:lock:claimlists", "preheat:lock:claimlists:" + token + ":0",
        hex(ClaimHashes.list(List.of(key))), Long.toString(px));
  }

  /** Leaves a claim on {@code key} as another run racing with a third would: as a set member. */
  static void claimInSet(String key, String token, long px) {
    server.cli("EVAL", "local t = redis.call('time') "
        + "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) "
        + "redis.call('sadd', KEYS[2], ARGV[1]) redis.call('pexpire', KEYS[2], ARGV[2]) "
        + "redis.call('zadd', KEYS[1], now + ARGV[2], KEYS[2]) "
        + "redis.call('pexpire', KEYS[1], 600000) return 1",
        "2", "preheat:lock:claimlists", "preheat:lock:claimlists:" + token + ":0", key,
        Long.toString(px));
  }

  /** The claim list {@code list} as hex (its keys' hashes, 16 hex digits each). */
  static String claimList(String list) {
    return server.cli("EVAL", "local b = redis.call('get', KEYS[1]) or '' "
        + "return (b:gsub('.', function(c) return string.format('%02x', c:byte()) end))",
        "1", list);
  }

  static String hex(byte[] b) {
    return java.util.HexFormat.of().formatHex(b);
  }

  @Test
  void theClaimScriptStoresHashesWhenAloneAndASetComparedWithOtherRunsListsOtherwise()
      throws Exception {
    String reg = "preheat:lock:claimlists";
    // Alone: the claims are one string of the keys' hashes; nothing is compared.
    List<Object> r = claimScript(reg, "first", List.of("mix:1", "mix:5"));
    assertThat(r).containsExactly((Object[]) new Long[] {0L, 0L});
    assertThat(server.cli("TYPE", reg + ":first:0")).isEqualTo("string");
    assertThat(claimList(reg + ":first:0"))
        .isEqualTo(hex(ClaimHashes.list(List.of("mix:1", "mix:5"))));
    // Run "mine" claims mix:0..2 while "first" is live: mix:1 is in first's string (compared by
    // hash), so it is reported held (position 1) and left out of mine's claims, now a set.
    r = claimScript(reg, "mine", List.of("mix:0", "mix:1", "mix:2"));
    assertThat(r).containsExactly((Object[]) new Long[] {0L, 1L, 1L});
    assertThat(server.cli("TYPE", reg + ":mine:0")).isEqualTo("set");
    assertThat(server.cli("SMEMBERS", reg + ":mine:0").lines().sorted().toList())
        .containsExactly("mix:0", "mix:2");
    assertThat(Long.parseLong(server.cli("PTTL", reg + ":mine:0"))).isBetween(1L, 30_000L);
    // A third run finds mix:0 in mine's set (SINTER) and mix:5 in first's string; it claims
    // mix:3 only.
    r = claimScript(reg, "third", List.of("mix:0", "mix:5", "mix:3"));
    assertThat(r).containsExactly((Object[]) new Long[] {0L, 2L, 0L, 1L});
    assertThat(server.cli("SMEMBERS", reg + ":third:0")).isEqualTo("mix:3");
    // Its own earlier claims never hold a run back.
    r = claimScript(reg, "third", List.of("mix:3", "mix:4"));
    assertThat(r).containsExactly((Object[]) new Long[] {0L, 0L});
    // A run whose every key is held keeps no claim list and adds no registry entry.
    r = claimScript(reg, "fourth", List.of("mix:0", "mix:1"));
    assertThat(r).containsExactly((Object[]) new Long[] {0L, 2L, 0L, 1L});
    assertThat(server.cli("EXISTS", reg + ":fourth:0")).isEqualTo("0");
    assertThat(server.cli("ZSCORE", reg, reg + ":fourth:0")).isEmpty();
  }

  @Test
  void theClaimScriptsLeanFormTakesARunAlonesClaimsWithoutItsKeysAndStepsAsideOtherwise()
      throws Exception {
    String reg = "preheat:lock:claimlists";
    server.cli("SET", "lean:1", "v");
    // Alone: the claims are stored as in the full form, and no existence is read (lean:1 exists).
    List<Object> r = leanClaimScript(reg, "first", 0, List.of("lean:1", "lean:2"));
    assertThat(r).containsExactly((Object[]) new Long[] {0L, 0L});
    assertThat(claimList(reg + ":first:0"))
        .isEqualTo(hex(ClaimHashes.list(List.of("lean:1", "lean:2"))));
    assertThat(server.cli("ZSCORE", reg, reg + ":first:0")).isNotEmpty();
    // Its own earlier lists never hold a run back.
    assertThat(leanClaimScript(reg, "first", 1, List.of("lean:3")))
        .containsExactly((Object[]) new Long[] {0L, 0L});
    // Another run finds first's list live: it gets -1 and nothing is stored for it.
    r = leanClaimScript(reg, "second", 0, List.of("lean:2", "lean:4"));
    assertThat(r).containsExactly((Object[]) new Long[] {-1L});
    assertThat(server.cli("EXISTS", reg + ":second:0")).isEqualTo("0");
    assertThat(server.cli("ZSCORE", reg, reg + ":second:0")).isEmpty();
    // The full form then holds lean:2 back (first's claim) and claims lean:4.
    r = claimScript(reg, "second", List.of("lean:2", "lean:4"));
    assertThat(r).containsExactly((Object[]) new Long[] {0L, 1L, 0L});
  }

  /** Calls {@link Scripts#CLAIM}'s lean form as run {@code run} would for its batch {@code n}. */
  static List<Object> leanClaimScript(String reg, String run, int n, List<String> keys)
      throws Exception {
    return endpoint.shared().async().<List<Object>>eval(Scripts.CLAIM,
            io.lettuce.core.ScriptOutputType.MULTI,
            new String[] {reg, reg + ":" + run + ":" + n},
            (reg + ":" + run + ":").getBytes(), "30000".getBytes(), ClaimHashes.list(keys),
            "1".getBytes())
        .get(5, java.util.concurrent.TimeUnit.SECONDS);
  }

  /** Calls {@link Scripts#CLAIM} as run {@code run} would for its first batch, {@code keys}. */
  static List<Object> claimScript(String reg, String run, List<String> keys) throws Exception {
    List<String> ks = new ArrayList<>(List.of(reg, reg + ":" + run + ":0"));
    ks.addAll(keys);
    return endpoint.shared().async().<List<Object>>eval(Scripts.CLAIM,
            io.lettuce.core.ScriptOutputType.MULTI, ks.toArray(new String[0]),
            (reg + ":" + run + ":").getBytes(), "30000".getBytes(), ClaimHashes.list(keys))
        .get(5, java.util.concurrent.TimeUnit.SECONDS);
  }

  @Test
  void aPrimerRunningAloneComparesNoHashesUntilASecondJoinsMidRunThenEachKeyLoadsOnce()
      throws Exception {
    List<String> keys = keys("join:", 4000);
    Map<String, AtomicInteger> loads = new ConcurrentHashMap<>();
    java.util.concurrent.CountDownLatch aStarted = new java.util.concurrent.CountDownLatch(5);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      server.cli("CONFIG", "RESETSTAT");
      RedisPrimer<String> a = RedisPrimer.builder(endpoint, ValueSerializer.strings())
          .ttl(Duration.ofMinutes(10)).batchSize(100).build();
      Future<RedisReport> ra = pool.submit(() -> a.prime(keys, ks -> {
        ks.forEach(k -> loads.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet());
        aStarted.countDown();
        Thread.sleep(3);
        Map<String, String> m = new HashMap<>();
        ks.forEach(k -> m.put(k, "a-" + k));
        return m;
      }));
      aStarted.await(10, java.util.concurrent.TimeUnit.SECONDS);
      // Run A has been alone: its checks read no other run's list.
      assertThat(stat(server.cli("INFO", "commandstats"), "get")).isZero();
      List<String> reversed = new ArrayList<>(keys);
      java.util.Collections.reverse(reversed);
      RedisPrimer<String> b = RedisPrimer.builder(endpoint, ValueSerializer.strings())
          .ttl(Duration.ofMinutes(10)).batchSize(100).build();
      Future<RedisReport> rb = pool.submit(() -> b.prime(reversed, ks -> {
        ks.forEach(k -> loads.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet());
        Thread.sleep(3);
        Map<String, String> m = new HashMap<>();
        ks.forEach(k -> m.put(k, "b-" + k));
        return m;
      }));
      RedisReport reportA = ra.get(60, java.util.concurrent.TimeUnit.SECONDS);
      RedisReport reportB = rb.get(60, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(reportB.warm().totals().count(Outcome.WARMED)).as(reportB.text()).isPositive();
      assertThat(reportA.warm().totals().count(Outcome.FAILED)).isZero();
      assertThat(reportB.warm().totals().count(Outcome.FAILED)).isZero();
      assertThat(reportA.warm().totals().count(Outcome.WARMED)
          + reportB.warm().totals().count(Outcome.WARMED)).isEqualTo(4000);
      assertThat(loads).hasSize(4000);
      assertThat(loads.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
      // Once both were live, their checks compared hashes with the other's lists.
      assertThat(stat(server.cli("INFO", "commandstats"), "get")).isPositive();
      assertThat(server.cli("KEYS", "preheat:lock:*")).isEmpty();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aLockHeldByACrashedPrimerIsWaitedOutThenTheKeyIsLoaded() {
    claim("l:1", "someone-else", 700);
    RedisPrimer<String> primer = RedisPrimer.builder(endpoint, ValueSerializer.strings())
        .ttl(Duration.ofMinutes(1)).lockWait(Duration.ofSeconds(20)).build();
    RedisReport r = primer.prime(List.of("l:1", "l:2"), echo(new AtomicInteger()));
    assertThat(r.warm().totals().count(Outcome.WARMED)).isEqualTo(2);
    assertThat(r.lockContended()).isEqualTo(1);
    assertThat(server.cli("GET", "l:1")).isEqualTo("value-of-l:1");
  }

  @Test
  void primersRacingInDifferentOrdersCallTheLoaderOncePerKeyAndLeaveNoClaim() throws Exception {
    List<String> keys = keys("race:", 3000);
    Map<String, AtomicInteger> loads = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<RedisReport>> runs = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        List<String> order = new ArrayList<>(keys);
        java.util.Collections.shuffle(order, new java.util.Random(i));
        RedisPrimer<String> primer = RedisPrimer.builder(endpoint, ValueSerializer.strings())
            .ttl(Duration.ofMinutes(10)).batchSize(100).build();
        runs.add(pool.submit(() -> primer.prime(order, ks -> {
          ks.forEach(k -> loads.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet());
          Thread.sleep(2);
          Map<String, String> m = new HashMap<>();
          ks.forEach(k -> m.put(k, "v-" + k));
          return m;
        })));
      }
      long warmed = 0;
      for (Future<RedisReport> f : runs) {
        RedisReport r = f.get();
        assertThat(r.warm().totals().outcomeSum()).isEqualTo(3000);
        assertThat(r.warm().totals().count(Outcome.FAILED)).as(r.text()).isZero();
        warmed += r.warm().totals().count(Outcome.WARMED);
      }
      assertThat(warmed).isEqualTo(3000);
      assertThat(loads).hasSize(3000);
      assertThat(loads.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
      assertThat(server.cli("GET", "race:1234")).isEqualTo("v-race:1234");
      assertThat(server.cli("KEYS", "preheat:lock:*")).as("claim table emptied").isEmpty();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aRunWhoseClaimExpiredAndWasTakenOverDoesNotOverwriteTheNewHoldersValue() {
    // Run A's loader outlives its claims (lock TTL 400 ms); meanwhile run B finds them expired,
    // claims, loads and writes. A's batch is then older than half the lock TTL, so its writes go
    // through the fenced script, which finds the claims are no longer A's and writes nothing.
    RedisPrimer<String> a = RedisPrimer.builder(endpoint, ValueSerializer.strings())
        .ttl(Duration.ofMinutes(10)).lockTtl(Duration.ofMillis(400)).batchSize(10).build();
    RedisPrimer<String> b = RedisPrimer.builder(endpoint, ValueSerializer.strings())
        .ttl(Duration.ofMinutes(10)).lockTtl(Duration.ofSeconds(30)).batchSize(10).build();
    List<String> keys = keys("fence:", 10);
    RedisReport[] bReport = new RedisReport[1];
    server.cli("CONFIG", "RESETSTAT");
    RedisReport ra = a.prime(keys, ks -> {
      Thread.sleep(600); // A's claims expire
      bReport[0] = b.prime(keys, bs -> {
        Map<String, String> m = new HashMap<>();
        bs.forEach(k -> m.put(k, "from-B"));
        return m;
      });
      Map<String, String> m = new HashMap<>();
      ks.forEach(k -> m.put(k, "from-A"));
      return m;
    });
    assertThat(bReport[0].warm().totals().count(Outcome.WARMED)).isEqualTo(10);
    for (String k : keys) {
      assertThat(server.cli("GET", k)).as(k).isEqualTo("from-B");
    }
    // A reports the keys as written by another primer (checked again after the fenced write).
    assertThat(ra.warm().totals().count(Outcome.WARMED)).isZero();
    assertThat(ra.warm().totals().count(Outcome.ALREADY_CACHED)).as(ra.text()).isEqualTo(10);
    assertThat(ra.lockContended()).isEqualTo(10);
    assertThat(stat(server.cli("INFO", "commandstats"), "psetex")).as("B's writes only")
        .isEqualTo(10);
    assertThat(server.cli("KEYS", "preheat:lock:*")).isEmpty();
  }

  @Test
  void aSlowBatchIsWrittenThroughTheFencedScriptWhenItsClaimsStillHoldItsToken() {
    // Older than half the lock TTL but nobody took the claims over: written, claims deleted.
    RedisPrimer<String> primer = RedisPrimer.builder(endpoint, ValueSerializer.strings())
        .ttl(Duration.ofMinutes(10)).lockTtl(Duration.ofMillis(400)).batchSize(5).build();
    AtomicInteger calls = new AtomicInteger();
    server.cli("CONFIG", "RESETSTAT");
    RedisReport r = primer.prime(keys("slow:", 10), ks -> {
      if (calls.incrementAndGet() == 1) {
        Thread.sleep(300);
        server.cli("SCRIPT", "FLUSH"); // the fenced write is first refused with NOSCRIPT
      }
      Map<String, String> m = new HashMap<>();
      ks.forEach(k -> m.put(k, "v-" + k));
      return m;
    });
    assertThat(r.warm().totals().count(Outcome.WARMED)).as(r.text()).isEqualTo(10);
    assertThat(server.cli("GET", "slow:3")).isEqualTo("v-slow:3");
    String stats = server.cli("INFO", "commandstats");
    assertThat(stats).as("the fenced write re-sent with its script").contains("cmdstat_eval:");
    assertThat(stat(stats, "psetex")).isEqualTo(10);
    assertThat(server.cli("KEYS", "preheat:lock:*")).isEmpty();
    long pttl = Long.parseLong(server.cli("PTTL", "slow:1"));
    assertThat(pttl).isBetween(500_000L, 660_000L);
  }

  @Test
  void aBatchWhoseClaimsExpiredUntakenIsStillWrittenByTheFencedScriptAndLoadedOnce() {
    // The loader outlives the lock TTL; nobody else claimed or wrote the keys meanwhile, so the
    // fenced script writes them (absent, in no other run's live claim list).
    RedisPrimer<String> primer = RedisPrimer.builder(endpoint, ValueSerializer.strings())
        .ttl(Duration.ofMinutes(10)).lockTtl(Duration.ofMillis(300)).batchSize(5).build();
    Map<String, AtomicInteger> loads = new ConcurrentHashMap<>();
    server.cli("CONFIG", "RESETSTAT");
    RedisReport r = primer.prime(keys("late:", 5), ks -> {
      ks.forEach(k -> loads.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet());
      Thread.sleep(500);
      Map<String, String> m = new HashMap<>();
      ks.forEach(k -> m.put(k, "v-" + k));
      return m;
    });
    assertThat(r.warm().totals().count(Outcome.WARMED)).as(r.text()).isEqualTo(5);
    assertThat(loads.values()).hasSize(5).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
    assertThat(server.cli("GET", "late:4")).isEqualTo("v-late:4");
    assertThat(stat(server.cli("INFO", "commandstats"), "psetex")).isEqualTo(5);
    assertThat(server.cli("KEYS", "preheat:lock:*")).isEmpty();
  }

  @Test
  void aKeyStillClaimedByAnotherRunIsNotWrittenByAFencedScriptWhoseClaimsExpired() {
    // Run A's claims expire while its loader runs; two other runs then hold one key each (their
    // claim lists still live, not yet written; one as hashes, one as a set): A's fenced write
    // leaves those keys alone.
    RedisPrimer<String> a = RedisPrimer.builder(endpoint, ValueSerializer.strings())
        .ttl(Duration.ofMinutes(10)).lockTtl(Duration.ofMillis(300))
        .lockWait(Duration.ofMillis(200)).batchSize(5).build();
    RedisReport r = a.prime(keys("held:", 5), ks -> {
      Thread.sleep(500);
      claim("held:2", "other", 100_000);
      claimInSet("held:4", "racing", 100_000);
      Map<String, String> m = new HashMap<>();
      ks.forEach(k -> m.put(k, "v-" + k));
      return m;
    });
    assertThat(r.warm().totals().count(Outcome.WARMED)).as(r.text()).isEqualTo(3);
    assertThat(server.cli("EXISTS", "held:2")).isEqualTo("0");
    assertThat(server.cli("EXISTS", "held:4")).isEqualTo("0");
    assertThat(server.cli("GET", "held:3")).isEqualTo("v-held:3");
    assertThat(r.warm().totals().count(Outcome.FAILED)).isEqualTo(2);
    assertThat(server.cli("ZRANGE", "preheat:lock:claimlists", "0", "-1").lines().sorted()
        .toList()).containsExactly("preheat:lock:claimlists:other:0",
            "preheat:lock:claimlists:racing:0");
  }

  @Test
  void aLockHeldLongerThanTheWaitFailsTheKeyWithTheReason() {
    claim("w:1", "stuck", 100_000);
    RedisPrimer<String> primer = RedisPrimer.builder(endpoint, ValueSerializer.strings())
        .ttl(Duration.ofMinutes(1)).lockWait(Duration.ofMillis(300)).build();
    RedisReport r = primer.prime(List.of("w:1", "w:2"), echo(new AtomicInteger()));
    assertThat(r.warm().totals().count(Outcome.FAILED)).isEqualTo(1);
    assertThat(r.warm().problems().get(0).detail())
        .contains("held the claim on w:1 (preheat:lock:claimlists)");
    assertThat(claimList("preheat:lock:claimlists:stuck:0"))
        .isEqualTo(hex(ClaimHashes.list(List.of("w:1"))));
    assertThat(server.cli("ZRANGE", "preheat:lock:claimlists", "0", "-1"))
        .as("the run's own claim lists deleted, the stuck one left")
        .isEqualTo("preheat:lock:claimlists:stuck:0");
  }

  @Test
  void missingValuesFailingKeysAndBadSerializationAreReportedPerKey() {
    RedisPrimer<Object> primer = RedisPrimer.<Object>builder(endpoint, v -> {
      if ("boom".equals(v)) {
        throw new IllegalStateException("cannot encode boom");
      }
      return v.toString().getBytes();
    }).ttl(Duration.ofMinutes(1)).build();
    RedisReport r = primer.prime(List.of("m:ok", "m:none", "m:throws", "m:boom"),
        KeyLoader.of(k -> switch (k) {
          case "m:none" -> null;
          case "m:throws" -> throw new java.io.IOException("db down for " + k);
          case "m:boom" -> "boom";
          default -> "fine";
        }));
    var t = r.warm().totals();
    assertThat(t.count(Outcome.WARMED)).isEqualTo(1);
    assertThat(t.count(Outcome.UNCACHEABLE)).isEqualTo(1);
    assertThat(t.count(Outcome.FAILED)).isEqualTo(2);
    assertThat(r.warm().problems()).extracting(p -> p.key() + ": " + p.detail())
        .anySatisfy(s -> assertThat(s).contains("m:throws").contains("db down"))
        .anySatisfy(s -> assertThat(s).contains("m:boom").contains("cannot encode boom"))
        .anySatisfy(s -> assertThat(s).contains("m:none").contains("no value"));
    assertThat(server.cli("EXISTS", "m:none")).isEqualTo("0");
    assertThat(server.cli("KEYS", "preheat:lock:*")).isEmpty();
  }

  @Test
  void aBatchLoaderThatThrowsFailsItsBatchButTheRunGoesOn() {
    AtomicInteger call = new AtomicInteger();
    RedisPrimer<String> primer = RedisPrimer.builder(endpoint, ValueSerializer.strings())
        .ttl(Duration.ofMinutes(1)).batchSize(10).build();
    RedisReport r = primer.prime(keys("b:", 30), ks -> {
      if (call.incrementAndGet() == 2) {
        throw new IllegalStateException("source timeout");
      }
      Map<String, String> m = new HashMap<>();
      ks.forEach(k -> m.put(k, "v"));
      return m;
    });
    assertThat(r.warm().totals().count(Outcome.WARMED)).isEqualTo(20);
    assertThat(r.warm().totals().count(Outcome.FAILED)).isEqualTo(10);
    assertThat(r.warm().problems().get(0).detail()).contains("source timeout");
  }

  @Test
  void jsonSerializerWritesJackson() {
    record Product(String id, int price) {}
    RedisPrimer<Product> primer = RedisPrimer.builder(endpoint,
        ValueSerializer.<Product>json(new ObjectMapper())).ttl(Duration.ofMinutes(1)).build();
    primer.prime(List.of("j:1"), KeyLoader.of(k -> new Product(k, 42)));
    assertThat(server.cli("GET", "j:1")).isEqualTo("{\"id\":\"j:1\",\"price\":42}");
  }

  @Test
  void loadBudgetSkipsTheRestWithReasonBudget() {
    RedisPrimer<String> primer = RedisPrimer.builder(endpoint, ValueSerializer.strings())
        .ttl(Duration.ofMinutes(1)).batchSize(8).maxLoads(20).build();
    AtomicInteger calls = new AtomicInteger();
    RedisReport r = primer.prime(keys("g:", 50), echo(calls));
    assertThat(calls.get()).isEqualTo(20);
    assertThat(r.warm().totals().count(Outcome.WARMED)).isEqualTo(20);
    assertThat(r.warm().totals().skipped().get(SkipReason.BUDGET)).isEqualTo(30);
    assertThat(r.warm().stopReason()).isEqualTo("request budget");
  }

  @Test
  void byteBudgetSkipsKeysWhoseValuesWouldExceedIt() {
    RedisPrimer<String> primer = RedisPrimer.builder(endpoint, ValueSerializer.strings())
        .ttl(Duration.ofMinutes(1)).maxBytes(100).build();
    RedisReport r = primer.prime(keys("y:", 10), ks -> {
      Map<String, String> m = new HashMap<>();
      ks.forEach(k -> m.put(k, "x".repeat(30)));
      return m;
    });
    assertThat(r.writes()).isEqualTo(3);
    assertThat(r.warm().totals().skipped().get(SkipReason.BUDGET)).isEqualTo(7);
    assertThat(r.warm().stopReason()).isEqualTo("byte budget");
  }

  @Test
  void deadlineOnTheInjectedClockSkipsKeysNotStarted() {
    MutableClock clock = new MutableClock();
    RedisPrimer<String> primer = RedisPrimer.builder(endpoint, ValueSerializer.strings())
        .ttl(Duration.ofMinutes(1)).batchSize(10).deadline(Duration.ofMinutes(5)).clock(clock)
        .build();
    RedisReport r = primer.prime(keys("d:", 40), ks -> {
      clock.advance(Duration.ofMinutes(2)); // each batch takes two (virtual) minutes
      Map<String, String> m = new HashMap<>();
      ks.forEach(k -> m.put(k, "v"));
      return m;
    });
    assertThat(r.warm().totals().count(Outcome.WARMED)).isEqualTo(30);
    assertThat(r.warm().totals().skipped().get(SkipReason.DEADLINE)).isEqualTo(10);
    assertThat(r.warm().stopReason()).isEqualTo("deadline");
  }

  @Test
  void loaderRateCapsCallsToTheSource() {
    RedisPrimer<String> primer = RedisPrimer.builder(endpoint, ValueSerializer.strings())
        .ttl(Duration.ofMinutes(1)).batchSize(5).loaderRate(50).build();
    long start = System.nanoTime();
    RedisReport r = primer.prime(keys("r:", 30), echo(new AtomicInteger()));
    double seconds = (System.nanoTime() - start) / 1e9;
    assertThat(r.warm().totals().count(Outcome.WARMED)).isEqualTo(30);
    // 30 keys at 50/s with a bucket starting at one token: at least (30 - 1) / 50 s.
    assertThat(seconds).isGreaterThanOrEqualTo(29 / 50.0 * 0.95);
  }

  @Test
  void aRestartedRunResumesFromCheckpointsAndACompletedRunClearsThem() {
    CheckpointStore store = CheckpointStore.inMemory();
    RedisPrimer<String> primer = RedisPrimer.builder(endpoint, ValueSerializer.strings())
        .ttl(Duration.ofMinutes(1)).batchSize(10).maxLoads(15).checkpoints(store).build();
    List<String> keys = keys("k:", 30);
    RedisReport first = primer.prime(keys, echo(new AtomicInteger()));
    assertThat(first.warm().stopReason()).isEqualTo("request budget");
    assertThat(store.finished(primer.planHash(keys))).hasSize(15);

    RedisPrimer<String> again = RedisPrimer.builder(endpoint, ValueSerializer.strings())
        .ttl(Duration.ofMinutes(1)).batchSize(10).checkpoints(store).build();
    AtomicInteger calls = new AtomicInteger();
    RedisReport second = again.prime(keys, echo(calls));
    assertThat(second.warm().totals().skipped().get(SkipReason.CHECKPOINTED)).isEqualTo(15);
    assertThat(second.warm().totals().count(Outcome.WARMED)).isEqualTo(15);
    assertThat(calls.get()).isEqualTo(15);
    assertThat(store.finished(again.planHash(keys))).isEmpty();
    assertThat(ReportWriter.json().write(second.warm())).contains("\"planHash\"");
  }

  @Test
  void builderRejectsBadSettingsWithClearMessages() {
    var b = RedisPrimer.builder(endpoint, ValueSerializer.strings()).ttl(Duration.ofSeconds(1));
    assertThatThrownBy(() -> b.ttl(Duration.ofSeconds(2)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("ttl was already set");
    assertThatThrownBy(() -> RedisPrimer.builder(endpoint, ValueSerializer.strings()).build())
        .hasMessageContaining("ttl is required");
    assertThatThrownBy(() -> b.batchSize(0)).hasMessageContaining("batchSize must be in");
    assertThatThrownBy(() -> b.loaderRate(-1)).hasMessageContaining("loaderRate must be");
    assertThatThrownBy(() -> RedisPrimer.builder(endpoint, ValueSerializer.strings())
        .ttl(Duration.ofSeconds(10)).skipIfTtlAtLeast(Duration.ofMinutes(1)).build())
        .hasMessageContaining("no primed key would ever count as fresh");
    RedisPrimer<String> p = b.build();
    assertThatThrownBy(() -> p.prime(List.of("a", ""), echo(new AtomicInteger())))
        .hasMessageContaining("key 1 is empty");
  }

  @Test
  void keysRejectedWhileTheConnectionOpensLeaveNoConnectionAndAnUnreachableServerFailsClearly()
      throws Exception {
    RedisPrimer<String> p = RedisPrimer.builder(endpoint, ValueSerializer.strings())
        .ttl(Duration.ofSeconds(10)).build();
    long before = connectedClients();
    List<String> withNull = new java.util.ArrayList<>(List.of("a", "b"));
    withNull.add(null);
    for (int i = 0; i < 5; i++) {
      assertThatThrownBy(() -> p.prime(withNull, echo(new AtomicInteger())))
          .isInstanceOf(NullPointerException.class).hasMessage("key 2");
      assertThatThrownBy(() -> p.prime(List.of("a", ""), echo(new AtomicInteger())))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key 1 is empty");
    }
    // The connections opened for the rejected runs are closed as soon as they are open.
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (connectedClients() > before && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(connectedClients()).isEqualTo(before);
    assertThat(server.cli("DBSIZE")).isEqualTo("0");

    int port;
    try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    try (RedisEndpoint nowhere = RedisEndpoint.open("redis://127.0.0.1:" + port,
        Duration.ofSeconds(2))) {
      RedisPrimer<String> q = RedisPrimer.builder(nowhere, ValueSerializer.strings())
          .ttl(Duration.ofSeconds(10)).build();
      assertThatThrownBy(() -> q.prime(keys("k", 3), echo(new AtomicInteger())))
          .isInstanceOf(RedisUnavailableException.class)
          .hasMessageContaining("cannot connect to redis://127.0.0.1:" + port);
    }
  }

  static long connectedClients() {
    var m = java.util.regex.Pattern.compile("connected_clients:(\\d+)")
        .matcher(server.cli("INFO", "clients"));
    assertThat(m.find()).isTrue();
    return Long.parseLong(m.group(1));
  }

  static final class MutableClock extends Clock {
    private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
