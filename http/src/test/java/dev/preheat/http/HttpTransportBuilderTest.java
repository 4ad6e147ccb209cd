package dev.preheat.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The shared settings, validated the same way by every client's builder. */
@ParameterizedClass(name = "{0}")
@EnumSource(HttpClientKind.class)
class HttpTransportBuilderTest {

  @Parameter private HttpClientKind kind;


  static Stream<Arguments> invalidSettings() {
    return Stream.of(
        invalid("maxConcurrency 0", b -> b.maxConcurrency(0),
            IllegalArgumentException.class, "maxConcurrency must be > 0 but was 0"),
        invalid("negative connect timeout", b -> b.connectTimeout(Duration.ofSeconds(-1)),
            IllegalArgumentException.class, "connectTimeout must be > 0 but was PT-1S"),
        invalid("zero read timeout", b -> b.readTimeout(Duration.ZERO),
            IllegalArgumentException.class, "readTimeout must be > 0"),
        invalid("zero call timeout", b -> b.callTimeout(Duration.ZERO),
            IllegalArgumentException.class, "callTimeout must be > 0"),
        invalid("redirect limit above max", b -> b.followRedirects(21),
            IllegalArgumentException.class, "followRedirects must be in 0..20 but was 21"),
        invalid("maxConcurrency twice", b -> b.maxConcurrency(4).maxConcurrency(8),
            IllegalStateException.class, "maxConcurrency was already set to 4"),
        invalid("same default header twice", b -> b.header("X-A", "1").header("x-a", "2"),
            IllegalStateException.class, "header x-a was already set to 1"),
        invalid("Accept-Encoding default", b -> b.header("Accept-Encoding", "gzip"),
            IllegalArgumentException.class, "part of the variant"),
        invalid("Cookie default", b -> b.header("Cookie", "a=b"),
            IllegalArgumentException.class, "part of the variant"),
        invalid("User-Agent via header", b -> b.header("User-Agent", "x"),
            IllegalArgumentException.class, "userAgent(...)"),
        invalid("CRLF in user agent", b -> b.userAgent("a\r\nb"),
            IllegalArgumentException.class, "(CR, U+000D) at index 1"),
        invalid("unresolved pin", b -> b.connectTo("h", InetSocketAddress.createUnresolved("x", 1)),
            IllegalArgumentException.class, "must be a resolved IP address"),
        invalid("host pinned twice",
            b -> b.connectTo("h", new InetSocketAddress("127.0.0.1", 1))
                .connectTo("H", new InetSocketAddress("127.0.0.1", 2)),
            IllegalStateException.class, "connectTo for host H was already set"));
  }

  private static Arguments invalid(String name, Consumer<HttpTransportBuilder<?>> setting,
      Class<? extends Throwable> type, String message) {
    return Arguments.of(name, setting, type, message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidSettings")
  void rejectsInvalidSettingsAtOnce(String name, Consumer<HttpTransportBuilder<?>> setting,
      Class<? extends Throwable> type, String message) {
    assertThatThrownBy(() -> setting.accept(kind.builder()))
        .isInstanceOf(type).hasMessageContaining(message);
  }

  @Test
  void toStringShowsTheConfiguration() {
    try (HttpTransport transport = kind.builder().maxConcurrency(7)
        .httpVersion(HttpVersion.HTTP_1_1).build()) {
      assertThat(transport.toString()).contains("maxConcurrency=7", "HTTP_1_1", "User-Agent");
      assertThat(transport.maxConcurrency()).isEqualTo(7);
    }
  }
}
