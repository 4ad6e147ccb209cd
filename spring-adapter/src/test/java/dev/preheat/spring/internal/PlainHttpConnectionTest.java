package dev.preheat.spring.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link PlainHttpConnection} against a scripted server on loopback. */
class PlainHttpConnectionTest {

  /** Serves {@code responses} in order, one request each, recording the request heads. */
  private static CompletableFuture<List<String>> serve(ServerSocket server, String... responses) {
    return CompletableFuture.supplyAsync(() -> {
      List<String> heads = new CopyOnWriteArrayList<>();
      int next = 0;
      try {
        while (next < responses.length) {
          try (Socket s = server.accept()) {
            BufferedReader in = new BufferedReader(
                new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream out = s.getOutputStream();
            while (next < responses.length) {
              StringBuilder head = new StringBuilder();
              for (String l = in.readLine(); l != null && !l.isEmpty(); l = in.readLine()) {
                head.append(l).append('\n');
              }
              if (head.length() == 0) {
                break; // the client closed this connection
              }
              heads.add(head.toString());
              String r = responses[next++];
              out.write(r.getBytes(StandardCharsets.ISO_8859_1));
              out.flush();
              if (r.contains("Connection: close") || !r.contains("Content-Length")
                  && !r.contains("chunked") && !r.startsWith("HTTP/1.1 204")) {
                break; // close-delimited: the server closes
              }
            }
          }
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      return heads;
    });
  }

  @Test
  void readsLengthChunkedAndCloseDelimitedResponsesAndSendsNoConnectionHeader() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      CompletableFuture<List<String>> heads = serve(server,
          "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
          "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n"
              + "3;x=1\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nTrailer: t\r\n\r\n",
          "HTTP/1.1 204 No Content\r\n\r\n",
          "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
          "HTTP/1.1 503 Service Unavailable\r\n\r\nuntil the end",
          "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
      List<Integer> codes = new ArrayList<>();
      try (PlainHttpConnection c = new PlainHttpConnection(
          URI.create("http://127.0.0.1:" + server.getLocalPort()), 5_000)) {
        for (int i = 0; i < 6; i++) {
          codes.add(c.get("/p" + i + "?q=1", Map.of("X-Preheat", "1")));
        }
      }
      assertThat(codes).containsExactly(200, 404, 204, 200, 503, 200);
      List<String> h = heads.get(10, TimeUnit.SECONDS);
      assertThat(h).hasSize(6);
      assertThat(h.get(1)).startsWith("GET /p1?q=1 HTTP/1.1\nHost: 127.0.0.1:")
          .contains("X-Preheat: 1\n").doesNotContainIgnoringCase("connection");
    }
  }

  @Test
  void aTruncatedBodyFailsAndTheNextRequestReconnects() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      // promises 10 bytes, sends 3 and closes (no Content-Length match: the server closes)
      CompletableFuture<List<String>> heads = serve(server,
          "HTTP/1.1 200 OK\r\nContent-Length: 10\r\nConnection: close\r\n\r\nabc",
          "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
      try (PlainHttpConnection c = new PlainHttpConnection(
          URI.create("http://127.0.0.1:" + server.getLocalPort()), 5_000)) {
        assertThatThrownBy(() -> c.get("/a", Map.of())).isInstanceOf(IOException.class)
            .hasMessageContaining("before the body's end");
        assertThat(c.get("/b", Map.of())).isEqualTo(200);
      }
      assertThat(heads.get(10, TimeUnit.SECONDS)).hasSize(2);
    }
  }
}
