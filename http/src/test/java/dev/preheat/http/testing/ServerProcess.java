package dev.preheat.http.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
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
 * A real server binary run by a test: found on the PATH (plus {@code /usr/sbin} and {@code
 * /usr/local/sbin}), configured in a private temp directory, listening on a free loopback port,
 * and stopped (with its child processes) and cleaned up by {@link #close()}.
 *
 * <p>When the binary is missing the test is skipped, or fails when the environment variable
 * {@code CI} is {@code true}; the message names the Debian package to install.
 */
public abstract class ServerProcess implements AutoCloseable {

  /** How long a server may take to accept connections before the test fails. */
  static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(20);

  /** How long a server may take to exit after SIGTERM before it is killed. */
  static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);

  private static final List<String> EXTRA_DIRS = List.of("/usr/sbin", "/usr/local/sbin");

  protected final Path dir;
  private final String name;
  private int port;
  private Process process;

  protected ServerProcess(String name) {
    this.name = name;
    try {
      this.dir = Files.createTempDirectory("preheat-" + name + "-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temp dir for " + name, e);
    }
  }

  /**
   * The executable {@code binary}, or aborts (skips) the test, or fails it under {@code CI=true},
   * naming {@code debianPackage}.
   */
  public static Path requireBinary(String binary, String debianPackage) {
    return requireBinary(binary, debianPackage, System::getenv);
  }

  /** {@link #requireBinary(String, String)} reading environment variables from {@code env}. */
  static Path requireBinary(String binary, String debianPackage,
      java.util.function.UnaryOperator<String> env) {
    List<String> dirs = new ArrayList<>();
    String path = env.apply("PATH");
    if (path != null) {
      dirs.addAll(List.of(path.split(File.pathSeparator)));
    }
    dirs.addAll(EXTRA_DIRS);
    for (String d : dirs) {
      if (d.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(d, binary);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    String message = binary + " not found on PATH or in " + EXTRA_DIRS
        + "; install it with: apt-get install -y " + debianPackage;
    if ("true".equalsIgnoreCase(env.apply("CI"))) {
      return Assertions.fail(message + " (CI=true: missing binaries fail the build)");
    }
    Assumptions.abort(message + " (test skipped; set CI=true to make this a failure)");
    throw new AssertionError("unreachable");
  }

  /** A loopback port that was free a moment ago. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }

  /** Writes {@code text} to {@code fileName} in this server's directory and returns the path. */
  protected Path write(String fileName, String text) {
    try {
      return Files.writeString(dir.resolve(fileName), text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + fileName + " for " + name, e);
    }
  }

  /** Starts {@code command} and waits until {@code port} on loopback accepts connections. */
  protected void start(List<String> command, int port) {
    this.port = port;
    Path log = dir.resolve(name + ".log");
    try {
      process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + String.join(" ", command), e);
    }
    Instant deadline = Instant.now().plus(STARTUP_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue()
            + " before listening on port " + port + "; command: " + String.join(" ", command)
            + "\n" + logTail());
      }
      try (Socket probe = new Socket()) {
        probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        // Polling for readiness: there is no other signal that the server is listening.
        try {
          process.waitFor(50, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    close();
    throw new IllegalStateException(name + " did not listen on port " + port + " within "
        + STARTUP_TIMEOUT + "\n" + logTail());
  }

  /** The last lines of the server's output, for failure messages. */
  public String logTail() {
    Path log = dir.resolve(name + ".log");
    try {
      List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** The port the server listens on. */
  public int port() {
    return port;
  }

  /** {@code http://127.0.0.1:port} + {@code path}. */
  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  @Override
  public void close() {
    if (process != null) {
      List<ProcessHandle> children = process.descendants().toList();
      process.destroy();
      try {
        if (!process.waitFor(SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly().waitFor(SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      children.forEach(ProcessHandle::destroyForcibly);
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Leftover temp files are harmless; the OS cleans the temp dir.
    }
  }

  @Override
  public String toString() {
    return name + " on 127.0.0.1:" + port + " (" + dir + ")";
  }
}
