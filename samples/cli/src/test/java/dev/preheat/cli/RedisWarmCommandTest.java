package dev.preheat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** Usage errors of {@code preheat redis-warm}; copying itself is tested in preheat-redis. */
class RedisWarmCommandTest {

  private static String[] run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
    return new String[] {String.valueOf(code), out.toString(), err.toString()};
  }

  @Test
  void anUnreachableSourceIsABadUsageExitNamingIt() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort(); // closed again: nothing listens there
    }
    String[] r = run("redis-warm", "--from", "redis://127.0.0.1:" + port, "--to",
        "redis://127.0.0.1:" + port);
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[2]).contains("preheat redis-warm: cannot connect to redis://127.0.0.1:" + port)
        .contains("check that the server runs");
  }

  @Test
  void badOptionsAreRejectedWithTheReason() {
    assertThat(run("redis-warm", "--from", "redis://a", "--to", "redis://b", "--top", "0")[2])
        .contains("--top must be >= 1");
    assertThat(run("redis-warm", "--from", "redis://a", "--to", "redis://b", "--report",
        "xml")[2]).contains("--report must be text or json");
    assertThat(run("redis-warm", "--to", "redis://b")[0]).isEqualTo("2");
  }
}
