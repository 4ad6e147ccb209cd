package dev.preheat.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preheat.redis.testing.RedisCluster;
import dev.preheat.redis.testing.RedisServer;
import dev.preheat.warm.Outcome;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Slot-aware pipelining against a real three-master cluster. */
class RedisClusterTest {

  @Test
  void primesAndCopiesAcrossTheSlotsOfAThreeMasterCluster() {
    try (RedisCluster cluster = RedisCluster.start();
        RedisEndpoint endpoint = RedisEndpoint.openCluster(List.of(cluster.seed()))) {
      assertThat(endpoint.isCluster()).isTrue();
      List<String> keys = IntStream.range(0, 3000).mapToObj(i -> "user:" + i).toList();
      cluster.nodes().get(1).cli("SET", "user:7", "kept", "EX", "3600");
      AtomicInteger loads = new AtomicInteger();
      RedisPrimer<String> primer = RedisPrimer.builder(endpoint, ValueSerializer.strings())
          .ttl(Duration.ofMinutes(10)).batchSize(500).build();
      RedisReport r = primer.prime(keys, ks -> {
        loads.addAndGet(ks.size());
        Map<String, String> m = new HashMap<>();
        ks.forEach(k -> m.put(k, "v-" + k));
        return m;
      });
      long present = cluster.nodes().stream()
          .mapToLong(n -> Long.parseLong(n.cli("DBSIZE"))).sum();
      // user:7 may live on another node, where the SET above was refused (MOVED): either way
      // every key ends on the node that owns its slot, and no lock key is left behind.
      assertThat(r.warm().totals().outcomeSum()).as(r.text()).isEqualTo(3000);
      assertThat(r.warm().totals().count(Outcome.FAILED)).isZero();
      long exists = 0;
      for (String k : keys) {
        try {
          exists += endpoint.shared().async().exists(k).get();
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      }
      assertThat(r.warm().stopReason()).as(r.text()).isNull();
      assertThat(exists).isEqualTo(3000);
      assertThat(present).isEqualTo(3000);
      for (RedisServer n : cluster.nodes()) {
        assertThat(Long.parseLong(n.cli("DBSIZE"))).as("keys on " + n).isGreaterThan(500);
        assertThat(n.cli("KEYS", "preheat:lock:*")).isEmpty();
      }

      try (RedisServer cold = RedisServer.start();
          RedisEndpoint target = RedisEndpoint.open(cold.uri())) {
        RedisReport copy = ReplicaWarmer.builder(endpoint, target).top(1000).build().run();
        assertThat(copy.warm().totals().count(Outcome.WARMED)).isEqualTo(1000);
        assertThat(cold.cli("DBSIZE")).isEqualTo("1000");
      }
    }
  }
}
