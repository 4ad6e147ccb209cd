package dev.preheat.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preheat.redis.testing.RedisServer;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LeanRedisClientTest {

  @Test
  void connectionsBuildTheirSyncInterfaceOnFirstUseAndBothInterfacesWork() throws Exception {
    try (RedisServer server = RedisServer.start()) {
      ClientResources resources = DefaultClientResources.builder().ioThreadPoolSize(1)
          .computationThreadPoolSize(1).build();
      LeanRedisClient client = new LeanRedisClient(resources, RedisURI.create(server.uri()));
      try (StatefulRedisConnection<String, String> c = client.connect()) {
        assertThat(c).isInstanceOf(LeanRedisClient.LazySyncConnection.class);
        assertThat(c.async().set("k", "v").get(5, TimeUnit.SECONDS)).isEqualTo("OK");
        RedisCommands<String, String> sync = c.sync();
        assertThat(sync.get("k")).isEqualTo("v");
        assertThat(c.sync()).isSameAs(sync);
        assertThat(sync.getStatefulConnection()).isSameAs(c);
      } finally {
        client.shutdown();
        resources.shutdown(0, 5, TimeUnit.SECONDS).get();
      }
    }
  }
}
