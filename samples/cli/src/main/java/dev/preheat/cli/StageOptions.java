package dev.preheat.cli;

import dev.preheat.cli.Main.UsageError;
import dev.preheat.warm.Gate;
import dev.preheat.warm.RegionBudget;
import dev.preheat.warm.Stage;
import dev.preheat.warm.Stages;
import dev.preheat.warm.WarmVariant;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Parses {@code --stage}, {@code --gate}, {@code --gate-retry} and {@code --budget-pause-at}
 * into {@link Stages} (the CLI opens each stage's transport with {@link
 * dev.preheat.http.OkHttpTransport#factory}).
 *
 * <p>{@code --stage NAME=URL[;connect-to=HOST:PORT][;rate=R][;concurrency=C][;canary=SHARE]
 * [;region=NAME][;requests-per-day=N][;bytes-per-day=SIZE][;gate=SPEC][;variant=HEADER: VALUE]...}:
 * an empty URL keeps {@code --base-url}; {@code variant=} (repeatable, combined like {@code
 * --variant}) replaces the variants for that stage. {@code --gate hit>=0.9,errors<=0.01[,uplift>=0.5]} applies to every stage
 * without its own {@code gate=}.
 */
final class StageOptions {

  static final List<String> KEYS = List.of("connect-to", "rate", "concurrency", "canary",
      "region", "requests-per-day", "bytes-per-day", "gate", "variant");

  private StageOptions() {}

  /** The stages, or null when no {@code --stage} was given. */
  static @Nullable Stages parse(List<String> specs, @Nullable String gateSpec,
      @Nullable String gateRetry, @Nullable Double pauseAt, URI base,
      @Nullable InetSocketAddress globalPin, List<String> cohortCookies) {
    if (specs.isEmpty()) {
      if (gateSpec != null || gateRetry != null || pauseAt != null) {
        throw new UsageError("--gate, --gate-retry and --budget-pause-at need at least one"
            + " --stage NAME=URL");
      }
      return null;
    }
    if (pauseAt != null && !(pauseAt > 0 && pauseAt <= 1)) {
      throw new UsageError("--budget-pause-at must be in (0, 1] but was " + pauseAt);
    }
    Duration retryDelay = null;
    int retryAttempts = 0;
    if (gateRetry != null) {
      int colon = gateRetry.lastIndexOf(':');
      try {
        if (colon <= 0) {
          throw new IllegalArgumentException("missing ':'");
        }
        retryDelay = Units.duration(gateRetry.substring(0, colon).trim());
        retryAttempts = Integer.parseInt(gateRetry.substring(colon + 1).trim());
        if (retryAttempts < 1) {
          throw new IllegalArgumentException("attempts must be >= 1");
        }
      } catch (IllegalArgumentException e) {
        throw new UsageError("--gate-retry must be DELAY:ATTEMPTS, e.g. 30s:3 (pause 30 s, then"
            + " run the stage again, at most 3 times), but was '" + gateRetry + "': "
            + e.getMessage());
      }
      if (gateSpec == null && specs.stream().noneMatch(s -> s.contains(";gate="))) {
        throw new UsageError("--gate-retry needs a gate: add --gate hit>=0.9,errors<=0.01");
      }
    }
    Stages.Builder stages = Stages.builder().site(base);
    for (String spec : specs) {
      Stage stage = stage(spec, gateSpec, retryDelay, retryAttempts, pauseAt, globalPin,
          cohortCookies);
      option("--stage " + spec, () -> stages.stage(stage));
    }
    return stages.build();
  }

  private static Stage stage(String spec, @Nullable String defaultGate,
      @Nullable Duration retryDelay, int retryAttempts, @Nullable Double pauseAt,
      @Nullable InetSocketAddress globalPin, List<String> cohortCookies) {
    String[] parts = spec.split(";");
    String head = parts[0];
    int eq = head.indexOf('=');
    if (eq <= 0) {
      throw new UsageError("--stage must be NAME=URL[;connect-to=HOST:PORT][;rate=R]"
          + "[;concurrency=C]..., e.g. shield=https://shield.example.com;rate=20/s, but was '"
          + spec + "'");
    }
    String name = head.substring(0, eq).trim();
    String where = "--stage " + name;
    Stage.Builder b = option(where, () -> Stage.builder(name));
    String url = head.substring(eq + 1).trim();
    if (!url.isEmpty()) {
      URI target = WarmCommand.parseBase(url, where);
      option(where, () -> b.target(target));
    }
    String gate = defaultGate;
    boolean pinned = false;
    long requestsPerDay = 0;
    long bytesPerDay = 0;
    List<String> variantSpecs = new ArrayList<>();
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i].trim();
      if (p.isEmpty()) {
        continue;
      }
      int e = p.indexOf('=');
      String key = e < 0 ? p : p.substring(0, e).trim().toLowerCase(Locale.ROOT);
      String value = e < 0 ? "" : p.substring(e + 1).trim();
      if (value.isEmpty()) {
        throw new UsageError(where + ": '" + key + "' needs a value (" + key + "=...)");
      }
      switch (key) {
        case "connect-to" -> {
          InetSocketAddress a = WarmCommand.parseConnectTo(value, where + ": connect-to");
          option(where, () -> b.connectTo(a.getAddress().getHostAddress(), a.getPort()));
          pinned = true;
        }
        case "rate" -> {
          double r = option(where + ": rate", () -> Units.rate(value));
          option(where, () -> Double.isInfinite(r) ? b.noRateLimit() : b.rateLimit(r));
        }
        case "concurrency" -> option(where, () -> b.concurrency(integer(value, "concurrency")));
        case "canary" -> option(where, () -> b.canary(share(value, "canary")));
        case "region" -> option(where, () -> b.region(value));
        case "requests-per-day" -> requestsPerDay = option(where,
            () -> (long) integer(perDay(value), "requests-per-day"));
        case "bytes-per-day" -> bytesPerDay = option(where + ": bytes-per-day",
            () -> Units.bytes(perDay(value)));
        case "gate" -> gate = value;
        case "variant" -> variantSpecs.add(value);
        default -> throw new UsageError(where + ": unknown setting '" + key + "'; known: "
            + String.join(", ", KEYS));
      }
    }
    if (!variantSpecs.isEmpty()) {
      List<WarmVariant> vs;
      try {
        vs = VariantMatrix.of(variantSpecs);
      } catch (UsageError e) {
        throw new UsageError(where + ": " + e.getMessage());
      }
      List<WarmVariant> withCohorts = CohortVariants.multiply(vs, cohortCookies, new ArrayList<>());
      option(where, () -> b.variants(withCohorts));
    }
    if (!pinned && url.isEmpty() && globalPin != null) {
      InetSocketAddress a = globalPin;
      b.connectTo(a.getAddress().getHostAddress(), a.getPort());
    }
    if (requestsPerDay > 0 || bytesPerDay > 0) {
      long r = requestsPerDay;
      long by = bytesPerDay;
      option(where, () -> b.budget(new RegionBudget(r, by,
          pauseAt == null ? RegionBudget.DEFAULT_PAUSE_AT : pauseAt)));
    }
    if (gate != null) {
      Gate g = gate(gate, where, retryDelay, retryAttempts);
      b.gate(g);
    }
    return b.build();
  }

  private static String perDay(String value) {
    return value.endsWith("/day") ? value.substring(0, value.length() - 4).trim()
        : value.endsWith("/d") ? value.substring(0, value.length() - 2).trim() : value;
  }

  /** {@code hit>=0.9,errors<=0.01,uplift>=0.5}; values as shares or percentages. */
  static Gate gate(String spec, String where, @Nullable Duration retryDelay, int retryAttempts) {
    Gate.Builder g = Gate.builder();
    for (String raw : spec.split(",")) {
      String c = raw.trim().replace(" ", "");
      if (c.isEmpty()) {
        continue;
      }
      try {
        if (c.startsWith("hit>=")) {
          g.minHitRatio(share(c.substring(5), "hit"));
        } else if (c.startsWith("errors<=")) {
          g.maxErrorRate(share(c.substring(8), "errors"));
        } else if (c.startsWith("uplift>=")) {
          g.minUplift(share(c.substring(8), "uplift"));
        } else {
          throw new IllegalArgumentException("unknown condition '" + c + "'");
        }
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw new UsageError(where + ": gate must be conditions like hit>=0.9,errors<=0.01,"
            + "uplift>=0.5 (shares or percentages) but was '" + spec + "': " + e.getMessage());
      }
    }
    if (retryDelay != null) {
      g.pauseAndRetry(retryDelay, retryAttempts);
    }
    return option(where + ": gate '" + spec + "'", g::build);
  }

  private static double share(String text, String what) {
    String t = text.trim();
    double v;
    try {
      v = t.endsWith("%") ? Double.parseDouble(t.substring(0, t.length() - 1)) / 100
          : Double.parseDouble(t);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " must be a share like 0.9 or 90% but was '"
          + text + "'");
    }
    return v;
  }

  private static int integer(String text, String what) {
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " must be a whole number but was '" + text + "'");
    }
  }

  private static <T> T option(String where, Supplier<T> parser) {
    try {
      return parser.get();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new UsageError(where + ": " + e.getMessage());
    }
  }
}
