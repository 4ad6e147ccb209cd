package dev.preheat.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preheat.redis.KeyLoader;
import dev.preheat.redis.RedisEndpoint;
import dev.preheat.redis.RedisPrimer;
import dev.preheat.redis.ValueSerializer;
import dev.preheat.redis.testing.RedisServer;
import dev.preheat.spring.autoconfigure.PreheatAutoConfiguration;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Redis priming against a real redis-server started on a free loopback port (skipped locally when
 * the binary is missing; fails under CI=true).
 */
class RedisPrimingTest {

  static RedisServer server;
  static int port;

  @BeforeAll
  static void startRedis() {
    server = RedisServer.start();
    port = server.port();
  }

  @AfterAll
  static void stopRedis() {
    if (server != null) {
      server.close();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Sessions {
    @Bean
    RedisWarmer<String> sessions() {
      return new RedisWarmer<>() {
        @Override
        public String name() {
          return "redis:products";
        }

        @Override
        public RedisPrimer<String> primer() {
          return RedisPrimer.builder(RedisEndpoint.open("redis://127.0.0.1:" + port),
              ValueSerializer.strings()).ttl(Duration.ofMinutes(10)).build();
        }

        @Override
        public List<String> keys() {
          return IntStream.range(0, 50).mapToObj(i -> "product:" + i).toList();
        }

        @Override
        public KeyLoader<String> loader() {
          return KeyLoader.of(key -> key.equals("product:13") ? null : "v-" + key);
        }
      };
    }
  }

  @Test
  void redisWarmerBeansArePrimedBeforeTraffic() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(PreheatAutoConfiguration.class))
        .withUserConfiguration(Sessions.class).run(ctx -> {
          Preheater preheater = ctx.getBean(Preheater.class);
          assertThat(preheater.tasks()).extracting(WarmTask::name).containsExactly("redis");
          PreheatReport report = preheater.warm("test");
          PreheatReport.Task task = report.tasks().get(0);
          assertThat(task.status()).isEqualTo(PreheatReport.Status.DONE);
          assertThat(task.items()).isEqualTo(49);
          assertThat(task.detail()).contains("redis:products").contains("49 primed");
          RedisClient client = RedisClient.create("redis://127.0.0.1:" + port);
          try (StatefulRedisConnection<String, String> c = client.connect()) {
            assertThat(c.sync().get("product:7")).isEqualTo("v-product:7");
            assertThat(c.sync().ttl("product:7")).isPositive();
            assertThat(c.sync().exists("product:13")).isZero();
          } finally {
            client.shutdown();
          }
        });
  }

  @Test
  void withoutRedisWarmersThereIsNoRedisTask() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(PreheatAutoConfiguration.class))
        .run(ctx -> assertThat(ctx.getBean(Preheater.class).tasks()).isEmpty());
  }
}
