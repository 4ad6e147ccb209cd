package dev.preheat.warm;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An ordered list of {@link Stage}s a plan is warmed through, e.g. {@code shield → canary →
 * wave-1 → wave-2}, with the {@linkplain #site() site} whose URLs a stage's {@linkplain
 * Stage#target() target} replaces. Run with {@link Warmer#start(WarmPlan, Stages,
 * dev.preheat.spi.TransportFactory)}.
 *
 * <p>Retargeting: a plan URL that starts with the site URL (at a {@code /}, {@code ?} or the
 * end) has that prefix replaced by the stage's target, so {@code https://www.example.com/a?b}
 * becomes {@code http://10.0.0.7:8080/a?b} in a stage targeting {@code http://10.0.0.7:8080}.
 * Without a site, the scheme and authority of every URL are replaced. URLs of other hosts are
 * warmed as they are.
 *
 * <p>Immutable and thread-safe.
 */
public final class Stages {

  /**
   * The verification share used after a stage that has a gate or a canary when neither the stage
   * nor the warmer sets one: 10% (at least one target).
   */
  public static final double DEFAULT_GATE_SAMPLE = 0.1;

  private final @Nullable URI site;
  private final List<Stage> stages;

  private Stages(@Nullable URI site, List<Stage> stages) {
    this.site = site;
    this.stages = List.copyOf(stages);
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The site URL that stage targets replace, or null (every URL's origin is replaced). */
  public @Nullable URI site() {
    return site;
  }

  /** The stages, in run order; at least one. */
  public List<Stage> stages() {
    return stages;
  }

  /** {@code url} as warmed in {@code stage}. */
  URI retarget(URI url, Stage stage) {
    URI target = stage.target();
    if (target == null) {
      return url;
    }
    String to = stripSlash(target.toString());
    String text = url.toString();
    if (site != null) {
      String from = stripSlash(site.toString());
      if (text.regionMatches(true, 0, from, 0, from.length())
          && (text.length() == from.length() || "/?#".indexOf(text.charAt(from.length())) >= 0)) {
        return URI.create(to + text.substring(from.length()));
      }
      return url;
    }
    String rest = url.getRawPath() == null ? "" : url.getRawPath();
    if (url.getRawQuery() != null) {
      rest += "?" + url.getRawQuery();
    }
    return URI.create(to + rest);
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  @Override
  public String toString() {
    return "Stages[site=" + site + ", " + stages.stream().map(Stage::name).toList() + "]";
  }

  /** Builds {@link Stages}. Not thread-safe. */
  public static final class Builder {

    private @Nullable URI site;
    private final List<Stage> stages = new ArrayList<>();
    private final Set<String> names = new HashSet<>();

    private Builder() {}

    /**
     * The site URL that stage targets replace, usually the plan's base URL.
     *
     * @throws IllegalArgumentException if not an absolute http(s) URL without query
     * @throws IllegalStateException if already set
     */
    public Builder site(URI site) {
      Objects.requireNonNull(site, "site");
      if (this.site != null) {
        throw new IllegalStateException("site was already set to " + this.site);
      }
      String scheme = site.getScheme();
      if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
          || site.getHost() == null || site.getRawQuery() != null) {
        throw new IllegalArgumentException("site must be an absolute http(s) URL without query"
            + " but was '" + site + "'");
      }
      this.site = site;
      return this;
    }

    /**
     * Appends a stage.
     *
     * @throws IllegalArgumentException if a stage of that name was already added
     */
    public Builder stage(Stage stage) {
      Objects.requireNonNull(stage, "stage");
      if (!names.add(stage.name())) {
        throw new IllegalArgumentException("stage '" + stage.name() + "' was already added;"
            + " stage names must be unique");
      }
      stages.add(stage);
      return this;
    }

    /**
     * Builds the stages.
     *
     * @throws IllegalStateException if no stage was added
     */
    public Stages build() {
      if (stages.isEmpty()) {
        throw new IllegalStateException("no stage was added; call stage(...) at least once");
      }
      return new Stages(site, stages);
    }
  }
}
