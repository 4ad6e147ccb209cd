package dev.preheat.cli;

import dev.preheat.cli.Main.UsageError;
import dev.preheat.doctor.CacheDoctor;
import dev.preheat.doctor.Diagnosis;
import dev.preheat.doctor.Finding;
import dev.preheat.doctor.HeaderProfile;
import dev.preheat.doctor.Probe;
import dev.preheat.http.OkHttpTransport;
import dev.preheat.internal.json.Json;
import dev.preheat.warm.WarmVariant;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.exc.JacksonIOException;

/**
 * {@code preheat doctor URL...}: fetches each URL with the warmer's headers and then with real
 * browsers' headers, compares what the cache did, and explains what stops warming from helping
 * real users, with a fix for each finding. See {@link CacheDoctor} for the fetch sequence and
 * {@link dev.preheat.doctor.DoctorRules} for the findings.
 */
@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Diagnoses why a warmed URL may still be a MISS for real users: fetches it with the "
          + "warmer's headers (its --variant values), then with desktop Chrome, Safari, Firefox, "
          + "mobile Chrome and a returning visitor (analytics cookies), and compares cache status, "
          + "Vary, Cache-Control, ETag/Last-Modified, Age and Set-Cookie.",
      "A MISS on the warmer's first fetch is normal; a browser's MISS right after the warmer's "
          + "copy was stored means the browser's cache key differs. Most telling on a URL that "
          + "is not cached yet, or right after a purge.",
      "Exit codes: 0 nothing wrong (only INFO findings); 5 a problem or warning was found; "
          + "2 bad usage; 1 internal error."
    })
