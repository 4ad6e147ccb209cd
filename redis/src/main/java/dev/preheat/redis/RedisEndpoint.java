package dev.preheat.redis;

import dev.preheat.redis.internal.LeanRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A Redis deployment Preheat talks to: standalone, Sentinel or Cluster, named by Lettuce {@link
 * RedisURI}s ({@code redis://}, {@code rediss://} for TLS, {@code redis-sentinel://}; password,
 * user name and database in the URI as Lettuce documents). Owns one Lettuce client and its
 * threads; {@link #close()} releases them.
 *
 * <p>Commands to a standalone server fail fast while it is unreachable (Lettuce's {@code
 * REJECT_COMMANDS}); every wait is bounded by the {@linkplain #open(String, Duration) command
 * timeout}, so a server killed mid-run ends the run with a clear reason instead of hanging.
 * Thread-safe.
 */
public final class RedisEndpoint implements AutoCloseable {

  /** The command timeout used unless one is given: 10 s. */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(10);

  static final RedisCodec<String, byte[]> CODEC =
      RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

  private final String description;
  private final ClientResources resources;
  private final @Nullable RedisClient client;
  private final @Nullable RedisClusterClient clusterClient;
  private final Duration commandTimeout;
  private final Object lock = new Object();
  private @Nullable Link shared;
  private final List<Link> opened = new ArrayList<>();
  private boolean closed;

  private RedisEndpoint(String description, @Nullable RedisURI single, List<RedisURI> cluster,
      Duration commandTimeout) {
    this.description = description;
    this.commandTimeout = commandTimeout;
    this.resources = DefaultClientResources.builder().ioThreadPoolSize(2)
        .computationThreadPoolSize(2).build();
    // No per-command timeout timers: with them Lettuce schedules a task per command, which costs
    // more than the command itself when pipelining. Every wait here is bounded instead.
    TimeoutOptions timeouts = TimeoutOptions.builder().timeoutCommands(false).build();
    if (single != null) {
      single.setTimeout(commandTimeout);
      this.client = new LeanRedisClient(resources, single);
      client.setOptions(ClientOptions.builder().timeoutOptions(timeouts)
          .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
      this.clusterClient = null;
    } else {
      cluster.forEach(u -> u.setTimeout(commandTimeout));
      this.client = null;
      this.clusterClient = RedisClusterClient.create(resources, cluster);
      // Node connections of a cluster open lazily; rejecting commands while one is still
      // connecting would fail the first commands routed to each node. Waits are bounded anyway.
      clusterClient.setOptions(ClusterClientOptions.builder().timeoutOptions(timeouts).build());
    }
  }

  /** {@link #open(String, Duration)} with the default command timeout. */
  public static RedisEndpoint open(String uri) {
    return open(uri, DEFAULT_COMMAND_TIMEOUT);
  }

  /**
   * A standalone or Sentinel deployment. No connection is made until one is needed.
   *
   * @param uri a Lettuce Redis URI, e.g. {@code redis://:secret@10.0.0.5:6379/0}, {@code
   *     rediss://cache.example.com}, {@code redis-sentinel://s1,s2/0#mymaster}
   * @param commandTimeout how long one command may take before it fails
   * @throws IllegalArgumentException if the URI cannot be parsed (the message names it)
   */
  public static RedisEndpoint open(String uri, Duration commandTimeout) {
    return new RedisEndpoint(redact(uri), parse(uri), List.of(), positive(commandTimeout));
  }

  /** {@link #openCluster(List, Duration)} with the default command timeout. */
  public static RedisEndpoint openCluster(List<String> seedUris) {
    return openCluster(seedUris, DEFAULT_COMMAND_TIMEOUT);
  }

  /**
   * A Redis Cluster, discovered from the seed nodes. Single-key commands are routed to the
   * master that owns the key's slot, and pipelined batches are split per node.
   *
   * @throws IllegalArgumentException if there is no seed or a URI cannot be parsed
   */
  public static RedisEndpoint openCluster(List<String> seedUris, Duration commandTimeout) {
    if (seedUris.isEmpty()) {
      throw new IllegalArgumentException("a Redis Cluster needs at least one seed URI");
    }
    List<RedisURI> uris = new ArrayList<>();
    for (String s : seedUris) {
      uris.add(parse(s));
    }
    return new RedisEndpoint("cluster " + redact(seedUris.get(0)), null, uris,
        positive(commandTimeout));
  }

  private static Duration positive(Duration d) {
    Objects.requireNonNull(d, "commandTimeout");
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("commandTimeout must be > 0 but was " + d);
    }
    return d;
  }

  private static RedisURI parse(String uri) {
    Objects.requireNonNull(uri, "uri");
    try {
      return RedisURI.create(uri);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("cannot parse Redis URI '" + redact(uri) + "': "
          + e.getMessage() + "; expected e.g. redis://host:6379, rediss://host or"
          + " redis-sentinel://host:26379#master", e);
    }
  }

  /** The URI without its password, for reports and logs. */
  static String redact(String uri) {
    return uri.replaceAll("//[^@/]*@", "//***@");
  }

  /** Whether this is a Redis Cluster. */
  public boolean isCluster() {
    return clusterClient != null;
  }

  /** The command timeout. */
  public Duration commandTimeout() {
    return commandTimeout;
  }

  /** A connection with its async commands; package-private plumbing. */
  record Link(StatefulConnection<String, byte[]> connection,
      RedisClusterAsyncCommands<String, byte[]> async) {
    void close() {
      connection.close();
    }
  }

  /** The shared auto-flushing connection for stores, leases and limiters (opened on first use). */
  Link shared() {
    synchronized (lock) {
      requireOpen();
      if (shared == null) {
        shared = connect();
      }
      return shared;
    }
  }

  /**
   * A new connection owned by the caller (close it with {@link Link#close()}); the primer turns
   * auto-flush off on it to pipeline in batches, which must not affect other users.
   */
  Link dedicated() {
    synchronized (lock) {
      requireOpen();
      Link link = connect();
      opened.add(link);
      return link;
    }
  }

  void release(Link link) {
    synchronized (lock) {
      opened.remove(link);
    }
    link.close();
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException(description + " is closed");
    }
  }

  private Link connect() {
    try {
      if (client != null) {
        StatefulRedisConnection<String, byte[]> c = client.connect(CODEC);
        return new Link(c, c.async());
      }
      StatefulRedisClusterConnection<String, byte[]> c =
          Objects.requireNonNull(clusterClient).connect(CODEC);
      return new Link(c, c.async());
    } catch (RuntimeException e) {
      throw new RedisUnavailableException("cannot connect to " + description + ": "
          + rootMessage(e) + "; check that the server runs and the URI (host, port, password,"
          + " TLS) is right", e);
    }
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m;
  }

  /** Closes every connection and the client's threads. Idempotent. */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      for (Link l : opened) {
        l.close();
      }
      opened.clear();
      if (shared != null) {
        shared.close();
      }
    }
    if (client != null) {
      client.shutdown(0, 2, TimeUnit.SECONDS);
    }
    if (clusterClient != null) {
      clusterClient.shutdown(0, 2, TimeUnit.SECONDS);
    }
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }

  @Override
  public String toString() {
    return description;
  }
}
