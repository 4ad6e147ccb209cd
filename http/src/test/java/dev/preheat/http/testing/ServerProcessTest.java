package dev.preheat.http.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class ServerProcessTest {

  @Test
  void missingBinarySkipsOutsideCiNamingThePackage() {
    Map<String, String> env = Map.of("PATH", "/nonexistent");
    assertThatThrownBy(() -> ServerProcess.requireBinary("no-such-cache-xyz", "pkg-xyz", env::get))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("apt-get install -y pkg-xyz");
  }

  @Test
  void missingBinaryFailsUnderCi() {
    Map<String, String> env = Map.of("PATH", "/nonexistent", "CI", "true");
    assertThatThrownBy(() -> ServerProcess.requireBinary("no-such-cache-xyz", "pkg-xyz", env::get))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("pkg-xyz")
        .hasMessageContaining("CI=true");
  }

  @Test
  void findsBinariesInSbinEvenWhenNotOnPath() {
    Map<String, String> env = Map.of("PATH", "/nonexistent");
    assertThat(ServerProcess.requireBinary("sh", "dash", Map.of("PATH", "/bin")::get))
        .hasFileName("sh");
    // nginx lives in /usr/sbin, which is searched even when PATH lacks it.
    assertThat(ServerProcess.requireBinary("nginx", "nginx-light", env::get).toString())
        .endsWith("sbin/nginx");
  }
}
