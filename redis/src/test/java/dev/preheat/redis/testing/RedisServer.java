package dev.preheat.redis.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code redis-server} started by a test on a free loopback port in a private temp
 * directory (never the machine's 6379), without persistence, stopped and cleaned up by {@link
 * #close()}. When the binary is missing the test is skipped, or fails under {@code CI=true}.
 */
public final class RedisServer implements AutoCloseable {

  static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(20);

  private final Path dir;
  private final int port;
  private final List<String> command;
  private Process process;

  private RedisServer(Path dir, int port, List<String> command) {
    this.dir = dir;
    this.port = port;
    this.command = command;
  }

  /** Starts a server with extra configuration directives, e.g. {@code "maxmemory-policy", "allkeys-lfu"}. */
  public static RedisServer start(String... config) {
    return startOn(freePort(), config);
  }

  /** Starts a server on {@code port}. */
  public static RedisServer startOn(int port, String... config) {
    Path binary = requireBinary("redis-server", "redis-server");
    requireBinary("redis-cli", "redis-tools");
    Path dir;
    try {
      dir = Files.createTempDirectory("preheat-redis-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--port", String.valueOf(port),
        "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(),
        "--logfile", dir.resolve("redis.log").toString(), "--daemonize", "no"));
    for (int i = 0; i + 1 < config.length; i += 2) {
      cmd.add("--" + config[i]);
      cmd.addAll(List.of(config[i + 1].split(" "))); // e.g. "RESTORE renamed-restore"
    }
    RedisServer s = new RedisServer(dir, port, cmd);
    s.launch();
    return s;
  }

  private void launch() {
    try {
      process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(dir.resolve("stdout.log").toFile()).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
    Instant deadline = Instant.now().plus(STARTUP_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("redis-server exited with " + process.exitValue()
            + ": " + logTail());
      }
      try (Socket probe = new Socket()) {
        probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
        if (ping()) {
          return;
        }
      } catch (IOException notYet) {
        // polling for readiness
      }
      try {
        process.waitFor(50, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    close();
    throw new IllegalStateException("redis-server did not listen on " + port + ": " + logTail());
  }

  private boolean ping() {
    try {
      return cli("PING").contains("PONG");
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Restarts a killed server on the same port (empty: no persistence). */
  public void restart() {
    launch();
  }

  /** The executable or a skip (fail under CI=true). */
  public static Path requireBinary(String binary, String debianPackage) {
    List<String> dirs = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      dirs.addAll(List.of(path.split(File.pathSeparator)));
    }
    dirs.addAll(List.of("/usr/sbin", "/usr/local/sbin", "/usr/bin"));
    for (String d : dirs) {
      Path p = Path.of(d.isEmpty() ? "." : d, binary);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return p;
      }
    }
    String message = binary + " not found on PATH; install it with: apt-get install -y "
        + debianPackage;
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      return Assertions.fail(message + " (CI=true: missing binaries fail the build)");
    }
    Assumptions.abort(message + " (test skipped; set CI=true to make this a failure)");
    throw new AssertionError("unreachable");
  }

  /** A loopback port that was free a moment ago. */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return port;
  }

  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  public Path dir() {
    return dir;
  }

  /** Runs {@code redis-cli -p port args...} and returns its output (trimmed). */
  public String cli(String... args) {
    return run(port, args);
  }

  /** Runs redis-cli against {@code port}. */
  public static String run(int port, String... args) {
    List<String> cmd = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p",
        String.valueOf(port)));
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Kills the server at once (SIGKILL), as a crash would. */
  public void kill() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  public String logTail() {
    try {
      Path log = dir.resolve("redis.log");
      List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  @Override
  public void close() {
    if (process != null) {
      process.destroy();
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // leftovers in the temp dir are harmless
    }
  }

  @Override
  public String toString() {
    return "redis-server on 127.0.0.1:" + port;
  }
}
