package dev.preheat.cli;

import dev.preheat.cli.Main.UsageError;
import dev.preheat.http.OkHttpTransport;
import dev.preheat.http.purge.CloudflarePurger;
import dev.preheat.http.purge.FastlyPurger;
import dev.preheat.http.purge.NginxPurger;
import dev.preheat.http.purge.VarnishPurger;
import dev.preheat.purge.PurgeRequest;
import dev.preheat.purge.PurgeResult;
import dev.preheat.spi.Purger;
import dev.preheat.purge.RewarmBatch;
import dev.preheat.purge.RewarmListener;
import dev.preheat.purge.Rewarmer;
import dev.preheat.warm.WarmVariant;
import dev.preheat.warm.Warmer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code preheat purge}: purges URLs and tags from one or more caches in order (shield first),
 * then re-warms the purged URLs. Exit 0 when everything was purged (and re-warmed), 3 when some
 * item was not, 2 for bad usage.
 */
@Command(
    name = "purge",
    description = {
        "Purges URLs and tags from caches in the order given (shield first), then re-warms the"
            + " purged URLs.",
        "Tokens come from the environment (FASTLY_API_TOKEN, CLOUDFLARE_API_TOKEN), never from"
            + " the command line. Printed URLs show query values as keyed hashes (?q=~3fa9c2d1).",
        "Exit codes: 0 all purged and re-warmed, 3 some item was not, 2 bad usage."},
    sortOptions = false)
final class PurgeCommand implements Callable<Integer> {

  @ParentCommand Main main;

  @Spec CommandSpec spec;

  @Option(names = "--purger", required = true, paramLabel = "KIND=TARGET[;key=value...]",
      description = {"A cache to purge, repeatable, purged in the order given (shield first):",
          "  varnish=URL        PURGE <path> to the Varnish at URL (;method=M)",
          "  varnish-ban=URL    BAN with X-Ban-Url: ^<path>$ (;header=H)",
          "  nginx=URL          PURGE <path> via a purge module (;method=GET;prefix=/purge)",
          "  fastly=SERVICE_ID  the Fastly API (;api=URL;token-env=VAR)",
          "  cloudflare=ZONE_ID the Cloudflare API (;api=URL;token-env=VAR;batch=N)",
          "Any kind takes ;name=NAME for the report. Varnish tags go as BAN X-Ban-Tag: <tag>."})
  List<String> purgerSpecs = new ArrayList<>();

  @Option(names = "--url", paramLabel = "URL", description = "An absolute URL to purge;"
      + " repeatable.")
  List<String> urls = new ArrayList<>();

  @Option(names = "--urls", paramLabel = "FILE|-",
      description = "A file (or - for standard input) of absolute URLs to purge, one a line;"
          + " blank lines and # comments are skipped.")
  String urlFile;

  @Option(names = "--tag", paramLabel = "TAG", description = "A surrogate key / cache tag to"
      + " purge; repeatable. Tags are purged but not re-warmed (no tag registry here).")
  List<String> tags = new ArrayList<>();

  @Option(names = "--soft", description = "Soft purge (mark stale) where the cache supports it"
      + " (Fastly).")
  boolean soft;

  @Option(names = "--no-rewarm", description = "Only purge; do not re-warm.")
  boolean noRewarm;

  @Option(names = "--variant", paramLabel = "'Header: value'",
      description = "Re-warm variant, as for warm (default: the two browser Accept-Encodings).")
  List<String> variants = new ArrayList<>();

  @Option(names = "--rate", paramLabel = "N/s|N/m", defaultValue = "50/s",
      description = "Most URLs purged and re-warmed per second (default 50/s).")
  String rate;

