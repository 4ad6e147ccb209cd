package dev.preheat.redis.internal;

import io.lettuce.core.RedisChannelWriter;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StatefulRedisConnectionImpl;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.protocol.PushHandler;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A Lettuce {@link RedisClient} whose connections build their synchronous command interface
 * ({@link StatefulRedisConnectionImpl#sync()}) on first use instead of when they open.
 *
 * <p>Why: Lettuce builds that interface as a reflection proxy over every command of every
 * command group (core, search, JSON, vector sets, ...), which took ~330 of the ~400 ms that a
 * process's first connection took to open (measured with JFR on Lettuce 7.7, C1). Preheat talks
 * to Redis through the asynchronous interface and raw dispatch only, so the proxy was built for
 * nothing; {@code sync()} still works, built once when first called.
 */
public final class LeanRedisClient extends RedisClient {

  /** A standalone (or Sentinel) client for {@code uri} on {@code resources}. */
  public LeanRedisClient(ClientResources resources, RedisURI uri) {
    super(Objects.requireNonNull(resources, "resources"), Objects.requireNonNull(uri, "uri"));
  }

  @Override
  protected <K, V> StatefulRedisConnectionImpl<K, V> newStatefulRedisConnection(
      RedisChannelWriter channelWriter, PushHandler pushHandler, RedisCodec<K, V> codec,
      Duration timeout) {
    return new LazySyncConnection<>(channelWriter, pushHandler, codec, timeout, this);
  }

  /** A connection whose {@link #sync()} interface is built on first use. */
  static final class LazySyncConnection<K, V> extends StatefulRedisConnectionImpl<K, V> {
    private volatile @Nullable RedisCommands<K, V> sync;

    LazySyncConnection(RedisChannelWriter writer, PushHandler pushHandler, RedisCodec<K, V> codec,
        Duration timeout, LeanRedisClient client) {
      super(writer, pushHandler, codec, timeout, client.getOptions().getJsonParser());
    }

    /** Called by the superclass constructor: nothing is built there. */
    @Override
    protected @Nullable RedisCommands<K, V> newRedisSyncCommandsImpl() {
      return null;
    }

    @Override
    public RedisCommands<K, V> sync() {
      RedisCommands<K, V> s = sync;
      if (s == null) {
        synchronized (this) {
          s = sync;
          if (s == null) {
            s = super.newRedisSyncCommandsImpl();
            sync = s;
          }
        }
      }
      return s;
    }
  }
}
