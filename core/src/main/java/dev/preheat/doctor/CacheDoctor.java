package dev.preheat.doctor;

import dev.preheat.doctor.Probe.Step;
import dev.preheat.key.VaryPolicy;
import dev.preheat.spi.Transport;
import dev.preheat.status.CacheStatusReader;
import dev.preheat.warm.WarmRequest;
import dev.preheat.warm.WarmResponse;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * Diagnoses why a warmed URL may still be a MISS for real users: fetches it with the warmer's
 * headers and with browsers' headers, in an order that turns a cache-key mismatch into a visible
 * MISS, and applies {@link DoctorRules}.
 *
 * <p>The sequence for one URL, one request at a time:
 *
 * <ol>
 *   <li>{@link Step#WARM}: each warmer variant once (a MISS here is normal: it fills the cache);
 *   <li>{@link Step#WARM_AGAIN}: each warmer variant again (a HIT proves the cache stored it);
 *   <li>{@link Step#BROWSER}: each browser profile (a MISS right after the warmer's stored copy
 *       means the browser's key differs);
 *   <li>{@link Step#BROWSER_AGAIN}: each browser again (is the browser's own variant stored?).
 * </ol>
 *
 * <p>The doctor sends only GETs, one at a time, without cookies except the analytics cookies of
 * the {@linkplain HeaderProfile#returningVisitor() returning visitor} profile. A key mismatch
 * shows reliably when the URL is not cached yet (or right after a purge); when every profile is
 * already a HIT, the diagnosis says so. Thread-safe if the transport is; {@link #examine} may be
 * called for several URLs in turn.
 */
public final class CacheDoctor {

  /** Default time one request may take: {@value #DEFAULT_TIMEOUT_SECONDS} seconds. */
  public static final int DEFAULT_TIMEOUT_SECONDS = 30;

  /**
   * The warmer's default variants, the same as {@code preheat warm}'s: Chrome's (and Firefox's)
   * and Safari's {@code Accept-Encoding}.
   */
  public static final List<HeaderProfile> DEFAULT_WARMER_PROFILES = List.of(
      HeaderProfile.warmer("warmer-chrome-firefox",
          Map.of("Accept-Encoding", HeaderProfile.CHROME_ACCEPT_ENCODING)),
      HeaderProfile.warmer("warmer-safari",
          Map.of("Accept-Encoding", HeaderProfile.SAFARI_ACCEPT_ENCODING)));

  private final Transport transport;
  private final CacheStatusReader statusReader;
  private final VaryPolicy varyPolicy;
  private final List<HeaderProfile> warmers;
  private final List<HeaderProfile> browsers;
  private final Duration timeout;
  private final Clock clock;

  private CacheDoctor(Builder b) {
    this.transport = Objects.requireNonNull(b.transport, "transport is required: builder().transport(t)");
    this.statusReader = b.statusReader != null ? b.statusReader : CacheStatusReader.standard();
    this.varyPolicy = b.varyPolicy != null ? b.varyPolicy : VaryPolicy.defaults();
    this.warmers = b.warmers != null ? b.warmers : DEFAULT_WARMER_PROFILES;
    this.browsers = b.browsers != null ? b.browsers : HeaderProfile.browsers();
    this.timeout = b.timeout != null ? b.timeout : Duration.ofSeconds(DEFAULT_TIMEOUT_SECONDS);
    this.clock = b.clock != null ? b.clock : Clock.systemUTC();
  }

  /** A builder; {@link Builder#transport} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Fetches {@code url} in the doctor's sequence and diagnoses it. Never throws for a failed
   * request: the failure becomes a probe and a {@link DoctorRules#FETCH_FAILED} finding.
   *
   * @param url an absolute http(s) URL
   * @return the diagnosis
   * @throws IllegalArgumentException if {@code url} is not an absolute http(s) URL
   */
  public Diagnosis examine(URI url) {
    WarmRequest.get(url, Map.of()); // validates the URL before any request is sent
    List<Probe> probes = new ArrayList<>();
    for (HeaderProfile w : warmers) {
      probes.add(fetch(url, w, Step.WARM));
    }
    for (HeaderProfile w : warmers) {
      probes.add(fetch(url, w, Step.WARM_AGAIN));
    }
    for (HeaderProfile b : browsers) {
      probes.add(fetch(url, b, Step.BROWSER));
    }
    for (HeaderProfile b : browsers) {
      probes.add(fetch(url, b, Step.BROWSER_AGAIN));
    }
    return new Diagnosis(url, probes, DoctorRules.diagnose(probes, varyPolicy));
  }

  private Probe fetch(URI url, HeaderProfile profile, Step step) {
    Instant at = clock.instant();
    CompletableFuture<WarmResponse> future = transport.send(WarmRequest.get(url, profile.headers()));
    try {
      WarmResponse r = future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return new Probe(profile, step, at, r.status(), statusReader.read(r), r.headers(), null);
    } catch (TimeoutException e) {
      future.cancel(true);
      return Probe.failed(profile, step, at, "no response within " + timeout.toSeconds() + " s");
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      return Probe.failed(profile, step, at, "interrupted");
    } catch (ExecutionException | CancellationException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      return Probe.failed(profile, step, at, cause.getClass().getSimpleName()
          + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
    }
  }

  @Override
  public String toString() {
    return "CacheDoctor{warmers=" + warmers.stream().map(HeaderProfile::name).toList()
        + ", browsers=" + browsers.stream().map(HeaderProfile::name).toList() + ", timeout="
        + timeout + "}";
  }

  /** Builds a {@link CacheDoctor}; every setting may be given once. Not thread-safe. */
  public static final class Builder {
    private @Nullable Transport transport;
    private @Nullable CacheStatusReader statusReader;
    private @Nullable VaryPolicy varyPolicy;
    private @Nullable List<HeaderProfile> warmers;
    private @Nullable List<HeaderProfile> browsers;
    private @Nullable Duration timeout;
    private @Nullable Clock clock;

    private Builder() {}

    /**
     * The transport to fetch with (required); the doctor does not close it.
     *
     * @throws IllegalStateException if already set
     */
    public Builder transport(Transport transport) {
      requireUnset(this.transport, "transport");
      this.transport = Objects.requireNonNull(transport, "transport");
      return this;
    }

    /**
     * How to read the cache status; default {@link CacheStatusReader#standard()}.
     *
     * @throws IllegalStateException if already set
     */
    public Builder statusReader(CacheStatusReader reader) {
      requireUnset(this.statusReader, "statusReader");
      this.statusReader = Objects.requireNonNull(reader, "reader");
      return this;
    }

    /**
     * Which {@code Vary} headers are explosions; default {@link VaryPolicy#defaults()}.
     *
     * @throws IllegalStateException if already set
     */
    public Builder varyPolicy(VaryPolicy policy) {
      requireUnset(this.varyPolicy, "varyPolicy");
      this.varyPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * The warmer's variants, fetched first; default {@link #DEFAULT_WARMER_PROFILES}. Build them
     * with {@link HeaderProfile#warmer}.
     *
     * @throws IllegalArgumentException if empty, if a profile is not a warmer profile, or if two
     *     profiles share a name
     * @throws IllegalStateException if already set
     */
    public Builder warmerProfiles(List<HeaderProfile> profiles) {
      requireUnset(this.warmers, "warmerProfiles");
      this.warmers = check(profiles, true, "warmerProfiles");
      return this;
    }

    /**
     * The browsers' header sets, fetched after the warmer; default {@link
     * HeaderProfile#browsers()}. May be empty (only the warmer's fetches are checked).
     *
     * @throws IllegalArgumentException if a profile is a warmer profile, or two share a name
     * @throws IllegalStateException if already set
     */
    public Builder browserProfiles(List<HeaderProfile> profiles) {
      requireUnset(this.browsers, "browserProfiles");
      this.browsers = check(profiles, false, "browserProfiles");
      return this;
    }

    /**
     * The longest one request may take; default {@value #DEFAULT_TIMEOUT_SECONDS} seconds.
     *
     * @throws IllegalArgumentException if not positive
     * @throws IllegalStateException if already set
     */
    public Builder timeout(Duration timeout) {
      requireUnset(this.timeout, "timeout");
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isZero() || timeout.isNegative()) {
        throw new IllegalArgumentException("timeout must be > 0 but was " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * The clock that stamps each probe (compared with {@code Age}); default UTC system clock.
     *
     * @throws IllegalStateException if already set
     */
    public Builder clock(Clock clock) {
      requireUnset(this.clock, "clock");
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The doctor.
     *
     * @throws NullPointerException if no transport was set
     */
    public CacheDoctor build() {
      return new CacheDoctor(this);
    }

    private static List<HeaderProfile> check(List<HeaderProfile> profiles, boolean warmer,
        String what) {
      List<HeaderProfile> copy = List.copyOf(Objects.requireNonNull(profiles, what));
      if (warmer && copy.isEmpty()) {
        throw new IllegalArgumentException(what + " must not be empty");
      }
      Set<String> names = new HashSet<>();
      for (HeaderProfile p : copy) {
        if (p.warmer() != warmer) {
          throw new IllegalArgumentException(what + ": profile " + p.name() + " is "
              + (warmer ? "not " : "") + "a warmer profile");
        }
        if (!names.add(p.name())) {
          throw new IllegalArgumentException(what + ": profile name " + p.name() + " is used twice");
        }
      }
      return copy;
    }

    private static void requireUnset(@Nullable Object value, String name) {
      if (value != null) {
        throw new IllegalStateException(name + " was already set to " + value);
      }
    }
  }
}
