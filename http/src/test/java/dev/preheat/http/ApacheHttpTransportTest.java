package dev.preheat.http;

import static dev.preheat.http.HttpTransportTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.preheat.warm.WarmRequest;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
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
}
