package dev.preheat.http;

import static dev.preheat.http.HttpTransportTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.preheat.warm.WarmRequest;
import dev.preheat.warm.WarmResponse;
import java.util.concurrent.CompletableFuture;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import mockwebserver3.junit5.StartStop;
import okhttp3.Protocol;
import org.junit.jupiter.api.Test;

/**
 * What is particular to {@link ApacheHttpTransport} (its shared behaviour is in {@link
 * HttpTransportTest} and the other suites run over every {@link HttpClientKind}): plain http://
 * goes over the lean HTTP/1.1 path, and the full HttpClient 5 client (its own reactor thread, TLS,
 * HTTP/2) is only started by a request that needs it.
 */
class ApacheHttpTransportTest {

  @StartStop private final MockWebServer server = new MockWebServer();

  @Test
  void plainHttpNeverStartsTheFullClient() throws Exception {
    try (ApacheHttpTransport transport = ApacheHttpTransport.builder().build()) {
      for (int i = 0; i < 3; i++) {
        server.enqueue(new MockResponse.Builder().body("lean").build());
        assertThat(await(transport.send(WarmRequest.get(server.url("/l" + i).uri(), Map.of())))
            .protocol()).isEqualTo("http/1.1");
      }

      assertThat(transport.fullClientStarted()).isFalse();
    }
  }

  @Test
  void h2cPriorKnowledgeGoesThroughTheFullClient() throws Exception {
    server.setProtocols(List.of(Protocol.H2_PRIOR_KNOWLEDGE));
    server.enqueue(new MockResponse.Builder().body("h2c").build());
    try (ApacheHttpTransport transport = ApacheHttpTransport.builder()
        .httpVersion(HttpVersion.H2C_PRIOR_KNOWLEDGE).build()) {
      assertThat(transport.fullClientStarted()).as("not before the first request").isFalse();

      assertThat(await(transport.send(WarmRequest.get(server.url("/h").uri(), Map.of())))
          .protocol()).isEqualTo("h2c");
      assertThat(transport.fullClientStarted()).isTrue();
    }
  }

  @Test
  void aConnectionTheServerShutDownWhileIdleIsNotReused() throws Exception {
    // (OkHttp reuses it for a GET, without a health check, and fails the request)
    server.enqueue(new MockResponse.Builder().body("once")
        .onResponseEnd(SocketEffect.ShutdownConnection.INSTANCE).build());
    server.enqueue(new MockResponse.Builder().body("fresh").build());
    try (ApacheHttpTransport transport = ApacheHttpTransport.builder().build()) {
      assertThat(await(transport.send(WarmRequest.get(server.url("/1").uri(), Map.of())))
          .bodyBytes()).isEqualTo(4);
      Thread.sleep(300); // the client sees the close while the connection is idle
      assertThat(await(transport.send(WarmRequest.get(server.url("/2").uri(), Map.of())))
          .bodyBytes()).isEqualTo(5);
    }

    assertThat(server.takeRequest().getConnectionIndex())
        .isNotEqualTo(server.takeRequest().getConnectionIndex());
  }

  /**
   * A connection kept between exchanges on the lean path is closed by close(): the server reads
   * the end of the stream. A plain socket server, since MockWebServer does not show closes.
   */
  @Test
  void closeClosesTheConnectionKeptBetweenExchanges() throws Exception {
    try (java.net.ServerSocket listener = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getLoopbackAddress())) {
      ApacheHttpTransport transport = ApacheHttpTransport.builder().build();
      CompletableFuture<WarmResponse> response = transport.send(WarmRequest.get(
          java.net.URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/k"), Map.of()));
      try (java.net.Socket socket = listener.accept()) {
        socket.setSoTimeout(10_000);
        java.io.InputStream in = socket.getInputStream();
        int matched = 0;
        while (matched < 4) { // the request head ends with CRLF CRLF
          int b = in.read();
          assertThat(b).as("request head").isNotEqualTo(-1);
          matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        socket.getOutputStream().write(
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(
                java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(await(response).bodyBytes()).isEqualTo(2);

        transport.close();

        assertThat(in.read()).as("end of stream after close()").isEqualTo(-1);
      } finally {
        transport.close();
      }
    }
  }
}