  /** The environment, replaceable in tests. */
  UnaryOperator<String> env = System::getenv;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    List<URI> toPurge = readUrls();
    for (String t : tags) {
      check("--tag", () -> PurgeRequest.checkTag(t));
    }
    if (toPurge.isEmpty() && tags.isEmpty()) {
      throw new UsageError("nothing to purge: give --url, --urls or --tag");
    }
    double perSecond = check("--rate", () -> Units.rate(rate));
    if (Double.isInfinite(perSecond)) {
      throw new UsageError("--rate must be finite, e.g. 50/s");
    }
    List<WarmVariant> variantList = VariantMatrix.of(variants);
    List<Purger> purgers = new ArrayList<>();
    try {
      for (String s : purgerSpecs) {
        purgers.add(purger(s));
      }
      boolean ok = noRewarm ? purgeOnly(purgers, toPurge, out)
          : purgeAndWarm(purgers, toPurge, variantList, perSecond, out);
      out.flush();
      return ok ? Main.OK : Main.SLO_MISSED;
    } finally {
      purgers.forEach(Purger::close);
    }
  }

  private boolean purgeOnly(List<Purger> purgers, List<URI> toPurge, PrintWriter out) {
    List<URI> remaining = new ArrayList<>(toPurge);
    List<String> remainingTags = new ArrayList<>(tags);
    boolean ok = true;
    for (Purger p : purgers) {
      if (remaining.isEmpty() && remainingTags.isEmpty()) {
        out.println("purge " + p.name() + ": skipped, nothing left that earlier purgers purged");
        continue;
      }
      PurgeResult r = p.purge(new PurgeRequest(remaining, remainingTags, soft)).join();
      ok &= print(r, out);
      remaining.removeIf(u -> r.url(u) == null || !r.url(u).purged());
      remainingTags.removeIf(t -> r.tag(t) != null
          && r.tag(t).status() == PurgeResult.Status.FAILED);
    }
    return ok;
  }

  private boolean purgeAndWarm(List<Purger> purgers, List<URI> toPurge,
      List<WarmVariant> variantList, double perSecond, PrintWriter out) throws Exception {
    List<RewarmBatch> batches = new CopyOnWriteArrayList<>();
    try (OkHttpTransport transport = OkHttpTransport.builder().build()) {
      Rewarmer rewarmer = Rewarmer.builder()
          .warmer(events -> Warmer.builder().transport(transport).rateLimit(perSecond)
              .listener(events).build())
          .purgers(purgers)
          .debounce(Duration.ZERO)
          .maxUrlsPerSecond(perSecond)
          .soft(soft)
          .variants(variantList)
          .maxPending(Math.max(1, toPurge.size() + tags.size()))
          .listener(new RewarmListener() {
            @Override
            public void batchFinished(RewarmBatch batch) {
              batches.add(batch);
            }
          })
          .build();
      rewarmer.onChange(toPurge, tags);
      try {
        rewarmer.idle().get();
      } catch (ExecutionException e) {
        throw new IllegalStateException("re-warm failed", e.getCause());
      } finally {
        rewarmer.close();
      }
    }
    boolean ok = true;
    // One result per purger over all batches, in purge order.
    Map<String, List<PurgeResult.Item>> byPurger = new LinkedHashMap<>();
    for (Purger p : purgers) {
      byPurger.put(p.name(), new ArrayList<>());
    }
    int warmed = 0;
    Map<URI, String> failed = new LinkedHashMap<>();
    for (RewarmBatch b : batches) {
      for (PurgeResult r : b.purges()) {
        byPurger.computeIfAbsent(r.purger(), k -> new ArrayList<>()).addAll(r.items());
      }
      warmed += b.warmed().size();
      failed.putAll(b.failed());
    }
    for (Map.Entry<String, List<PurgeResult.Item>> e : byPurger.entrySet()) {
      ok &= print(new PurgeResult(e.getKey(), e.getValue()), out);
    }
    out.println("re-warm: " + warmed + " of " + toPurge.size() + " URLs purged and re-warmed"
        + (failed.isEmpty() ? "" : ", " + failed.size() + " not"));
    int shown = 0;
    for (Map.Entry<URI, String> f : failed.entrySet()) {
      if (shown++ == 100) {
        out.println("  ... " + (failed.size() - 100) + " more");
        break;
      }
      out.println("  NOT WARM  " + QueryValues.hashed(f.getKey().toString()) + "  "
          + QueryValues.hashedIn(f.getValue()));
    }
    return ok && failed.isEmpty();
  }

  /** Prints a purger's counts and its items that were not purged; true when none failed. */
  private static boolean print(PurgeResult r, PrintWriter out) {
    long purged = r.items().stream().filter(PurgeResult.Item::purged).count();
    long failed = r.items().stream()
        .filter(i -> i.status() == PurgeResult.Status.FAILED).count();
    long unsupported = r.items().size() - purged - failed;
    out.println("purge " + r.purger() + ": " + purged + " purged, " + failed + " failed"
        + (unsupported == 0 ? "" : ", " + unsupported + " unsupported"));
    int shown = 0;
    for (PurgeResult.Item i : r.notPurged()) {
      if (shown++ == 100) {
        out.println("  ... " + (r.notPurged().size() - 100) + " more");
        break;
      }
      out.println("  " + i.status() + "  " + i.kind().name().toLowerCase(Locale.ROOT) + " "
          + (i.kind() == PurgeResult.Kind.URL ? QueryValues.hashed(i.value()) : i.value())
          + (i.detail() == null ? "" : "  " + QueryValues.hashedIn(i.detail())));
    }
    return failed == 0;
  }

  private List<URI> readUrls() {
    List<String> lines = new ArrayList<>(urls);
    if (urlFile != null) {
      try (BufferedReader in = urlFile.equals("-")
          ? new BufferedReader(new InputStreamReader(main.stdin(), StandardCharsets.UTF_8))
          : Files.newBufferedReader(Path.of(urlFile), StandardCharsets.UTF_8)) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          String t = line.strip();
          if (!t.isEmpty() && !t.startsWith("#")) {
            lines.add(t);
          }
        }
      } catch (IOException e) {
        throw new UsageError("cannot read --urls " + urlFile + ": " + e.getMessage());
      }
    }
    List<URI> out = new ArrayList<>();
    for (String s : lines) {
      try {
        out.add(PurgeRequest.checkUrl(new URI(s)));
      } catch (URISyntaxException | IllegalArgumentException e) {
        throw new UsageError("URL '" + s + "': " + e.getMessage());
      }
    }
    return out;
  }

  private Purger purger(String text) {
    int eq = text.indexOf('=');
    if (eq < 1) {
      throw new UsageError("--purger '" + text + "' must be KIND=TARGET, e.g."
          + " varnish=http://127.0.0.1:6081 or fastly=SERVICE_ID");
    }
    String kind = text.substring(0, eq).trim().toLowerCase(Locale.ROOT);
    String[] parts = text.substring(eq + 1).split(";");
    String target = parts[0].trim();
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 1; i < parts.length; i++) {
      int e = parts[i].indexOf('=');
      if (e < 1) {
        throw new UsageError("--purger '" + text + "': '" + parts[i] + "' must be key=value");
      }
      opts.put(parts[i].substring(0, e).trim(), parts[i].substring(e + 1).trim());
    }
    String where = "--purger '" + text + "'";
    Purger p = check(where, () -> switch (kind) {
      case "varnish", "varnish-ban" -> {
        VarnishPurger.Builder b = VarnishPurger.builder(uri(target, where));
        if (kind.equals("varnish-ban")) {
          b.banUrls(take(opts, "header", VarnishPurger.DEFAULT_BAN_URL_HEADER));
        } else if (opts.containsKey("method")) {
          b.purgeMethod(opts.remove("method"));
        }
        if (opts.containsKey("name")) {
          b.name(opts.remove("name"));
        }
        yield b.build();
      }
      case "nginx" -> {
        NginxPurger.Builder b = NginxPurger.builder(uri(target, where));
        if (opts.containsKey("method")) {
          b.method(opts.remove("method"));
        }
        if (opts.containsKey("prefix")) {
          b.pathPrefix(opts.remove("prefix"));
        }
        if (opts.containsKey("name")) {
          b.name(opts.remove("name"));
        }
        yield b.build();
      }
      case "fastly" -> {
        FastlyPurger.Builder b = FastlyPurger.builder(target,
            token(take(opts, "token-env", "FASTLY_API_TOKEN"), where));
        if (opts.containsKey("api")) {
          b.baseUrl(uri(opts.remove("api"), where));
        }
        if (opts.containsKey("name")) {
          b.name(opts.remove("name"));
        }
        yield b.build();
      }
      case "cloudflare" -> {
        CloudflarePurger.Builder b = CloudflarePurger.builder(target,
            token(take(opts, "token-env", "CLOUDFLARE_API_TOKEN"), where));
        if (opts.containsKey("api")) {
          b.baseUrl(uri(opts.remove("api"), where));
        }
        if (opts.containsKey("batch")) {
          String n = opts.remove("batch");
          try {
            b.maxItemsPerRequest(Integer.parseInt(n));
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("batch must be a whole number but was '" + n + "'");
          }
        }
        if (opts.containsKey("name")) {
          b.name(opts.remove("name"));
        }
        yield b.build();
      }
      default -> throw new IllegalArgumentException("unknown kind '" + kind
          + "'; use varnish, varnish-ban, nginx, fastly or cloudflare");
    });
    if (!opts.isEmpty()) {
      p.close();
      throw new UsageError(where + ": unknown option(s) " + opts.keySet() + " for " + kind);
    }
    return p;
  }

  private static String take(Map<String, String> opts, String key, String dflt) {
    String v = opts.remove(key);
    return v == null ? dflt : v;
  }

  private String token(String variable, String where) {
    String v = env.apply(variable);
    if (v == null || v.isBlank()) {
      throw new UsageError(where + ": the API token is read from the environment variable "
          + variable + ", which is not set (set it, or name another with ;token-env=VAR)");
    }
    return v.strip();
  }

  private static URI uri(String text, String where) {
    try {
      return new URI(text);
    } catch (URISyntaxException e) {
      throw new UsageError(where + ": '" + text + "' is not a URL: " + e.getReason());
    }
  }

  private static <T> T check(String option, java.util.function.Supplier<T> parse) {
    try {
      return parse.get();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new UsageError(option + ": " + e.getMessage());
    }
  }
}
