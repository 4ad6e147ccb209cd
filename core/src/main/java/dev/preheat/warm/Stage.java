package dev.preheat.warm;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One step of a staged warm ({@link Stages}): a named target (a shield, a canary region, a wave
 * of edges) with its own address, rate and concurrency caps, variants, optional canary slice,
 * region budget and {@link Gate}. Stages run strictly in order: a stage starts only after its
 * predecessor finished and that stage's gate passed.
 *
 * <ul>
 *   <li>{@link #target()}: the base URL this stage warms instead of the site's ({@link
 *       Stages#site()}); paths and queries are the plan's. Null: the plan's URLs as they are.
 *   <li>{@link #connectToHost()}/{@link #connectToPort()}: connect to this address instead of
 *       resolving the host (a PoP pinned, URL, {@code Host} and TLS SNI unchanged); honoured by
 *       the {@link dev.preheat.spi.TransportFactory} that opens the stage's transport.
 *   <li>{@link #rate()} and {@link #concurrency()}: caps for this stage; null means the warmer's.
 *   <li>{@link #variants()}: the header sets warmed in this stage; empty means the plan's.
 *   <li>{@link #canaryShare()}: warm only the hottest share of the plan here and report the HIT
 *       ratio uplift (see {@link dev.preheat.report.StageReport.Canary}).
 *   <li>{@link #region()} and {@link #budget()}: the daily budget of the region the stage
 *       targets (stages naming the same region share it).
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public final class Stage {

  private final String name;
  private final @Nullable URI target;
  private final @Nullable String connectToHost;
  private final int connectToPort;
  private final @Nullable Double rate;
  private final @Nullable Integer concurrency;
  private final List<WarmVariant> variants;
  private final double canaryShare;
  private final String region;
  private final @Nullable RegionBudget budget;
  private final @Nullable Gate gate;
  private final double verifySample;

  private Stage(Builder b) {
    this.name = b.name;
    this.target = b.target;
    this.connectToHost = b.connectToHost;
    this.connectToPort = b.connectToPort;
    this.rate = b.rate;
    this.concurrency = b.concurrency;
    this.variants = b.variants == null ? List.of() : b.variants;
    this.canaryShare = b.canaryShare == null ? 0 : b.canaryShare;
    this.region = b.region == null ? b.name : b.region;
    this.budget = b.budget;
    this.gate = b.gate;
    this.verifySample = b.verifySample == null ? 0 : b.verifySample;
  }

  /**
   * A builder for a stage named {@code name}.
   *
   * @throws IllegalArgumentException if the name is blank or has characters other than letters,
   *     digits, {@code - _ .}
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** The name, unique within its {@link Stages}. */
  public String name() {
    return name;
  }

  /** The base URL warmed instead of the site's, or null for the plan's URLs. */
  public @Nullable URI target() {
    return target;
  }

  /** The host to connect to instead of resolving the URL's host, or null. */
  public @Nullable String connectToHost() {
    return connectToHost;
  }

  /** The port to connect to with {@link #connectToHost()}, or 0. */
  public int connectToPort() {
    return connectToPort;
  }

  /** {@code HOST:PORT} of the pinned address, or null. */
  public @Nullable String connectTo() {
    if (connectToHost == null) {
      return null;
    }
    return (connectToHost.indexOf(':') >= 0 ? "[" + connectToHost + "]" : connectToHost) + ":"
        + connectToPort;
  }

  /** Requests per second in this stage ({@link Double#POSITIVE_INFINITY}: no cap), or null. */
  public @Nullable Double rate() {
    return rate;
  }

  /** Most requests in flight in this stage, or null for the warmer's. */
  public @Nullable Integer concurrency() {
    return concurrency;
  }

  /** The variants of this stage; empty for the plan's. */
  public List<WarmVariant> variants() {
    return variants;
  }

  /** The hottest share of the plan warmed in this canary stage; 0 when not a canary. */
  public double canaryShare() {
    return canaryShare;
  }

  /** Whether this is a canary stage. */
  public boolean isCanary() {
    return canaryShare > 0;
  }

  /** The region whose budget this stage uses; the stage name unless set. */
  public String region() {
    return region;
  }

  /** The region's daily budget, or null for none. */
  public @Nullable RegionBudget budget() {
    return budget;
  }

  /** The gate checked after this stage, or null (the next stage follows at once). */
  public @Nullable Gate gate() {
    return gate;
  }

  /**
   * The share of the stage's good targets re-requested like a browser after the stage; 0 means
   * the warmer's verification share, or {@link Stages#DEFAULT_GATE_SAMPLE} when a gate or canary
   * needs one and the warmer has none.
   */
  public double verifySample() {
    return verifySample;
  }

  @Override
  public String toString() {
    return "Stage[" + name + (target == null ? "" : ", target=" + target)
        + (connectToHost == null ? "" : ", connectTo=" + connectTo())
        + (rate == null ? "" : ", rate=" + rate) + (concurrency == null ? ""
            : ", concurrency=" + concurrency)
        + (variants.isEmpty() ? "" : ", variants=" + variants.stream().map(WarmVariant::name)
            .toList())
        + (isCanary() ? ", canary=" + canaryShare : "") + ", region=" + region
        + (budget == null ? "" : ", " + budget) + (gate == null ? "" : ", " + gate) + "]";
  }

  /** Builds a {@link Stage}; each setting may be given once. Not thread-safe. */
  public static final class Builder {

    private final String name;
    private @Nullable URI target;
    private @Nullable String connectToHost;
    private int connectToPort;
    private @Nullable Double rate;
    private @Nullable Integer concurrency;
    private @Nullable List<WarmVariant> variants;
    private @Nullable Double canaryShare;
    private @Nullable String region;
    private @Nullable RegionBudget budget;
    private @Nullable Gate gate;
    private @Nullable Double verifySample;

    private Builder(String name) {
      this.name = checkName(name, "stage name");
    }

    static String checkName(String name, String what) {
      Objects.requireNonNull(name, what);
      if (name.isEmpty() || name.length() > 64 || !name.chars().allMatch(c -> c < 0x80
          && (Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.'))) {
        throw new IllegalArgumentException(what + " must be 1 to 64 letters, digits, '-', '_'"
            + " or '.' but was '" + name + "'");
      }
      return name;
    }

    private void once(@Nullable Object current, String setting) {
      if (current != null) {
        throw new IllegalStateException("stage '" + name + "': " + setting
            + " was already set to " + current);
      }
    }

    /**
     * The base URL to warm in this stage instead of the site's, e.g. {@code
     * https://eu.cdn.example.com}.
     *
     * @throws IllegalArgumentException if not an absolute http(s) URL without query or fragment
     * @throws IllegalStateException if already set
     */
    public Builder target(URI baseUrl) {
      once(target, "target");
      Objects.requireNonNull(baseUrl, "baseUrl");
      String scheme = baseUrl.getScheme();
      if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
          || baseUrl.getHost() == null || baseUrl.getRawQuery() != null
          || baseUrl.getRawFragment() != null) {
        throw new IllegalArgumentException("stage '" + name + "': target must be an absolute"
            + " http(s) URL without query, such as https://eu.cdn.example.com, but was '"
            + baseUrl + "'");
      }
      this.target = baseUrl;
      return this;
    }

    /**
     * Connects to {@code host:port} instead of resolving the URL's host (URL, {@code Host} and
     * TLS SNI unchanged).
     *
     * @throws IllegalArgumentException if the host is blank or the port outside 1..65535
     * @throws IllegalStateException if already set
     */
    public Builder connectTo(String host, int port) {
      once(connectToHost, "connectTo");
      Objects.requireNonNull(host, "host");
      if (host.isBlank() || port < 1 || port > 65_535) {
        throw new IllegalArgumentException("stage '" + name + "': connectTo needs a host and a"
            + " port in 1..65535 but was '" + host + "':" + port);
      }
      this.connectToHost = host;
      this.connectToPort = port;
      return this;
    }

    /**
     * The rate cap of this stage in requests per second.
     *
     * @throws IllegalArgumentException if not a finite number {@code > 0}
     * @throws IllegalStateException if already set
     */
    public Builder rateLimit(double perSecond) {
      once(rate, "rateLimit");
      if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
        throw new IllegalArgumentException("stage '" + name + "': rateLimit must be a finite"
            + " number > 0 but was " + perSecond + "; use noRateLimit()");
      }
      this.rate = perSecond;
      return this;
    }

    /**
     * No rate cap in this stage.
     *
     * @throws IllegalStateException if the rate was already set
     */
    public Builder noRateLimit() {
      once(rate, "rateLimit");
      this.rate = Double.POSITIVE_INFINITY;
      return this;
    }

    /**
     * The concurrency cap of this stage.
     *
     * @throws IllegalArgumentException if {@code max < 1}
     * @throws IllegalStateException if already set
     */
    public Builder concurrency(int max) {
      once(concurrency, "concurrency");
      if (max < 1) {
        throw new IllegalArgumentException("stage '" + name + "': concurrency must be >= 1 but"
            + " was " + max);
      }
      this.concurrency = max;
      return this;
    }

    /**
     * The variants warmed in this stage instead of the plan's.
     *
     * @throws IllegalArgumentException if empty or two share a name
     * @throws IllegalStateException if already set
     */
    public Builder variants(List<WarmVariant> variants) {
      once(this.variants, "variants");
      List<WarmVariant> copy = List.copyOf(variants);
      if (copy.isEmpty()) {
        throw new IllegalArgumentException("stage '" + name + "': variants must not be empty");
      }
      if (copy.stream().map(WarmVariant::name).distinct().count() != copy.size()) {
        throw new IllegalArgumentException("stage '" + name + "': variant names must be unique"
            + " but were " + copy.stream().map(WarmVariant::name).toList());
      }
      this.variants = copy;
      return this;
    }

    /**
     * Makes this a canary stage: only the hottest {@code share} of the plan's entries (at least
     * one) is warmed here, and the report gives the HIT ratio before and after.
     *
     * @throws IllegalArgumentException if not in (0, 1]
     * @throws IllegalStateException if already set
     */
    public Builder canary(double share) {
      once(canaryShare, "canary");
      if (!(share > 0 && share <= 1)) {
        throw new IllegalArgumentException("stage '" + name + "': canary share must be in"
            + " (0, 1] but was " + share);
      }
      this.canaryShare = share;
      return this;
    }

    /**
     * The region this stage targets, for its budget; default the stage name.
     *
     * @throws IllegalArgumentException if not 1 to 64 letters, digits, '-', '_' or '.'
     * @throws IllegalStateException if already set
     */
    public Builder region(String region) {
      once(this.region, "region");
      this.region = checkName(region, "stage '" + name + "': region");
      return this;
    }

    /**
     * The daily budget of the stage's region.
     *
     * @throws IllegalStateException if already set
     */
    public Builder budget(RegionBudget budget) {
      once(this.budget, "budget");
      this.budget = Objects.requireNonNull(budget, "budget");
      return this;
    }

    /**
     * The gate checked after this stage.
     *
     * @throws IllegalStateException if already set
     */
    public Builder gate(Gate gate) {
      once(this.gate, "gate");
      this.gate = Objects.requireNonNull(gate, "gate");
      return this;
    }

    /**
     * The share (0..1] of the stage's good targets re-requested like a browser after it.
     *
     * @throws IllegalArgumentException if not in (0, 1]
     * @throws IllegalStateException if already set
     */
    public Builder verifySample(double share) {
      once(verifySample, "verifySample");
      if (!(share > 0 && share <= 1)) {
        throw new IllegalArgumentException("stage '" + name + "': verifySample must be in (0, 1]"
            + " but was " + share);
      }
      this.verifySample = share;
      return this;
    }

    /** Builds the stage. */
    public Stage build() {
      return new Stage(this);
    }
  }
}
