package dev.preheat.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CohortCookieTest {

  private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static CohortCookie at(Instant now) {
    return CohortCookie.builder()
        .name("cohort")
        .key(KEY)
        .clock(Clock.fixed(now, ZoneOffset.UTC))
        .ttl(Duration.ofMinutes(10))
        .build();
  }

  @Test
  void signedValueVerifiesAndCarriesTheCohort() {
    String value = at(T0).sign("beta-2", "example.com/shop");
    CohortCookie.Verification v = at(T0.plusSeconds(60)).verify(value, "example.com/shop");
    assertThat(v.status()).isEqualTo(CohortCookie.Status.VALID);
    assertThat(v.validCohort()).contains("beta-2");
    assertThat(value).matches("v1\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[0-9]+\\.[0-9]+\\.[A-Za-z0-9_-]{43}");
  }

  @Test
  void valueFollowsTheDocumentedFormat() throws Exception {
    // v1.<b64url(cohort)>.<b64url(scope)>.<issued>.<expires>.<b64url(HMAC-SHA256(key, payload))>
    String payload = "v1.YQ.ZXhhbXBsZS5jb20.1767225600.1767226200";
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec(KEY, "HmacSHA256"));
    String expected =
        payload + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(payload.getBytes(StandardCharsets.US_ASCII)));
    assertThat(at(T0).sign("a", "example.com")).isEqualTo(expected);
    assertThat(expected).isEqualTo(payload + ".lMF2XnngTDoepD7p2Eg6rG50ZkiGvaXZn8V5oFx2Diw");
  }

  @ParameterizedTest(name = "signed {0}, request {1} -> {2}")
  @CsvSource({
    "example.com/shop, example.com/shop, VALID",
    "example.com/shop, example.com/shop/cart, VALID",
    "example.com/shop/, example.com/shop/cart, VALID",
    "example.com/shop, example.com/shopping, WRONG_SCOPE",
    "example.com/shop, example.com/, WRONG_SCOPE",
    "example.com, example.com/any, VALID",
    "example.com, example.com.evil.net/any, WRONG_SCOPE",
    "example.com, other.example/, WRONG_SCOPE",
  })
  void checksScopeAtPathBoundaries(String signed, String requested, CohortCookie.Status expected) {
    String value = at(T0).sign("c", signed);
    assertThat(at(T0).verify(value, requested).status()).isEqualTo(expected);
  }

  @ParameterizedTest(name = "+{0}s -> {1}")
  @CsvSource({"0, VALID", "599, VALID", "600, EXPIRED", "86400, EXPIRED", "-1, NOT_YET_VALID"})
  void checksTheTimeWindowAgainstTheClock(long secondsLater, CohortCookie.Status expected) {
    String value = at(T0).sign("c", "example.com");
    assertThat(at(T0.plusSeconds(secondsLater)).verify(value, "example.com").status()).isEqualTo(expected);
  }

  @Test
  void detectsTampering() {
    String value = at(T0).sign("free", "example.com");
    String[] p = value.split("\\.");
    String enc = Base64.getUrlEncoder().withoutPadding().encodeToString("premium".getBytes(StandardCharsets.UTF_8));
    String otherCohort = String.join(".", p[0], enc, p[2], p[3], p[4], p[5]);
    String longerExpiry = String.join(".", p[0], p[1], p[2], p[3], "9999999999", p[5]);
    char last = value.charAt(value.length() - 2);
    String flippedMac = value.substring(0, value.length() - 2) + (last == 'A' ? 'B' : 'A') + value.charAt(value.length() - 1);
    CohortCookie verifier = at(T0);
    assertThat(verifier.verify(otherCohort, "example.com").status()).isEqualTo(CohortCookie.Status.BAD_SIGNATURE);
    assertThat(verifier.verify(longerExpiry, "example.com").status()).isEqualTo(CohortCookie.Status.BAD_SIGNATURE);
    assertThat(verifier.verify(flippedMac, "example.com").status()).isEqualTo(CohortCookie.Status.BAD_SIGNATURE);
    assertThat(verifier.verify(otherCohort, "example.com").validCohort()).isEmpty();
  }

  @Test
  void rejectsValuesSignedWithAnotherKey() {
    byte[] otherKey = Arrays.copyOf(KEY, KEY.length);
    otherKey[0] ^= 1;
    CohortCookie other =
        CohortCookie.builder().name("cohort").key(otherKey).clock(Clock.fixed(T0, ZoneOffset.UTC)).build();
    assertThat(at(T0).verify(other.sign("c", "example.com"), "example.com").status())
        .isEqualTo(CohortCookie.Status.BAD_SIGNATURE);
  }

  @ParameterizedTest
  @CsvSource(
      nullValues = "NULL",
      value = {"NULL", "''", "garbage", "v1.a.b.c.d", "v2.YQ.YQ.1.2.AAAA", "v1.YQ.YQ.1.2.!!!", "v1.YQ.YQ.1.2.AAAA", "v1.YQ.YQ.1.2.3.4"})
  void rejectsMalformedValuesWithoutThrowing(String value) {
    assertThat(at(T0).verify(value, "example.com").status()).isEqualTo(CohortCookie.Status.MALFORMED);
  }

  @Test
  void rejectsOverlongValuesCheaply() {
    assertThat(at(T0).verify("v1." + "A".repeat(5000), "example.com").status()).isEqualTo(CohortCookie.Status.MALFORMED);
  }

  @Test
  void stripsEveryCookieButAValidCohortCookie() {
    CohortCookie c = at(T0);
    String value = c.sign("beta", "example.com");
    assertThat(c.stripToCohort("session=secret; cohort=" + value + "; _ga=GA1.2.3", "example.com/a"))
        .contains("cohort=" + value);
    assertThat(c.stripToCohort("session=secret; cohort=\"" + value + "\"", "example.com/a")).contains("cohort=" + value);
    assertThat(c.stripToCohort("session=secret; _ga=GA1.2.3", "example.com/a")).isEmpty();
    assertThat(c.stripToCohort("cohort=" + value, "other.example/a")).isEmpty();
    assertThat(c.stripToCohort(null, "example.com/a")).isEmpty();
    assertThatThrownBy(() -> c.stripToCohort("cohort=" + value + "\r\nX-Evil: 1", "example.com"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'Cookie'");
  }

  @Test
  void neverShowsTheKey() {
    CohortCookie c = at(T0);
    String keyText = new String(KEY, StandardCharsets.US_ASCII);
    assertThat(c.toString()).contains("cohort", "<redacted>").doesNotContain(keyText);
    assertThat(CohortCookie.builder().key(KEY).toString()).doesNotContain(keyText).contains("<redacted>");
  }

  @Test
  void keyArrayIsCopied() {
    byte[] key = Arrays.copyOf(KEY, KEY.length);
    CohortCookie c = CohortCookie.builder().name("cohort").key(key).clock(Clock.fixed(T0, ZoneOffset.UTC)).build();
    String value = c.sign("c", "s");
    Arrays.fill(key, (byte) 0);
    assertThat(c.verify(value, "s").isValid()).isTrue();
  }

  @Test
  void builderFailsFast() {
    assertThatThrownBy(() -> CohortCookie.builder().key(new byte[16]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("key must be >= 32 bytes but was 16");
    assertThatThrownBy(() -> CohortCookie.builder().name("cohort").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("key is required");
    assertThatThrownBy(() -> CohortCookie.builder().key(KEY).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cookie name is required");
    assertThatThrownBy(() -> CohortCookie.builder().name("a b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("RFC 9110 token");
    assertThatThrownBy(() -> CohortCookie.builder().ttl(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ttl must be > 0 but was PT0S");
    assertThatThrownBy(() -> CohortCookie.builder().name("a").name("b"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already set to a");
    assertThatThrownBy(() -> at(T0).sign("", "s"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cohort must be 1 to 256 characters but was 0");
  }
}
