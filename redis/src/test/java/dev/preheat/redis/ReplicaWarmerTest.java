package dev.preheat.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preheat.redis.testing.RedisServer;
import dev.preheat.warm.Outcome;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Replica warming between two real servers. */
class ReplicaWarmerTest {

  @Test
  void copiesTheHottestKeysByLfuFrequencyFirstAndKeepsTheirTtls() throws Exception {
    try (RedisServer warm = RedisServer.start("maxmemory-policy", "allkeys-lfu",
            "lfu-log-factor", "0");
        RedisServer cold = RedisServer.start();
        RedisEndpoint from = RedisEndpoint.open(warm.uri());
        RedisEndpoint to = RedisEndpoint.open(cold.uri())) {
      var async = from.shared().async();
      for (int i = 0; i < 60; i++) {
        async.psetex("item:" + i, 600_000, ("v" + i).getBytes()).get();
      }
      async.hset("item:hash", "f", "x".getBytes()).get();
      async.set("other:1", "nope".getBytes()).get();
      // items 50..59 and the hash are hot: read 30 times each (lfu-log-factor 0: one per read)
      for (int r = 0; r < 30; r++) {
        for (int i = 50; i < 60; i++) {
          async.get("item:" + i);
        }
        async.hget("item:hash", "f");
      }
      async.get("item:59").get(5, TimeUnit.SECONDS);

      RedisReport report = ReplicaWarmer.builder(from, to).top(11).pattern("item:*").build().run();

      assertThat(report.warm().totals().count(Outcome.WARMED)).isEqualTo(11);
      assertThat(report.warm().totals().outcomeSum()).isEqualTo(11);
      assertThat(report.notes().get(0)).contains("OBJECT FREQ").contains("allkeys-lfu");
      for (int i = 50; i < 60; i++) {
        assertThat(cold.cli("GET", "item:" + i)).isEqualTo("v" + i);
        assertThat(Long.parseLong(cold.cli("PTTL", "item:" + i))).isBetween(500_000L, 600_000L);
      }
      assertThat(cold.cli("HGET", "item:hash", "f")).isEqualTo("x");
      assertThat(cold.cli("TTL", "item:hash")).isEqualTo("-1");
      assertThat(cold.cli("EXISTS", "item:3")).isEqualTo("0");
      assertThat(cold.cli("EXISTS", "other:1")).isEqualTo("0");
      assertThat(report.text()).contains("OBJECT FREQ");
    }
  }

  @Test
  void withoutLfuItTakesScanOrderAndSaysSoAndLeavesExistingKeysUnlessReplacing() {
    try (RedisServer warm = RedisServer.start();
        RedisServer cold = RedisServer.start();
        RedisEndpoint from = RedisEndpoint.open(warm.uri());
        RedisEndpoint to = RedisEndpoint.open(cold.uri())) {
      for (int i = 0; i < 30; i++) {
        warm.cli("SET", "k" + i, "new" + i, "EX", "300");
      }
      cold.cli("SET", "k1", "old");
      RedisReport r = ReplicaWarmer.builder(from, to).rate(1000).build().run();
      assertThat(r.notes().get(0)).contains("SCAN order").contains("allkeys-lfu");
      assertThat(r.warm().totals().count(Outcome.WARMED)).isEqualTo(29);
      assertThat(r.warm().totals().count(Outcome.ALREADY_CACHED)).isEqualTo(1);
      assertThat(cold.cli("GET", "k1")).isEqualTo("old");

      RedisReport replaced = ReplicaWarmer.builder(from, to).replace().build().run();
      assertThat(replaced.warm().totals().count(Outcome.WARMED)).isEqualTo(30);
      assertThat(cold.cli("GET", "k1")).isEqualTo("new1");
    }
  }

  @Test
  void whenTheTargetRefusesRestoreKeysAreCopiedByTypeWithTheirTtl() {
    try (RedisServer warm = RedisServer.start();
        RedisServer cold = RedisServer.start("rename-command", "RESTORE restore-renamed-away");
        RedisEndpoint from = RedisEndpoint.open(warm.uri());
        RedisEndpoint to = RedisEndpoint.open(cold.uri())) {
      warm.cli("SET", "s", "str", "EX", "500");
      warm.cli("HSET", "h", "a", "1", "b", "2");
      warm.cli("RPUSH", "l", "x", "y", "z");
      warm.cli("SADD", "st", "m1", "m2");
      warm.cli("ZADD", "z", "1.5", "one", "2", "two");
      warm.cli("EXPIRE", "z", "400");
      RedisReport r = ReplicaWarmer.builder(from, to)
          .hotset(List.of("s", "h", "l", "st", "z", "missing")).build().run();
      assertThat(r.warm().totals().count(Outcome.WARMED)).isEqualTo(5);
      assertThat(r.warm().totals().count(Outcome.UNCACHEABLE)).isEqualTo(1);
      assertThat(r.notes()).anySatisfy(n -> assertThat(n).contains("copied by type"));
      assertThat(cold.cli("GET", "s")).isEqualTo("str");
      assertThat(Long.parseLong(cold.cli("TTL", "s"))).isBetween(400L, 500L);
      assertThat(cold.cli("HGET", "h", "b")).isEqualTo("2");
      assertThat(cold.cli("LRANGE", "l", "0", "-1")).isEqualTo("x\ny\nz");
      assertThat(cold.cli("SCARD", "st")).isEqualTo("2");
      assertThat(cold.cli("ZSCORE", "z", "one")).isEqualTo("1.5");
      assertThat(Long.parseLong(cold.cli("TTL", "z"))).isBetween(300L, 400L);
    }
  }

  @Test
  void warnsWhenTheHotsetWillNotFitTheTargetsMaxmemory() {
    try (RedisServer warm = RedisServer.start();
        RedisServer cold = RedisServer.start("maxmemory", "2mb", "maxmemory-policy",
            "allkeys-lfu");
        RedisEndpoint from = RedisEndpoint.open(warm.uri());
        RedisEndpoint to = RedisEndpoint.open(cold.uri())) {
      byte[] big = new byte[20_000];
      var async = from.shared().async();
      for (int i = 0; i < 150; i++) {
        async.set("big:" + i, big);
      }
      warm.cli("PING");
      RedisReport r = ReplicaWarmer.builder(from, to).build().run();
      assertThat(r.warnings()).anySatisfy(w -> assertThat(w.problem())
          .contains("allkeys-lfu").contains("evicted"));
      assertThat(r.text()).contains("WARNING").contains("fix:");
    }
  }
}
