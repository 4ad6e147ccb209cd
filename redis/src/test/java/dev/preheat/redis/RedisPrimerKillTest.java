package dev.preheat.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preheat.redis.testing.RedisServer;
import dev.preheat.spi.CheckpointStore;
import dev.preheat.warm.Outcome;
import dev.preheat.warm.SkipReason;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RedisPrimerKillTest {

  @Test
  void aServerKilledMidRunEndsWithAClearReportAndTheRestartedRunResumes() {
    try (RedisServer server = RedisServer.start();
        RedisEndpoint endpoint = RedisEndpoint.open(server.uri(), Duration.ofSeconds(2))) {
      CheckpointStore store = CheckpointStore.inMemory();
      List<String> keys = IntStream.range(0, 500).mapToObj(i -> "kill:" + i).toList();
      AtomicInteger batches = new AtomicInteger();
      KeyLoader<String> loader = ks -> {
        if (batches.incrementAndGet() == 4) {
          server.kill();
        }
        Map<String, String> m = new HashMap<>();
        ks.forEach(k -> m.put(k, "v"));
        return m;
      };
      RedisPrimer<String> primer = RedisPrimer.builder(endpoint, ValueSerializer.strings())
          .ttl(Duration.ofMinutes(5)).batchSize(50).checkpoints(store).build();

      RedisReport first = primer.prime(keys, loader);

      assertThat(first.warm().stopReason()).isEqualTo("redis unavailable");
      assertThat(first.warm().totals().outcomeSum()).isEqualTo(500);
      long warmed = first.warm().totals().count(Outcome.WARMED);
      assertThat(warmed).isBetween(50L, 200L);
      long cancelled = first.warm().totals().count(Outcome.CANCELLED);
      long failed = first.warm().totals().count(Outcome.FAILED);
      assertThat(cancelled + failed).isEqualTo(500 - warmed);
      assertThat(cancelled).as("keys never attempted").isGreaterThanOrEqualTo(150);
      assertThat(first.notes()).anySatisfy(n -> assertThat(n)
          .contains("unavailable").contains("re-running the same keys resumes"));
      assertThat(first.warm().problems().get(0).detail()).contains("127.0.0.1:" + server.port());

      server.restart();
      AtomicInteger loaded = new AtomicInteger();
      RedisReport second = primer.prime(keys, ks -> {
        loaded.addAndGet(ks.size());
        Map<String, String> m = new HashMap<>();
        ks.forEach(k -> m.put(k, "v"));
        return m;
      });
      assertThat(second.warm().stopReason()).isNull();
      assertThat(second.warm().totals().skipped().get(SkipReason.CHECKPOINTED)).isEqualTo(warmed);
      assertThat(second.warm().totals().count(Outcome.WARMED)).isEqualTo(500 - warmed);
      assertThat(loaded.get()).isEqualTo(500 - (int) warmed);
    }
  }
}
