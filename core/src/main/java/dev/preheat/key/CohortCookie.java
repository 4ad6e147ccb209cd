package dev.preheat.key;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * The one cookie allowed into warm requests: a signed, scope-limited, expiring cohort cookie (an
 * A/B bucket, a tier, a region), so that a cache varying on the cohort can be warmed per cohort
 * while every per-user cookie is stripped.
 *
 * <p><b>Value format</b> (version 1), six pieces joined by {@code .}, every piece URL-safe base64
 * without padding or decimal digits, so the value needs no quoting in a {@code Cookie} header:
 *
 * <pre>{@code v1.<base64url(cohort)>.<base64url(scope)>.<issued>.<expires>.<base64url(mac)>}</pre>
 *
 * where {@code issued} and {@code expires} are epoch seconds in decimal and {@code mac} is
 * HMAC-SHA256 under the configured key over everything before the last {@code .}. Cohort and
 * scope are UTF-8.
 *
 * <p><b>Scope</b>: a value signed for scope {@code s} is valid for a request scope equal to
 * {@code s} or below it at a {@code /} boundary: signed for {@code example.com/shop}, it is valid
 * for {@code example.com/shop} and {@code example.com/shop/cart}, not for {@code
 * example.com/shopping}.
 *
 * <p>The signature is checked first, in constant time ({@link MessageDigest#isEqual}), before any
 * other field is trusted; then the time window against the injected {@link Clock}, then the scope.
 * The key never appears in {@link #toString()}. Immutable and thread-safe.
 */
public final class CohortCookie {

  /** How long a value from {@link #sign(String, String)} stays valid: one hour. */
  public static final Duration DEFAULT_TTL = Duration.ofHours(1);

  /** The shortest accepted key: 32 bytes, the HMAC-SHA256 output size (RFC 2104 advice). */
  public static final int MIN_KEY_BYTES = 32;

  /** Longer values are rejected as malformed without computing a MAC (hostile input). */
  public static final int MAX_VALUE_LENGTH = 1024;

  /** Longest cohort id or scope accepted by {@link #sign(String, String, Duration)}. */
  public static final int MAX_FIELD_LENGTH = 256;

  private static final String VERSION = "v1";
  private static final String ALGORITHM = "HmacSHA256";
  private static final int MAC_BYTES = 32;
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  /** Why a value was accepted or rejected. */
  public enum Status {
    /** Signature, time window and scope are all good. */
    VALID,
    /** Not a version 1 value: wrong number of pieces, bad base64, too long. */
    MALFORMED,
    /** The signature does not match: tampered with, or signed with another key. */
    BAD_SIGNATURE,
    /** The expiry time has passed. */
    EXPIRED,
    /** The issue time is in the future (clock skew or a forged time with a leaked key). */
    NOT_YET_VALID,
    /** Signed for a different scope. */
    WRONG_SCOPE
  }

  /**
   * The outcome of {@link #verify(String, String)}.
   *
   * @param status why the value was accepted or rejected
   * @param cohort the cohort id when {@code status} is {@link Status#VALID}, else null
   */
  public record Verification(Status status, @Nullable String cohort) {

    /**
     * Validates the components.
     *
     * @throws IllegalArgumentException if a cohort is given exactly when the status is not VALID
     */
    public Verification {
      Objects.requireNonNull(status, "status");
      if ((status == Status.VALID) != (cohort != null)) {
        throw new IllegalArgumentException("a cohort is present exactly when the status is VALID");
      }
    }

    /** Whether the value is valid. */
    public boolean isValid() {
      return status == Status.VALID;
    }

    /** The cohort of a valid value, else empty. */
    public Optional<String> validCohort() {
      return Optional.ofNullable(cohort);
    }

    static Verification rejected(Status status) {
      return new Verification(status, null);
    }
  }

  private final String name;
  private final SecretKeySpec key;
  private final Clock clock;
  private final Duration ttl;

  private CohortCookie(String name, SecretKeySpec key, Clock clock, Duration ttl) {
    this.name = name;
    this.key = key;
    this.clock = clock;
    this.ttl = ttl;
  }

  /**
   * A builder; {@link Builder#name(String)} and {@link Builder#key(byte[])} are required.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** The cookie name. */
  public String name() {
    return name;
  }

  /**
   * Signs {@code cohort} for {@code scope}, valid from now for {@link Builder#ttl(Duration) the
   * configured TTL}.
   *
   * @param cohort the cohort id
   * @param scope the scope the value is valid for (a host, a path prefix, host + path)
   * @return the cookie value
   * @throws IllegalArgumentException if {@code cohort} or {@code scope} is empty or longer than
   *     {@link #MAX_FIELD_LENGTH}
   */
  public String sign(String cohort, String scope) {
    return sign(cohort, scope, ttl);
  }

  /**
   * Signs {@code cohort} for {@code scope}, valid from now for {@code ttl}.
   *
   * @param cohort the cohort id
   * @param scope the scope the value is valid for
   * @param ttl how long the value stays valid
   * @return the cookie value
   * @throws IllegalArgumentException if {@code cohort} or {@code scope} is empty or longer than
   *     {@link #MAX_FIELD_LENGTH}, or {@code ttl} is not positive
   */
  public String sign(String cohort, String scope, Duration ttl) {
    requireField("cohort", cohort);
    requireField("scope", scope);
    Builder.requirePositive(ttl);
    long issued = clock.instant().getEpochSecond();
    long seconds = Math.max(1, ttl.getSeconds());
    long expires = seconds > Long.MAX_VALUE - issued ? Long.MAX_VALUE : issued + seconds;
    String payload =
        VERSION + '.' + encode(cohort) + '.' + encode(scope) + '.' + issued + '.' + expires;
    return payload + '.' + ENCODER.encodeToString(mac(payload));
  }

  /**
   * Verifies a cookie value for a request in {@code scope}.
   *
   * @param value the cookie value, or null when the request has none
   * @param scope the scope of the request being served or warmed
   * @return the outcome; never throws on hostile input
   */
  public Verification verify(@Nullable String value, String scope) {
    Objects.requireNonNull(scope, "scope");
    if (value == null || value.isEmpty() || value.length() > MAX_VALUE_LENGTH) {
      return Verification.rejected(Status.MALFORMED);
    }
    String[] pieces = value.split("\\.", -1);
    if (pieces.length != 6 || !pieces[0].equals(VERSION)) {
      return Verification.rejected(Status.MALFORMED);
    }
    byte[] given;
    try {
      given = DECODER.decode(pieces[5]);
    } catch (IllegalArgumentException notBase64) {
      return Verification.rejected(Status.MALFORMED);
    }
    if (given.length != MAC_BYTES) {
      return Verification.rejected(Status.MALFORMED);
    }
    String payload = value.substring(0, value.lastIndexOf('.'));
    if (!MessageDigest.isEqual(mac(payload), given)) {
      return Verification.rejected(Status.BAD_SIGNATURE);
    }
    long issued;
    long expires;
    String cohort;
    String signedScope;
    try {
      issued = Long.parseLong(pieces[3]);
      expires = Long.parseLong(pieces[4]);
      cohort = decode(pieces[1]);
      signedScope = decode(pieces[2]);
    } catch (IllegalArgumentException malformed) {
      return Verification.rejected(Status.MALFORMED);
    }
    long now = clock.instant().getEpochSecond();
    if (now >= expires) {
      return Verification.rejected(Status.EXPIRED);
    }
    if (now < issued) {
      return Verification.rejected(Status.NOT_YET_VALID);
    }
    if (!inScope(signedScope, scope)) {
      return Verification.rejected(Status.WRONG_SCOPE);
    }
    return new Verification(Status.VALID, cohort);
  }

  /**
   * The value of this cohort cookie in a {@code Cookie} request header, unverified.
   *
   * @param cookieHeader the {@code Cookie} header value ({@code a=1; b=2}), or null
   * @return the first value of the cookie named {@link #name()}, surrounding quotes removed
   */
  public Optional<String> findValue(@Nullable String cookieHeader) {
    if (cookieHeader == null) {
      return Optional.empty();
    }
    for (String pair : cookieHeader.split(";")) {
      String p = pair.trim();
      int eq = p.indexOf('=');
      if (eq > 0 && p.substring(0, eq).trim().equals(name)) {
        String v = p.substring(eq + 1).trim();
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
          v = v.substring(1, v.length() - 1);
        }
        return Optional.of(v);
      }
    }
    return Optional.empty();
  }

  /**
   * Strips a {@code Cookie} header down to the cohort cookie: returns {@code name=value} when the
   * header carries a valid cohort cookie for {@code scope}, else empty (the warm request then
   * carries no {@code Cookie} at all).
   *
   * @param cookieHeader the {@code Cookie} header value, or null
   * @param scope the scope of the request
   * @return the {@code Cookie} header value to send, or empty
   * @throws IllegalArgumentException if {@code cookieHeader} contains CR, LF or other control
   *     characters
   */
  public Optional<String> stripToCohort(@Nullable String cookieHeader, String scope) {
    if (cookieHeader != null) {
      HeaderValidation.requireValidValue("Cookie", cookieHeader);
    }
    return findValue(cookieHeader)
        .filter(v -> verify(v, scope).isValid())
        .map(v -> name + '=' + v);
  }

  private static boolean inScope(String signed, String requested) {
    if (!requested.startsWith(signed)) {
      return false;
    }
    return requested.length() == signed.length()
        || signed.endsWith("/")
        || requested.charAt(signed.length()) == '/';
  }

  private byte[] mac(String payload) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac.doFinal(payload.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      // HmacSHA256 is required of every Java SE implementation; reaching this means a broken JRE.
      throw new IllegalStateException("HmacSHA256 is not available in this JRE", e);
    }
  }

  private static String encode(String s) {
    return ENCODER.encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String decode(String s) {
    return new String(DECODER.decode(s), StandardCharsets.UTF_8);
  }

  private static void requireField(String what, String value) {
    Objects.requireNonNull(value, what);
    if (value.isEmpty() || value.length() > MAX_FIELD_LENGTH) {
      throw new IllegalArgumentException(
          what + " must be 1 to " + MAX_FIELD_LENGTH + " characters but was " + value.length());
    }
  }

  /** Names the cookie and settings; the key is never shown. */
  @Override
  public String toString() {
    return "CohortCookie{name=" + name + ", ttl=" + ttl + ", clock=" + clock + ", key=<redacted>}";
  }

  /** Builds a {@link CohortCookie}. Each setting may be given at most once. Not thread-safe. */
  public static final class Builder {

    private @Nullable String name;
    private byte @Nullable [] key;
    private @Nullable Clock clock;
    private @Nullable Duration ttl;

    private Builder() {}

    /**
     * The cookie name (required).
     *
     * @param name an RFC 6265 cookie name (an RFC 9110 token)
     * @return this builder
     * @throws IllegalArgumentException if {@code name} is not a token
     * @throws IllegalStateException if the name was already set
     */
    public Builder name(String name) {
      if (this.name != null) {
        throw new IllegalStateException("cookie name was already set to " + this.name);
      }
      this.name = HeaderValidation.requireValidName(Objects.requireNonNull(name, "name"));
      return this;
    }

    /**
     * The HMAC-SHA256 key (required); the array is copied.
     *
     * @param key at least {@link #MIN_KEY_BYTES} random bytes
     * @return this builder
     * @throws IllegalArgumentException if the key is shorter than {@link #MIN_KEY_BYTES}
     * @throws IllegalStateException if the key was already set
     */
    public Builder key(byte[] key) {
      Objects.requireNonNull(key, "key");
      if (this.key != null) {
        throw new IllegalStateException("key was already set");
      }
      if (key.length < MIN_KEY_BYTES) {
        throw new IllegalArgumentException(
            "key must be >= " + MIN_KEY_BYTES + " bytes but was " + key.length
                + "; generate one with SecureRandom");
      }
      this.key = key.clone();
      return this;
    }

    /**
     * The clock for issue and expiry times; default {@link Clock#systemUTC()}.
     *
     * @param clock the clock
     * @return this builder
     * @throws IllegalStateException if the clock was already set
     */
    public Builder clock(Clock clock) {
      if (this.clock != null) {
        throw new IllegalStateException("clock was already set to " + this.clock);
      }
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * How long signed values stay valid; default {@link #DEFAULT_TTL}.
     *
     * @param ttl a positive duration
     * @return this builder
     * @throws IllegalArgumentException if {@code ttl} is zero or negative
     * @throws IllegalStateException if the TTL was already set
     */
    public Builder ttl(Duration ttl) {
      if (this.ttl != null) {
        throw new IllegalStateException("ttl was already set to " + this.ttl);
      }
      this.ttl = requirePositive(ttl);
      return this;
    }

    static Duration requirePositive(Duration ttl) {
      Objects.requireNonNull(ttl, "ttl");
      if (ttl.isNegative() || ttl.isZero()) {
        throw new IllegalArgumentException("ttl must be > 0 but was " + ttl);
      }
      return ttl;
    }

    /**
     * Builds the cohort cookie.
     *
     * @return an immutable, thread-safe cohort cookie
     * @throws IllegalStateException if the name or the key is missing
     */
    public CohortCookie build() {
      if (name == null) {
        throw new IllegalStateException("cookie name is required: call name(...)");
      }
      if (key == null) {
        throw new IllegalStateException("key is required: call key(...) with >= " + MIN_KEY_BYTES + " bytes");
      }
      return new CohortCookie(
          name,
          new SecretKeySpec(key, ALGORITHM),
          clock == null ? Clock.systemUTC() : clock,
          ttl == null ? DEFAULT_TTL : ttl);
    }

    @Override
    public String toString() {
      return "CohortCookie.Builder{name=" + name + ", key=" + (key == null ? "unset" : "<redacted>") + "}";
    }
  }
}
