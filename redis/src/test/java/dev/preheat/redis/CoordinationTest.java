package dev.preheat.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.preheat.redis.testing.RedisServer;
import dev.preheat.spi.Validators;
import dev.preheat.warm.Outcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Redis-backed stores, the lease, the cluster-wide limiter and shared budgets on a real server. */
class CoordinationTest {

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

  @Test
  void theLocalValidatorCacheIsBoundedAndEvictedKeysAreReadBackFromRedis() {
    RedisValidatorStore a = RedisValidatorStore.create(endpoint, "preheat:validators", 10);
    for (int i = 0; i < 500; i++) {
      a.put("k" + i, Validators.of("\"e" + i + "\"", null));
    }
    assertThat(a.cachedCount()).isLessThanOrEqualTo(10);
    // Not flushed yet: still readable although the cache evicted most of them.
    assertThat(a.get("k0")).isEqualTo(Validators.of("\"e0\"", null));
    a.flush();
    for (int i = 0; i < 500; i++) {
      assertThat(a.get("k" + i)).isEqualTo(Validators.of("\"e" + i + "\"", null));
    }
    assertThat(a.cachedCount()).isLessThanOrEqualTo(10);
    RedisValidatorStore b = RedisValidatorStore.create(endpoint, "preheat:validators", 10);
    for (int i = 0; i < 500; i++) {
      assertThat(b.get("k" + i)).isNotNull();
      assertThat(b.get("missing" + i)).isNull();
    }
    assertThat(b.cachedCount()).isLessThanOrEqualTo(10);
    assertThatThrownBy(() -> RedisValidatorStore.create(endpoint, "x", 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxCached");
  }

  @Test
  void aFailedValidatorFlushKeepsThemPendingForTheNextFlush() {
    RedisServer down = RedisServer.start();
    RedisEndpoint e = RedisEndpoint.open(down.uri(), Duration.ofSeconds(1));
    try {
      RedisValidatorStore s = RedisValidatorStore.create(e);
      s.put("k", Validators.of("\"v\"", null));
      down.cli("CONFIG", "SET", "min-replicas-to-write", "1");
      assertThatThrownBy(s::flush).isInstanceOf(java.io.UncheckedIOException.class)
          .hasMessageContaining("cannot write 1 validators");
      down.cli("CONFIG", "SET", "min-replicas-to-write", "0");
      s.flush();
      assertThat(RedisValidatorStore.create(e).get("k")).isEqualTo(Validators.of("\"v\"", null));
    } finally {
      e.close();
      down.close();
    }
  }

  @Test
  void validatorsWrittenByOneInstanceAreReadByAnother() {
    try (RedisEndpoint other = RedisEndpoint.open(server.uri())) {
      RedisValidatorStore a = RedisValidatorStore.create(endpoint);
      a.put("default https://x.test/a", Validators.of("\"v1\"", "Mon, 01 Jan 2024 00:00:00 GMT"));
      a.put("default https://x.test/nostore", Validators.uncacheable("Cache-Control: no-store"));
      assertThat(RedisValidatorStore.create(other).get("default https://x.test/a")).isNull();
      a.flush();
      RedisValidatorStore b = RedisValidatorStore.create(other);
      assertThat(b.get("default https://x.test/a"))
          .isEqualTo(Validators.of("\"v1\"", "Mon, 01 Jan 2024 00:00:00 GMT"));
      assertThat(b.get("default https://x.test/nostore").isUncacheable()).isTrue();
      assertThat(b.get("default https://x.test/unknown")).isNull();
    }
  }

  @Test
  void checkpointsAreSharedAndCleared() {
    RedisCheckpointStore store = RedisCheckpointStore.create(endpoint);
    store.record("plan1", "k1", Outcome.WARMED);
    store.record("plan1", "k2", Outcome.ALREADY_CACHED);
    store.record("plan2", "k9", Outcome.WARMED);
    assertThat(RedisCheckpointStore.create(endpoint).finished("plan1"))
        .containsExactlyInAnyOrder("k1", "k2");
    assertThat(Long.parseLong(server.cli("PTTL", "preheat:checkpoints:plan1")))
        .isGreaterThan(Duration.ofDays(6).toMillis());
    store.clear("plan1");
    assertThat(store.finished("plan1")).isEmpty();
    assertThat(store.finished("plan2")).containsExactly("k9");
  }

  @Test
  void primerResumesFromRedisCheckpointsSharedByInstances() {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      keys.add("cp:" + i);
    }
    RedisPrimer<String> first = RedisPrimer.builder(endpoint, ValueSerializer.strings())
        .ttl(Duration.ofMinutes(1)).batchSize(10).maxLoads(20)
        .checkpoints(RedisCheckpointStore.create(endpoint)).build();
    first.prime(keys, ks -> java.util.Map.copyOf(
        ks.stream().collect(java.util.stream.Collectors.toMap(k -> k, k -> "v"))));
    try (RedisEndpoint other = RedisEndpoint.open(server.uri())) {
      RedisPrimer<String> second = RedisPrimer.builder(other, ValueSerializer.strings())
          .ttl(Duration.ofMinutes(1)).batchSize(10)
          .checkpoints(RedisCheckpointStore.create(other)).build();
      RedisReport r = second.prime(keys, ks -> java.util.Map.copyOf(
          ks.stream().collect(java.util.stream.Collectors.toMap(k -> k, k -> "v"))));
      assertThat(r.warm().totals().skipped().get(dev.preheat.warm.SkipReason.CHECKPOINTED))
          .isEqualTo(20);
      assertThat(r.warm().totals().count(Outcome.WARMED)).isEqualTo(20);
    }
  }

  @Test
  void oneOfTwoContendersGetsTheLeaseTheOtherSkipsAndSaysWho() {
    WarmLease a = WarmLease.of(endpoint, "deploy-1", Duration.ofSeconds(10), "instance-a");
    WarmLease b = WarmLease.of(endpoint, "deploy-1", Duration.ofSeconds(10), "instance-b");
    WarmLease.Attempt first = a.tryAcquire();
    WarmLease.Attempt second = b.tryAcquire();
    assertThat(first.decision()).isEqualTo(WarmLease.Decision.ACQUIRED);
    assertThat(second.decision()).isEqualTo(WarmLease.Decision.SKIPPED);
    assertThat(second.message()).contains("held by instance-a").contains("skips");
    assertThat(second.acquired()).isFalse();
    long token = first.lease().fencingToken();
    first.lease().close();
    assertThat(server.cli("EXISTS", "preheat:lease:deploy-1")).isEqualTo("0");
    WarmLease.Attempt third = b.tryAcquire();
    assertThat(third.acquired()).isTrue();
    assertThat(third.lease().fencingToken()).isGreaterThan(token);
    third.lease().close();
  }

  @Test
  void aWaitingContenderTakesTheLeaseWhenTheHolderReleasesIt() throws Exception {
    WarmLease a = WarmLease.of(endpoint, "deploy-2", Duration.ofSeconds(10), "instance-a");
    WarmLease b = WarmLease.of(endpoint, "deploy-2", Duration.ofSeconds(10), "instance-b");
    WarmLease.Attempt held = a.tryAcquire();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<WarmLease.Attempt> waiting = pool.submit(() -> b.acquire(Duration.ofSeconds(20)));
      Thread.sleep(300);
      assertThat(waiting).isNotDone();
      held.lease().close();
      WarmLease.Attempt got = waiting.get();
      assertThat(got.decision()).isEqualTo(WarmLease.Decision.ACQUIRED_AFTER_WAIT);
      assertThat(got.message()).contains("after waiting for instance-a");
      got.lease().close();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aCrashedHoldersLeaseExpiresAndTheNextHolderGetsAHigherFencingToken() throws Exception {
    long crashedToken;
    RedisEndpoint crashing = RedisEndpoint.open(server.uri());
    WarmLease.Attempt a = WarmLease.of(crashing, "deploy-3", Duration.ofMillis(800), "crashes")
        .tryAcquire();
    crashedToken = a.lease().fencingToken();
    Thread.sleep(1000);
    assertThat(a.lease().isHeld()).as("renewed while alive").isTrue();
    crashing.close(); // the process dies: no renewal, no release

    WarmLease b = WarmLease.of(endpoint, "deploy-3", Duration.ofMillis(800), "survivor");
    WarmLease.Attempt got = b.acquire(Duration.ofSeconds(10));
    assertThat(got.decision()).isEqualTo(WarmLease.Decision.ACQUIRED_AFTER_WAIT);
    assertThat(got.lease().fencingToken()).isGreaterThan(crashedToken);
    Thread.sleep(1000);
    assertThat(got.lease().isHeld()).isTrue();
    assertThat(server.cli("GET", "preheat:lease:deploy-3"))
        .isEqualTo("survivor " + got.lease().fencingToken());
    got.lease().close();
  }

  @Test
  void aLeaseTakenOverIsReportedLostAndNotReleasedByTheOldHolder() {
    WarmLease.Attempt a = WarmLease.of(endpoint, "deploy-4", Duration.ofSeconds(5), "old")
        .tryAcquire();
    server.cli("SET", "preheat:lease:deploy-4", "new 99");
    assertThat(a.lease().renew()).isFalse();
    assertThat(a.lease().isHeld()).isFalse();
    a.lease().close();
    assertThat(server.cli("GET", "preheat:lease:deploy-4")).isEqualTo("new 99");
  }

  @Test
  void aWaitThatTimesOutSaysSo() throws Exception {
    WarmLease.Attempt a = WarmLease.of(endpoint, "deploy-5", Duration.ofSeconds(10), "a")
        .tryAcquire();
    WarmLease.Attempt b = WarmLease.of(endpoint, "deploy-5", Duration.ofSeconds(10), "b")
        .acquire(Duration.ofMillis(300));
    assertThat(b.decision()).isEqualTo(WarmLease.Decision.WAIT_TIMED_OUT);
    assertThat(b.message()).contains("held by a ").contains("does not warm");
    a.lease().close();
  }

  @Test
  void severalClientsTogetherNeverExceedTheClusterWideRateOnAFakeClock() throws Exception {
    FakeClock clock = new FakeClock();
    List<RedisEndpoint> clients = new ArrayList<>();
    try {
      List<RedisRateLimiter> limiters = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        RedisEndpoint e = RedisEndpoint.open(server.uri());
        clients.add(e);
        limiters.add(RedisRateLimiter.create(e, "origin", 100, 10, clock));
      }
      long granted = 0;
      // 2 virtual seconds in 10 ms steps; every client asks for 5 permits each step.
      for (int step = 0; step < 200; step++) {
        for (RedisRateLimiter l : limiters) {
          granted += l.tryAcquire(5).granted();
        }
        clock.advance(Duration.ofMillis(10));
      }
      // At most burst + rate * T = 10 + 100 * 2; the clients want 1500, so the cap binds.
      assertThat(granted).isLessThanOrEqualTo(10 + 200).isGreaterThanOrEqualTo(195);
      RateLimiter.Grant none = limiters.get(0).tryAcquire(50);
      assertThat(none.granted()).isLessThanOrEqualTo(1);
    } finally {
      clients.forEach(RedisEndpoint::close);
    }
  }

  @Test
  void theClusterWideRateHoldsOnTheServerClockWithConcurrentClients() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(3);
    AtomicLong granted = new AtomicLong();
    try {
      long start = System.nanoTime();
      List<Future<?>> fs = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        fs.add(pool.submit(() -> {
          RedisRateLimiter l = RedisRateLimiter.create(endpoint, "measured", 200, 20);
          long until = start + 1_000_000_000L;
          while (System.nanoTime() < until) {
            granted.addAndGet(l.tryAcquire(10).granted());
          }
          return null;
        }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      assertThat(granted.get()).isLessThanOrEqualTo((long) (20 + 200 * seconds) + 1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aSharedBudgetIsNeverOverspentByConcurrentTakers() throws Exception {
    SharedBudget budget = SharedBudget.create(endpoint, "deploy-9-requests", 100);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Long>> fs = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        fs.add(pool.submit(() -> {
          long mine = 0;
          long got;
          while ((got = budget.take(7)) > 0) {
            mine += got;
          }
          return mine;
        }));
      }
      long total = 0;
      for (Future<Long> f : fs) {
        total += f.get();
      }
      assertThat(total).isEqualTo(100);
      assertThat(budget.used()).isEqualTo(100);
    } finally {
      pool.shutdownNow();
    }
    assertThatThrownBy(() -> SharedBudget.create(endpoint, " ", 1))
        .hasMessageContaining("must not be blank");
  }

  static final class FakeClock extends Clock {
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
