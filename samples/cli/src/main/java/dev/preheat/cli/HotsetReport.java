package dev.preheat.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.preheat.hotset.Clamp;
import dev.preheat.hotset.CountingMode;
import dev.preheat.hotset.CoveragePoint;
import dev.preheat.hotset.FilterReason;
import dev.preheat.hotset.Hotset;
import dev.preheat.hotset.HotsetEntry;
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
    try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      g.writeNumberField("schemaVersion", SCHEMA_VERSION);
      g.writeStringField("generator", "preheat " + version);
      g.writeArrayFieldStart("settings");
      for (String s : settings) {
        g.writeString(s);
      }
      g.writeEndArray();

      g.writeObjectFieldStart("input");
      g.writeNumberField("files", stats.files());
      g.writeNumberField("bytesRead", stats.bytesRead());
      g.writeNumberField("lines", stats.lines());
      g.writeNumberField("records", stats.records());
      g.writeNumberField("malformed", stats.malformedLines());
      g.writeNumberField("oversized", stats.oversizedLines());
      g.writeNumberField("filteredByUserAgent", stats.filteredByUserAgent());
      g.writeArrayFieldStart("malformedSamples");
      for (MalformedLine m : stats.samples()) {
        g.writeStartObject();
        g.writeStringField("source", m.source());
        g.writeNumberField("line", m.lineNumber());
        g.writeStringField("reason", QueryValues.hashedIn(m.reason()));
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeNumberField("listProblems", listProblemCount);
      g.writeArrayFieldStart("listProblemSamples");
      for (SourceProblem p : listProblems) {
        g.writeStartObject();
        g.writeStringField("source", QueryValues.hashedIn(p.source()));
        g.writeNumberField("line", p.line());
        g.writeStringField("reason", QueryValues.hashedIn(p.message()));
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();

      g.writeObjectFieldStart("summary");
      g.writeStringField("weight", hotset.weight().name().toLowerCase(Locale.ROOT));
      g.writeNumberField("demandRecords", hotset.demandRecords());
      g.writeNumberField("demandWeight", hotset.demandWeight());
      g.writeObjectFieldStart("filtered");
      for (Map.Entry<FilterReason, Long> e : hotset.filtered().entrySet()) {
        g.writeNumberField(camel(e.getKey().name()), e.getValue());
      }
      g.writeEndObject();
      g.writeNumberField("outsideWindow", hotset.outsideWindow());
      g.writeNumberField("untimedRecords", hotset.untimedRecords());
      g.writeNumberField("distinctUrls", hotset.distinctUrls());
      g.writeBooleanField("distinctUrlsExact", hotset.countingMode() == CountingMode.EXACT);
      g.writeNumberField("selected", hotset.size());
      g.writeNumberField("coverageReached", hotset.coverageReached());
      g.writeStringField("countingMode", hotset.countingMode().name().toLowerCase(Locale.ROOT));
      if (hotset.countingMode() == CountingMode.BOUNDED) {
        g.writeNumberField("sketchCapacity", hotset.sketchCapacity());
        g.writeNumberField("errorBound", hotset.errorBound());
      }
      g.writeEndObject();

      g.writeArrayFieldStart("clamps");
      for (Clamp c : hotset.clamps()) {
        g.writeStartObject();
        g.writeStringField("kind", c.kind().name().toLowerCase(Locale.ROOT));
        g.writeNumberField("count", c.count());
        g.writeStringField("message", c.message());
        g.writeEndObject();
      }
      g.writeEndArray();

      g.writeArrayFieldStart("entries");
      for (HotsetEntry e : hotset.entries()) {
        g.writeStartObject();
        g.writeNumberField("rank", e.rank());
        g.writeStringField("url", e.url());
        g.writeNumberField("count", e.count());
        g.writeNumberField("bytes", e.bytes());
        g.writeNumberField("weight", e.weight());
        g.writeNumberField("share", e.share());
        g.writeNumberField("cumulativeCoverage", e.cumulativeCoverage());
        if (e.error() > 0) {
          g.writeNumberField("error", e.error());
        }
        g.writeArrayFieldStart("provenance");
        for (String p : e.provenance()) {
          g.writeString(p);
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndArray();

      g.writeArrayFieldStart("coverageCurve");
      for (CoveragePoint p : hotset.coverageCurve()) {
        g.writeStartObject();
        g.writeNumberField("size", p.size());
        g.writeNumberField("coverage", p.coverage());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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
