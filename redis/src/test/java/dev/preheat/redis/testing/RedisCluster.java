package dev.preheat.redis.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A real three-master Redis Cluster on loopback, created with {@code redis-cli --cluster create}
 * (no replicas). Each node's cluster bus port is its port + 10000, so ports are chosen below
 * 55536 with both free.
 */
public final class RedisCluster implements AutoCloseable {

  private final List<RedisServer> nodes;

  private RedisCluster(List<RedisServer> nodes) {
    this.nodes = nodes;
  }

  /** Starts three nodes and joins them into a cluster; waits until it is {@code ok}. */
  public static RedisCluster start() {
    List<RedisServer> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        int port = clusterPort();
        nodes.add(RedisServer.startOn(port, "cluster-enabled", "yes", "cluster-config-file",
            "nodes.conf", "cluster-node-timeout", "5000"));
      }
      List<String> args = new ArrayList<>(List.of("--cluster", "create"));
      nodes.forEach(n -> args.add("127.0.0.1:" + n.port()));
      args.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
      String out = nodes.get(0).cli(args.toArray(new String[0]));
      Instant until = Instant.now().plus(Duration.ofSeconds(30));
      while (Instant.now().isBefore(until)) {
        boolean ok = true;
        for (RedisServer n : nodes) {
          ok &= n.cli("CLUSTER", "INFO").contains("cluster_state:ok");
        }
        if (ok) {
          return new RedisCluster(nodes);
        }
        Thread.sleep(100);
      }
      throw new IllegalStateException("cluster did not become ok: " + out);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      nodes.forEach(RedisServer::close);
      throw new IllegalStateException(e);
    } catch (RuntimeException e) {
      nodes.forEach(RedisServer::close);
      throw e;
    }
  }

  private static int clusterPort() {
    for (int attempt = 0; attempt < 200; attempt++) {
      int p = RedisServer.freePort();
      if (p + 10000 > 65535) {
        p = 20000 + (p % 30000);
      }
      if (free(p) && free(p + 10000)) {
        return p;
      }
    }
    throw new IllegalStateException("no free port pair for a cluster node");
  }

  private static boolean free(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  public List<RedisServer> nodes() {
    return nodes;
  }

  /** A seed URI. */
  public String seed() {
    return nodes.get(0).uri();
  }

  @Override
  public void close() {
    nodes.forEach(RedisServer::close);
  }
}
