package dev.preheat.cli;

import dev.preheat.hotset.Clamp;
import dev.preheat.hotset.CountingMode;
import dev.preheat.hotset.CoveragePoint;
import dev.preheat.hotset.FilterReason;
import dev.preheat.hotset.Hotset;
import dev.preheat.hotset.HotsetEntry;
import dev.preheat.internal.json.Json;
import dev.preheat.source.MalformedLine;
import dev.preheat.source.ReadStats;
import dev.preheat.source.SourceProblem;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.exc.JacksonIOException;

/**
 * Writes a {@link Hotset} with the reading statistics as text, JSON (schema version
 * {@value #SCHEMA_VERSION}, documented in {@code docs/schema/hotset.schema.json}) or a plain URL
 * list.
 */
final class HotsetReport {

  static final int SCHEMA_VERSION = 1;

  private final Hotset hotset;
  private final ReadStats stats;
  private final List<SourceProblem> listProblems;
  private final long listProblemCount;
  private final List<String> settings;
  private final @Nullable String baseUrl;
  private final String version;

  HotsetReport(Hotset hotset, ReadStats stats, List<SourceProblem> listProblems,
      long listProblemCount, List<String> settings, @Nullable String baseUrl, String version) {
    this.hotset = hotset;
    this.stats = stats;
    this.listProblems = listProblems;
    this.listProblemCount = listProblemCount;
    this.settings = settings;
    this.baseUrl = baseUrl == null ? null : stripTrailingSlash(baseUrl);
    this.version = version;
  }

  /** One URL per line; relative URLs are prefixed with the base URL when one was given. */
  void writeUrls(PrintWriter out) {
    for (HotsetEntry e : hotset.entries()) {
      out.println(absolute(e.url()));
    }
  }

  private String absolute(String url) {
    // Joined by concatenation, never URI.resolve: a target like //host/ must stay a path.
    return baseUrl != null && url.startsWith("/") ? baseUrl + url : url;
  }

  void writeText(PrintWriter out) {
    List<HotsetEntry> entries = hotset.entries();
    int countWidth = 5;
    for (HotsetEntry e : entries) {
      countWidth = Math.max(countWidth, String.format(Locale.ROOT, "%,d", e.count()).length());
    }
    String row = "%5s  %" + countWidth + "s  %7s  %7s  %s%n";
    out.printf(Locale.ROOT, row, "rank", "count", "share", "cumul.", "url");
    for (HotsetEntry e : entries) {
      out.printf(Locale.ROOT, row, e.rank(), String.format(Locale.ROOT, "%,d", e.count()),
          percent(e.share()), percent(e.cumulativeCoverage()),
          absolute(e.url()) + (e.fromTraffic() && e.provenance().size() == 1
              ? "" : "  " + e.provenance()));
    }
    out.println();
    out.println("summary");
    line(out, "settings", String.join(", ", settings));
    if (stats.files() > 0) {
      line(out, "files", stats.files() + " (" + human(stats.bytesRead()) + ")");
      line(out, "lines read", fmt(stats.lines()));
      line(out, "malformed", fmt(stats.malformedLines())
          + (stats.oversizedLines() > 0 ? " (" + fmt(stats.oversizedLines()) + " over the line length cap)" : ""));
      line(out, "filtered", filteredText());
      line(out, "records", fmt(stats.records()));
    }
    line(out, "demand", fmt(hotset.demandRecords()) + " records, weight " + fmt(hotset.demandWeight())
        + " " + hotset.weight().name().toLowerCase(Locale.ROOT));
    if (hotset.outsideWindow() > 0 || hotset.untimedRecords() > 0) {
      line(out, "outside window", fmt(hotset.outsideWindow())
          + (hotset.untimedRecords() > 0 ? ", untimed " + fmt(hotset.untimedRecords()) : ""));
    }
    line(out, "distinct URLs", (hotset.countingMode() == CountingMode.EXACT ? "" : "~")
        + fmt(hotset.distinctUrls()));
    line(out, "selected", fmt(hotset.size()));
    line(out, "coverage", percent(hotset.coverageReached()) + " of demand");
    line(out, "counting", hotset.countingMode() == CountingMode.EXACT
        ? "exact"
        : "bounded (heavy-hitters sketch, capacity " + fmt(hotset.sketchCapacity())
            + ", counts overestimate by at most " + fmt(hotset.errorBound()) + ")");
    if (hotset.clamps().isEmpty()) {
      line(out, "clamps", "none");
    } else {
      for (Clamp c : hotset.clamps()) {
        line(out, "clamp", c.message());
      }
    }
    for (MalformedLine m : stats.samples()) {
      line(out, "malformed line", m.source() + ":" + m.lineNumber() + ": "
          + QueryValues.hashedIn(m.reason()));
    }
    if (listProblemCount > 0) {
      line(out, "list problems", fmt(listProblemCount));
      for (SourceProblem p : listProblems) {
        line(out, "list problem", QueryValues.hashedIn(p.toString()));
      }
    }
  }

  private String filteredText() {
    StringBuilder sb = new StringBuilder();
    sb.append(fmt(stats.filteredByUserAgent())).append(" by user agent");
    for (Map.Entry<FilterReason, Long> e : hotset.filtered().entrySet()) {
      if (e.getValue() > 0) {
        sb.append(", ").append(fmt(e.getValue())).append(" by ")
            .append(e.getKey().name().toLowerCase(Locale.ROOT).replace('_', ' '));
      }
    }
    return sb.toString();
  }

