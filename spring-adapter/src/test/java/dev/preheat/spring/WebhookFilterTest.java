package dev.preheat.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preheat.spring.internal.WebhookFilter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** The signed webhook: valid, forged, replayed, expired, oversized, rate-limited, malformed. */
class WebhookFilterTest {

  static final String SECRET = "0123456789abcdef0123456789abcdef-test";
  static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

  final MutableClock clock = new MutableClock(NOW);
  final List<ContentChange> changes = new CopyOnWriteArrayList<>();
  final WebhookFilter filter = new WebhookFilter("/preheat/webhook", SECRET,
      Duration.ofMinutes(5), 1024, 3, clock, changes::add);

  static final class MutableClock extends Clock {
    volatile Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  MockHttpServletResponse post(String body, long timestamp, String signature) throws Exception {
    MockHttpServletRequest req = new MockHttpServletRequest("POST", "/preheat/webhook");
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    req.setContent(bytes);
    req.addHeader(WebhookFilter.TIMESTAMP, Long.toString(timestamp));
    if (signature != null) {
      req.addHeader(WebhookFilter.SIGNATURE, signature);
    }
    MockHttpServletResponse res = new MockHttpServletResponse();
    filter.doFilter(req, res, new MockFilterChain());
    return res;
  }

  MockHttpServletResponse signed(String body, long timestamp) throws Exception {
    return post(body, timestamp, WebhookFilter.sign(SECRET, timestamp,
        body.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void validSignatureIsAcceptedWith202AndHandedOn() throws Exception {
    MockHttpServletResponse res = signed("{\"tags\":[\"product-7\"],\"urls\":[\"/p/7\"]}",
        NOW.getEpochSecond());
    assertThat(res.getStatus()).isEqualTo(202);
    assertThat(changes).containsExactly(new ContentChange(List.of("product-7"), List.of("/p/7")));
  }

  @Test
  void wrongSignatureIsRefused() throws Exception {
    String body = "{\"tags\":[\"x\"]}";
    long ts = NOW.getEpochSecond();
    assertThat(post(body, ts, WebhookFilter.sign("another-secret-another-secret-xx", ts,
        body.getBytes(StandardCharsets.UTF_8))).getStatus()).isEqualTo(401);
    // a signature of another body (tampered body) does not verify either
    assertThat(post(body, ts, WebhookFilter.sign(SECRET, ts, "{}".getBytes(StandardCharsets.UTF_8)))
        .getStatus()).isEqualTo(401);
    // nor one for another timestamp
    assertThat(post(body, ts, WebhookFilter.sign(SECRET, ts - 1,
        body.getBytes(StandardCharsets.UTF_8))).getStatus()).isEqualTo(401);
    assertThat(post(body, ts, null).getStatus()).isEqualTo(401);
    assertThat(changes).isEmpty();
  }

  @Test
  void replayedWebhookIsRefused() throws Exception {
    String body = "{\"urls\":[\"/a\"]}";
    long ts = NOW.getEpochSecond();
    assertThat(signed(body, ts).getStatus()).isEqualTo(202);
    clock.now = NOW.plusSeconds(60);
    MockHttpServletResponse again = signed(body, ts);
    assertThat(again.getStatus()).isEqualTo(409);
    assertThat(again.getContentAsString()).contains("replayed");
    assertThat(changes).hasSize(1);
  }

  @Test
  void expiredOrFutureTimestampIsRefused() throws Exception {
    String body = "{\"urls\":[\"/a\"]}";
    MockHttpServletResponse old = signed(body, NOW.minusSeconds(301).getEpochSecond());
    assertThat(old.getStatus()).isEqualTo(401);
    assertThat(old.getContentAsString()).contains("outside the 300 s window");
    assertThat(signed(body, NOW.plusSeconds(301).getEpochSecond()).getStatus()).isEqualTo(401);
    assertThat(signed(body, NOW.minusSeconds(299).getEpochSecond()).getStatus()).isEqualTo(202);
  }

  @Test
  void oversizedBodyIsRefusedBeforeVerifying() throws Exception {
    String body = "{\"urls\":[\"" + "a".repeat(2000) + "\"]}";
    MockHttpServletResponse res = signed(body, NOW.getEpochSecond());
    assertThat(res.getStatus()).isEqualTo(413);
    assertThat(changes).isEmpty();
  }

  @Test
  void rateLimitedAfterTheBudgetAnd202AgainLater() throws Exception {
    long ts = NOW.getEpochSecond();
    for (int i = 0; i < 3; i++) {
      assertThat(signed("{\"urls\":[\"/" + i + "\"]}", ts).getStatus()).isEqualTo(202);
    }
    assertThat(signed("{\"urls\":[\"/x\"]}", ts).getStatus()).isEqualTo(429);
    clock.now = NOW.plusSeconds(20);
    assertThat(signed("{\"urls\":[\"/y\"]}", clock.now.getEpochSecond()).getStatus())
        .isEqualTo(202);
  }

  @Test
  void malformedBodyAndWrongMethodAreRefused() throws Exception {
    assertThat(signed("[1,2]", NOW.getEpochSecond()).getStatus()).isEqualTo(400);
    assertThat(signed("{\"tags\":[1]}", NOW.getEpochSecond()).getStatus()).isEqualTo(400);
    // Jackson's parse errors (unchecked in Jackson 3: they must not escape as a 500) are the
    // client's fault too: a truncated body, and one nested past the read limit (JsonTest).
    assertThat(signed("{\"tags\":[\"a\"", NOW.getEpochSecond()).getStatus()).isEqualTo(400);
    clock.now = NOW.plusSeconds(20); // past the rate limit's window
    assertThat(signed("{\"tags\":" + "[".repeat(600), clock.now.getEpochSecond()).getStatus())
        .isEqualTo(400);
    MockHttpServletRequest get = new MockHttpServletRequest("GET", "/preheat/webhook");
    MockHttpServletResponse res = new MockHttpServletResponse();
    filter.doFilter(get, res, new MockFilterChain());
    assertThat(res.getStatus()).isEqualTo(405);
  }

  @Test
  void otherPathsPassThrough() throws Exception {
    MockHttpServletRequest req = new MockHttpServletRequest("POST", "/orders");
    MockHttpServletResponse res = new MockHttpServletResponse();
    MockFilterChain chain = new MockFilterChain();
    filter.doFilter(req, res, chain);
    assertThat(chain.getRequest()).isSameAs(req);
  }
}