final class DoctorCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "URL", description = "Absolute http(s) URLs to examine.")
  List<String> urls = new ArrayList<>();

  @Option(names = "--variant", paramLabel = "'Header: value'",
      description = "The warmer's variants, as for preheat warm (same header = alternatives, "
          + "different headers multiply). Default: preheat warm's defaults, Accept-Encoding "
          + "'gzip, deflate, br, zstd' and 'gzip, deflate, br'.")
  List<String> variants = new ArrayList<>();

  @Option(names = "--connect-to", paramLabel = "HOST:PORT",
      description = "Connect to this address for every URL's host (one cache node, PoP or "
          + "shield); URL, Host and TLS SNI keep the hostname.")
  @Nullable String connectTo;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s",
      description = "Longest time one request may take (default ${DEFAULT-VALUE}).")
  String timeout = "30s";

  @Option(names = "--output", paramLabel = "text|json", defaultValue = "text",
      description = "Output format (default ${DEFAULT-VALUE}).")
  String output = "text";

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (!output.equals("text") && !output.equals("json")) {
      throw new UsageError("--output must be text or json but was '" + output + "'");
    }
    List<URI> targets = new ArrayList<>();
    Set<String> hosts = new LinkedHashSet<>();
    for (String u : urls) {
      URI uri = parseUrl(u);
      targets.add(uri);
      hosts.add(uri.getHost().toLowerCase(Locale.ROOT));
    }
    Duration perRequest;
    try {
      perRequest = Units.duration(timeout);
    } catch (IllegalArgumentException e) {
      throw new UsageError("--timeout: " + e.getMessage());
    }
    if (perRequest.isZero() || perRequest.isNegative()) {
      throw new UsageError("--timeout must be > 0 but was '" + timeout + "'");
    }
    List<HeaderProfile> warmers = new ArrayList<>();
    for (WarmVariant v : VariantMatrix.of(variants)) {
      warmers.add(HeaderProfile.warmer("warmer-" + v.name(), v.headers()));
    }
    InetSocketAddress pin = connectTo == null ? null : WarmCommand.parseConnectTo(connectTo);

    OkHttpTransport.Builder tb = OkHttpTransport.builder().maxConcurrency(1)
        .callTimeout(perRequest);
    if (pin != null) {
      hosts.forEach(h -> tb.connectTo(h, pin));
    }
    List<Diagnosis> diagnoses = new ArrayList<>();
    try (OkHttpTransport transport = tb.build()) {
      CacheDoctor doctor = CacheDoctor.builder().transport(transport).warmerProfiles(warmers)
          .timeout(perRequest.plusSeconds(1)).build();
      for (URI target : targets) {
        diagnoses.add(doctor.examine(target));
      }
    }
    if (output.equals("json")) {
      writeJson(diagnoses, out);
    } else {
      writeText(diagnoses, out);
    }
    return diagnoses.stream().anyMatch(Diagnosis::problemFound) ? Main.PROBLEM_FOUND : Main.OK;
  }

  static URI parseUrl(String text) {
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new UsageError("URL '" + text + "' is not a URL: " + e.getReason());
    }
    String scheme = uri.getScheme();
    if (uri.getHost() == null || scheme == null
        || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
      throw new UsageError("URL must be an absolute http(s) URL such as "
          + "https://www.example.com/page, but was '" + text + "'");
    }
    if (uri.getRawPath() == null || uri.getRawPath().isEmpty()) {
      uri = uri.resolve("/");
    }
    return uri;
  }

  /** The response headers that matter for caching, from the warmer's first fetch. */
  private static final List<String> SHOWN_HEADERS = List.of(
      "Cache-Control", "Vary", "ETag", "Last-Modified", "Expires", "Age", "Set-Cookie");

  private static void writeText(List<Diagnosis> diagnoses, PrintWriter out) {
    for (Diagnosis d : diagnoses) {
      out.println(d.url());
      Probe base = d.probes().stream().filter(Probe::ok).findFirst().orElse(null);
      if (base != null) {
        for (String h : SHOWN_HEADERS) {
          String v = base.header(h);
          out.printf("  %-14s %s%n", h + ":", v == null ? "-" : v);
        }
      }
      out.printf("  %-13s %-21s %6s  %-8s %s%n", "step", "profile", "status", "cache", "from");
      for (Probe p : d.probes()) {
        String from = !p.ok() ? p.error()
            : p.cacheStatus().header() == null ? "-"
            : p.cacheStatus().header() + ": " + p.cacheStatus().raw();
        if (p.ok() && p.cacheStatus().ageSeconds() >= 0) {
          from += ", Age " + p.cacheStatus().ageSeconds();
        }
        out.printf("  %-13s %-21s %6s  %-8s %s%n", p.step().name().toLowerCase(Locale.ROOT)
            .replace('_', '-'), p.profile().name(), p.ok() ? String.valueOf(p.status()) : "-",
            p.ok() ? p.cacheStatus().kind() : "FAILED", from);
      }
      if (d.findings().isEmpty()) {
        out.println("  OK: the warmer and every browser share the cached copy; nothing to fix.");
      }
      for (Finding f : d.findings()) {
        out.println("  " + f.severity() + " " + f.code() + ": " + f.title());
        out.println("    why: " + f.explanation());
        out.println("    fix: " + f.fix());
      }
      out.println();
    }
    long wrong = diagnoses.stream().filter(Diagnosis::problemFound).count();
    out.println(wrong == 0 ? "verdict: nothing wrong (" + diagnoses.size() + " URL"
        + (diagnoses.size() == 1 ? "" : "s") + ")"
        : "verdict: problems found for " + wrong + " of " + diagnoses.size() + " URL"
            + (diagnoses.size() == 1 ? "" : "s") + " (exit code " + Main.PROBLEM_FOUND + ")");
  }

  private static void writeJson(List<Diagnosis> diagnoses, PrintWriter out) {
    try (JsonGenerator g = Json.PRETTY.createGenerator(out)) {
      g.writeStartObject();
      g.writeBooleanProperty("problemFound", diagnoses.stream().anyMatch(Diagnosis::problemFound));
      g.writeArrayPropertyStart("urls");
      for (Diagnosis d : diagnoses) {
        g.writeStartObject();
        g.writeStringProperty("url", d.url().toString());
        g.writeBooleanProperty("problemFound", d.problemFound());
        if (d.worst().isPresent()) {
          g.writeStringProperty("worst", d.worst().get().name());
        } else {
          g.writeNullProperty("worst");
        }
        g.writeArrayPropertyStart("findings");
        for (Finding f : d.findings()) {
          g.writeStartObject();
          g.writeStringProperty("code", f.code());
          g.writeStringProperty("severity", f.severity().name());
          g.writeStringProperty("title", f.title());
          g.writeStringProperty("explanation", f.explanation());
          g.writeStringProperty("fix", f.fix());
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayPropertyStart("probes");
        for (Probe p : d.probes()) {
          g.writeStartObject();
          g.writeStringProperty("step", p.step().name());
          g.writeStringProperty("profile", p.profile().name());
          g.writeBooleanProperty("warmer", p.profile().warmer());
          g.writeObjectPropertyStart("requestHeaders");
          for (var e : p.profile().headers().entrySet()) {
            g.writeStringProperty(e.getKey(), e.getValue());
          }
          g.writeEndObject();
          if (p.ok()) {
            g.writeNumberProperty("status", p.status());
            g.writeStringProperty("cacheStatus", p.cacheStatus().kind().name());
            g.writeStringProperty("cacheStatusHeader", p.cacheStatus().header());
            g.writeStringProperty("cacheStatusValue", p.cacheStatus().raw());
            if (p.cacheStatus().ageSeconds() >= 0) {
              g.writeNumberProperty("age", p.cacheStatus().ageSeconds());
            }
            g.writeObjectPropertyStart("responseHeaders");
            for (String h : SHOWN_HEADERS) {
              String v = p.header(h);
              if (v != null) {
                g.writeStringProperty(h, v);
              }
            }
            g.writeEndObject();
          } else {
            g.writeStringProperty("error", p.error());
          }
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (JacksonIOException e) {
      throw new UncheckedIOException(e.getCause());
    }
    out.println();
  }
}
