package dev.preheat.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preheat.redis.KeyLoader;
import dev.preheat.redis.RedisEndpoint;
import dev.preheat.redis.RedisPrimer;
import dev.preheat.redis.ValueSerializer;
import dev.preheat.spring.autoconfigure.PreheatAutoConfiguration;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.File;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
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

  static Process server;
  static int port;

  @BeforeAll
  static void startRedis() throws Exception {
    Path binary = Path.of("/usr/bin/redis-server");
    if (!Files.isExecutable(binary)) {
      if ("true".equals(System.getenv("CI"))) {
        throw new IllegalStateException("redis-server is missing: apt-get install redis-server");
      }
      Assumptions.abort("redis-server not installed");
    }
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path dir = Files.createTempDirectory("preheat-spring-redis-");
    server = new ProcessBuilder(binary.toString(), "--port", String.valueOf(port), "--bind",
        "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString())
        .redirectErrorStream(true).redirectOutput(new File(dir.toFile(), "redis.log")).start();
    long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        break;
      } catch (java.io.IOException e) {
        if (System.nanoTime() > until) {
          throw new IllegalStateException("redis-server did not start on " + port, e);
        }
        Thread.sleep(50);
      }
    }
  }

  @AfterAll
  static void stopRedis() throws Exception {
    if (server != null) {
      server.destroy();
      server.waitFor();
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
