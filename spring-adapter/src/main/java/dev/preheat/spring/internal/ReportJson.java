package dev.preheat.spring.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.preheat.report.ReportWriter;
import dev.preheat.report.WarmReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/** The engine's report as maps, in its published JSON schema (docs/schema/warm-report). */
public final class ReportJson {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ReportJson() {}

  /** {@code report} as the JSON report writer writes it, parsed into maps. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> toMap(WarmReport report) {
    try {
      return MAPPER.readValue(ReportWriter.json().write(report), Map.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
