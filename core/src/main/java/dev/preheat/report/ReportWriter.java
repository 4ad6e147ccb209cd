package dev.preheat.report;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;

/**
 * Writes a {@link WarmReport} as text (for people) or JSON (for machines; the schema is
 * published as {@code docs/schema/warm-report.schema.json}). Writers are stateless and
 * thread-safe.
 */
public interface ReportWriter {

  /**
   * Writes {@code report} to {@code out}; does not close it.
   *
   * @throws IOException when {@code out} fails
   */
  void write(WarmReport report, Writer out) throws IOException;

  /** The report as a string. */
  default String write(WarmReport report) {
    StringWriter out = new StringWriter();
    try {
      write(report, out);
    } catch (IOException e) {
      throw new UncheckedIOException("a StringWriter does not fail", e);
    }
    return out.toString();
  }

  /** The JSON writer (one object, pretty-printed, fields as in the schema). */
  static ReportWriter json() {
    return JsonReportWriter.INSTANCE;
  }

  /** The text writer: a short summary, per-host lines and the listed problems. */
  static ReportWriter text() {
    return TextReportWriter.INSTANCE;
  }
}
