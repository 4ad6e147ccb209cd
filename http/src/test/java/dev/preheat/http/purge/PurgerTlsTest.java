package dev.preheat.http.purge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preheat.purge.PurgeRequest;
import dev.preheat.purge.PurgeResult;
import dev.preheat.warm.RetrySettings;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Purgers over HTTPS: {@link HttpPurgerBuilder#sslContext} changes only the trust; the host name
 * is verified with or without it, and without it the JVM's default trust applies.
 */
@Timeout(60)
class PurgerTlsTest {

  private static final HeldCertificate ROOT = new HeldCertificate.Builder()
      .commonName("Preheat purge test root").certificateAuthority(0).build();
  private static final HandshakeCertificates TRUST_ROOT =
      new HandshakeCertificates.Builder().addTrustedCertificate(ROOT.certificate()).build();
  private static final RetrySettings ONCE =
      new RetrySettings(1, Duration.ofMillis(1), Duration.ofMillis(1));

  private final MockWebServer server = new MockWebServer();

  @AfterEach
  void stop() {
    server.close();
  }

  private URI serve(String certifiedName) throws Exception {
    HeldCertificate leaf = new HeldCertificate.Builder().commonName(certifiedName)
        .addSubjectAlternativeName(certifiedName).signedBy(ROOT).build();
    server.useHttps(new HandshakeCertificates.Builder()
        .heldCertificate(leaf, ROOT.certificate()).build().sslSocketFactory());
    server.enqueue(new MockResponse.Builder().code(200).body("ok").build());
    server.start();
    return URI.create("https://localhost:" + server.getPort() + "/");
  }

  private static PurgeResult.Item purge(NginxPurger.Builder b) {
    try (NginxPurger p = b.retry(ONCE).build()) {
      return p.purge(PurgeRequest.urls(URI.create("https://shop.test/a")))
          .orTimeout(30, TimeUnit.SECONDS).join().items().get(0);
    }
  }

  @Test
  void aGivenSslContextTrustsItsRoot() throws Exception {
    URI nginx = serve("localhost");
    PurgeResult.Item item = purge(NginxPurger.builder(nginx).sslContext(TRUST_ROOT.sslContext()));
    assertThat(item.purged()).as("%s", item).isTrue();
    assertThat(item.detail()).isEqualTo("HTTP 200");
    assertThat(server.takeRequest().getHeaders().get("Host")).isEqualTo("shop.test");
  }

  @Test
  void withoutOneTheDefaultTrustRefusesAnUnknownRoot() throws Exception {
    URI nginx = serve("localhost");
    PurgeResult.Item item = purge(NginxPurger.builder(nginx));
    assertThat(item.status()).isEqualTo(PurgeResult.Status.FAILED);
    assertThat(item.detail()).contains("SSLHandshakeException");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void theHostNameIsVerifiedEvenWithATrustedRoot() throws Exception {
    URI nginx = serve("other.example");
    PurgeResult.Item item = purge(NginxPurger.builder(nginx).sslContext(TRUST_ROOT.sslContext()));
    assertThat(item.status()).isEqualTo(PurgeResult.Status.FAILED);
    assertThat(item.detail()).containsAnyOf("SSLPeerUnverifiedException", "SSLHandshakeException");
    assertThat(server.getRequestCount()).isZero();
  }
}
