package dev.preheat.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.preheat.redis.testing.RedisServer;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisTagRegistryTest {

  @Test
  void tagsRecordedByOneInstanceResolveOnAnotherAndReplacementsDropOldTags() {
    try (RedisServer server = RedisServer.start();
        RedisEndpoint a = RedisEndpoint.open(server.uri(), Duration.ofSeconds(3));
        RedisEndpoint b = RedisEndpoint.open(server.uri(), Duration.ofSeconds(3))) {
      RedisTagRegistry one = RedisTagRegistry.create(a);
      RedisTagRegistry two = RedisTagRegistry.create(b);
      URI p1 = URI.create("https://shop.test/p/1");
      URI p2 = URI.create("https://shop.test/p/2");
      one.put(p1, List.of("product-1", "category-9"));
      one.put(p2, List.of("product-2", "category-9"));
      assertThat(two.urls("category-9")).containsExactlyInAnyOrder(p1, p2);
      assertThat(two.tags(p1)).containsExactlyInAnyOrder("product-1", "category-9");
      assertThat(two.size()).isEqualTo(2);

      two.put(p1, List.of("product-1"));
      assertThat(one.urls("category-9")).containsExactly(p2);
      one.remove(p2);
      assertThat(two.urls("category-9")).isEmpty();
      assertThat(two.size()).isEqualTo(1);

      RedisTagRegistry bounded = RedisTagRegistry.create(a, "small", 2);
      bounded.put(p1, List.of("t1", "t2", "t3"));
      assertThat(bounded.tags(p1)).hasSize(2);
      assertThatThrownBy(() -> one.put(URI.create("/relative"), List.of("x")))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
