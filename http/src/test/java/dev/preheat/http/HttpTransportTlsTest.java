package dev.preheat.http;

import static dev.preheat.http.HttpTransportTest.WAIT_SECONDS;
import static dev.preheat.http.HttpTransportTest.await;
import static dev.preheat.http.HttpTransportTest.failureOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.preheat.warm.WarmRequest;
import dev.preheat.warm.WarmResponse;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Protocol;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The transport over TLS, against a MockWebServer serving HTTPS for a hostname that does not
 * resolve: only {@link HttpTransportBuilder#connectTo PoP pinning} can reach it, and the
 * certificate is checked against that hostname, not against the pinned IP.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(HttpClientKind.class)
class HttpTransportTlsTest {

  @Parameter private HttpClientKind kind;


  /** Generous: only reached when a test is broken, never waited for on success. */

  /** A name under the reserved {@code .example} TLD: it never resolves. */
  private static final String HOST = "www.preheat-test.example";

  private static final HeldCertificate ROOT = root("Preheat test root");
  private static final HeldCertificate UNTRUSTED_ROOT = root("Somebody else's root");
  private static final HeldCertificate HOST_CERT = leaf(HOST, ROOT);
  private static final HeldCertificate OTHER_NAME_CERT = leaf("other.example", ROOT);
  private static final HeldCertificate HOST_CERT_FROM_UNTRUSTED_ROOT = leaf(HOST, UNTRUSTED_ROOT);

  /** What the transport trusts: the test root only. */
  private static final HandshakeCertificates CLIENT_TRUST =
      new HandshakeCertificates.Builder().addTrustedCertificate(ROOT.certificate()).build();

  private final MockWebServer server = new MockWebServer();
  private HttpTransport transport;

  @org.junit.jupiter.api.BeforeEach
  void openTransport() {
    transport = kind.builder().build();
  }

  private static HeldCertificate root(String name) {
    return new HeldCertificate.Builder().commonName(name).certificateAuthority(0).build();
  }

  private static HeldCertificate leaf(String name, HeldCertificate issuer) {
    return new HeldCertificate.Builder().commonName(name).addSubjectAlternativeName(name)
        .signedBy(issuer).build();
  }

  @AfterEach
  void closeAll() {
    transport.close();
    server.close();
  }

  /**
   * Starts the server with {@code cert} (and its issuer in the chain), speaking {@code protocols},
   * answering {@code /n/<count>} with {@code count} bytes.
   */
  private void serve(HeldCertificate cert, HeldCertificate issuer, List<Protocol> protocols)
      throws Exception {
    HandshakeCertificates serverSide = new HandshakeCertificates.Builder()
        .heldCertificate(cert, issuer.certificate()).build();
    server.useHttps(serverSide.sslSocketFactory());
    server.setProtocols(protocols);
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        String target = request.getTarget();
        int size = target.startsWith("/n/") ? Integer.parseInt(target.substring(3)) : 2;
        return new MockResponse.Builder().body("x".repeat(size)).build();
      }
    });
    server.start();
  }

  /** A transport trusting the test root, with {@link #HOST} pinned to the server. */
  private HttpTransport pinnedTransport(boolean trustTestRoot) {
    transport.close();
    InetSocketAddress node = new InetSocketAddress(server.getSocketAddress().getAddress(),
        server.getPort());
    HttpTransportBuilder<?> builder = kind.builder().connectTo(HOST, node);
    if (trustTestRoot) {
      builder.tls(CLIENT_TRUST.sslSocketFactory(), CLIENT_TRUST.trustManager());
    }
    transport = builder.build();
    return transport;
  }

  private static WarmRequest get(String path) {
    // No port: the URL says 443, and only the pin's port swap reaches the server.
    return WarmRequest.get(URI.create("https://" + HOST + path), Map.of());
  }

  private RecordedRequest taken() throws InterruptedException {
    RecordedRequest recorded = server.takeRequest(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(recorded).as("request reached the server").isNotNull();
    return recorded;
  }

  @Test
  void aRedirectFromHttpToHttpsIsFollowedOverTls() throws Exception {
    serve(HOST_CERT, ROOT, List.of(Protocol.HTTP_2, Protocol.HTTP_1_1));
    try (MockWebServer plain = new MockWebServer()) {
      plain.enqueue(new MockResponse.Builder().code(301)
          .addHeader("Location", "https://" + HOST + "/n/5").build());
      plain.start();
      transport.close();
      InetSocketAddress node = new InetSocketAddress(server.getSocketAddress().getAddress(),
          server.getPort());
      transport = kind.builder().connectTo(HOST, node).followRedirects(1)
          .tls(CLIENT_TRUST.sslSocketFactory(), CLIENT_TRUST.trustManager()).build();

      // plain http first (ApacheHttpTransport's lean HTTP/1.1 path), then TLS (its full client)
      WarmResponse response = await(transport.send(WarmRequest.get(
          URI.create("http://127.0.0.1:" + plain.getPort() + "/old"), Map.of())));

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.bodyBytes()).isEqualTo(5);
      assertThat(response.protocol()).isEqualTo("h2");
      assertThat(plain.takeRequest(WAIT_SECONDS, TimeUnit.SECONDS).getTarget()).isEqualTo("/old");
      assertThat(taken().getTarget()).isEqualTo("/n/5");
    }
  }

  @ParameterizedTest(name = "server offers {0}")
  @CsvSource({"'h2,http/1.1', h2", "http/1.1, http/1.1"})
  void pinnedHttpsKeepsTheHostnameForHostSniAndCertificate(String offered, String expected)
      throws Exception {
    List<Protocol> protocols = new ArrayList<>();
    for (String p : offered.split(",")) {
      protocols.add(Protocol.get(p));
    }
    serve(HOST_CERT, ROOT, protocols);
    pinnedTransport(true);

    WarmResponse response = await(transport.send(get("/a")));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.protocol()).isEqualTo(expected);
    assertThat(response.bodyBytes()).isEqualTo(2);
    RecordedRequest recorded = taken();
    assertThat(recorded.getTarget()).isEqualTo("/a");
    assertThat(recorded.getUrl().host()).as("Host / :authority").isEqualTo(HOST);
    if (expected.equals("http/1.1")) {
      assertThat(recorded.getHeaders().get("Host")).isEqualTo(HOST);
    } else {
      assertThat(recorded.getHeaders().get(":authority")).isEqualTo(HOST);
    }
    assertThat(recorded.getHandshakeServerNames()).as("TLS SNI").containsExactly(HOST);
    assertThat(recorded.getHandshake()).isNotNull();
    assertThat(recorded.getHandshake().tlsVersion().javaName()).startsWith("TLSv1.");
  }

  @Test
  void aCertificateForAnotherNameIsRejectedEvenWhenPinned() throws Exception {
    serve(OTHER_NAME_CERT, ROOT, List.of(Protocol.HTTP_2, Protocol.HTTP_1_1));
    pinnedTransport(true);

    Throwable failure = failureOf(transport.send(get("/a")));

    assertThat(failure).isInstanceOf(SSLPeerUnverifiedException.class)
        .hasMessageContaining(HOST);
    // Had a request been sent, the server would have recorded it before answering.
    assertThat(server.takeRequest(1, TimeUnit.MILLISECONDS))
        .as("no HTTP request was sent over the unverified connection").isNull();
  }

  @Test
  void aCertificateFromAnUntrustedRootIsRejected() throws Exception {
    serve(HOST_CERT_FROM_UNTRUSTED_ROOT, UNTRUSTED_ROOT, List.of(Protocol.HTTP_2,
        Protocol.HTTP_1_1));
    pinnedTransport(true);

    assertThat(failureOf(transport.send(get("/a")))).isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void withoutTheTlsOptionOnlyTheSystemRootsAreTrusted() throws Exception {
    serve(HOST_CERT, ROOT, List.of(Protocol.HTTP_2, Protocol.HTTP_1_1));
    pinnedTransport(false);

    assertThat(failureOf(transport.send(get("/a")))).isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void concurrentRequestsOverH2ShareOneConnectionAndEveryBodyIsCounted() throws Exception {
    serve(HOST_CERT, ROOT, List.of(Protocol.HTTP_2, Protocol.HTTP_1_1));
    pinnedTransport(true);
    // The first request opens the connection; the others then multiplex onto it.
    assertThat(await(transport.send(get("/n/10"))).protocol()).isEqualTo("h2");
    if (kind == HttpClientKind.APACHE) {
      // HttpClient 5 completes the response a moment before its connection is back in the pool
      // (and known to be shareable); a request sent in that instant opens its own.
      Thread.sleep(200);
    }

    // Sizes straddle the 8 KiB read slice and HTTP/2's 64 KiB initial flow-control window.
    int[] sizes = {0, 1, 8191, 8192, 8193, 70_000, 200_000, 3};
    List<CompletableFuture<WarmResponse>> futures = new ArrayList<>();
    for (int size : sizes) {
      futures.add(transport.send(get("/n/" + size)));
    }
    for (int i = 0; i < sizes.length; i++) {
      WarmResponse response = await(futures.get(i));
      assertThat(response.protocol()).isEqualTo("h2");
      assertThat(response.bodyBytes()).as("body of /n/%d", sizes[i]).isEqualTo(sizes[i]);
    }

    List<Integer> connections = new ArrayList<>();
    List<Integer> exchanges = new ArrayList<>();
    for (int i = 0; i <= sizes.length; i++) {
      RecordedRequest recorded = taken();
      connections.add(recorded.getConnectionIndex());
      exchanges.add(recorded.getExchangeIndex());
    }
    assertThat(connections).as("connection index of every request").containsOnly(0);
    assertThat(exchanges).as("streams on that connection")
        .containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7, 8);
  }

  @Test
  void tlsIsSetOnceAndShownInToString() {
    HttpTransportBuilder<?> builder = kind.builder()
        .tls(CLIENT_TRUST.sslSocketFactory(), CLIENT_TRUST.trustManager());

    assertThatThrownBy(() -> builder.tls(CLIENT_TRUST.sslSocketFactory(),
        CLIENT_TRUST.trustManager()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("tls was already set");
    assertThatThrownBy(() -> kind.builder().tls(CLIENT_TRUST.sslSocketFactory(), null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("trustManager");
    try (HttpTransport custom = builder.build()) {
      assertThat(custom.toString()).contains("tls=custom trust");
    }
    assertThat(transport.toString()).contains("tls=system trust");
  }
}