  private static void line(PrintWriter out, String label, String value) {
    out.printf(Locale.ROOT, "  %-16s %s%n", label, value);
  }

  void writeJson(PrintWriter out) {
    try (JsonGenerator g = Json.PRETTY.createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberProperty("schemaVersion", SCHEMA_VERSION);
      g.writeStringProperty("generator", "preheat " + version);
      g.writeArrayPropertyStart("settings");
      for (String s : settings) {
        g.writeString(s);
      }
      g.writeEndArray();

      g.writeObjectPropertyStart("input");
      g.writeNumberProperty("files", stats.files());
      g.writeNumberProperty("bytesRead", stats.bytesRead());
      g.writeNumberProperty("lines", stats.lines());
      g.writeNumberProperty("records", stats.records());
      g.writeNumberProperty("malformed", stats.malformedLines());
      g.writeNumberProperty("oversized", stats.oversizedLines());
      g.writeNumberProperty("filteredByUserAgent", stats.filteredByUserAgent());
      g.writeArrayPropertyStart("malformedSamples");
      for (MalformedLine m : stats.samples()) {
        g.writeStartObject();
        g.writeStringProperty("source", m.source());
        g.writeNumberProperty("line", m.lineNumber());
        g.writeStringProperty("reason", QueryValues.hashedIn(m.reason()));
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeNumberProperty("listProblems", listProblemCount);
      g.writeArrayPropertyStart("listProblemSamples");
      for (SourceProblem p : listProblems) {
        g.writeStartObject();
        g.writeStringProperty("source", QueryValues.hashedIn(p.source()));
        g.writeNumberProperty("line", p.line());
        g.writeStringProperty("reason", QueryValues.hashedIn(p.message()));
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();

      g.writeObjectPropertyStart("summary");
      g.writeStringProperty("weight", hotset.weight().name().toLowerCase(Locale.ROOT));
      g.writeNumberProperty("demandRecords", hotset.demandRecords());
      g.writeNumberProperty("demandWeight", hotset.demandWeight());
      g.writeObjectPropertyStart("filtered");
      for (Map.Entry<FilterReason, Long> e : hotset.filtered().entrySet()) {
        g.writeNumberProperty(camel(e.getKey().name()), e.getValue());
      }
      g.writeEndObject();
      g.writeNumberProperty("outsideWindow", hotset.outsideWindow());
      g.writeNumberProperty("untimedRecords", hotset.untimedRecords());
      g.writeNumberProperty("distinctUrls", hotset.distinctUrls());
      g.writeBooleanProperty("distinctUrlsExact", hotset.countingMode() == CountingMode.EXACT);
      g.writeNumberProperty("selected", hotset.size());
      g.writeNumberProperty("coverageReached", hotset.coverageReached());
      g.writeStringProperty("countingMode", hotset.countingMode().name().toLowerCase(Locale.ROOT));
      if (hotset.countingMode() == CountingMode.BOUNDED) {
        g.writeNumberProperty("sketchCapacity", hotset.sketchCapacity());
        g.writeNumberProperty("errorBound", hotset.errorBound());
      }
      g.writeEndObject();

      g.writeArrayPropertyStart("clamps");
      for (Clamp c : hotset.clamps()) {
        g.writeStartObject();
        g.writeStringProperty("kind", c.kind().name().toLowerCase(Locale.ROOT));
        g.writeNumberProperty("count", c.count());
        g.writeStringProperty("message", c.message());
        g.writeEndObject();
      }
      g.writeEndArray();

      g.writeArrayPropertyStart("entries");
      for (HotsetEntry e : hotset.entries()) {
        g.writeStartObject();
        g.writeNumberProperty("rank", e.rank());
        g.writeStringProperty("url", e.url());
        g.writeNumberProperty("count", e.count());
        g.writeNumberProperty("bytes", e.bytes());
        g.writeNumberProperty("weight", e.weight());
        g.writeNumberProperty("share", e.share());
        g.writeNumberProperty("cumulativeCoverage", e.cumulativeCoverage());
        if (e.error() > 0) {
          g.writeNumberProperty("error", e.error());
        }
        g.writeArrayPropertyStart("provenance");
        for (String p : e.provenance()) {
          g.writeString(p);
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndArray();

      g.writeArrayPropertyStart("coverageCurve");
      for (CoveragePoint p : hotset.coverageCurve()) {
        g.writeStartObject();
        g.writeNumberProperty("size", p.size());
        g.writeNumberProperty("coverage", p.coverage());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (JacksonIOException e) {
      throw new UncheckedIOException(e.getCause());
    }
    out.println();
  }

  private static String camel(String enumName) {
    StringBuilder sb = new StringBuilder();
    boolean upper = false;
    for (char c : enumName.toLowerCase(Locale.ROOT).toCharArray()) {
      if (c == '_') {
        upper = true;
      } else {
        sb.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return sb.toString();
  }

  private static String stripTrailingSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  private static String percent(double share) {
    return String.format(Locale.ROOT, "%.2f%%", share * 100);
  }

  private static String fmt(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  private static String human(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    int exp = (int) (Math.log(bytes) / Math.log(1024));
    return String.format(Locale.ROOT, "%.1f %sB", bytes / Math.pow(1024, exp), "KMGTPE".charAt(exp - 1) + "i");
  }
}
