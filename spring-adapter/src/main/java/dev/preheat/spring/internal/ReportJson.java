package dev.preheat.spring.internal;

import dev.preheat.internal.json.Json;
import dev.preheat.report.ReportWriter;
import dev.preheat.report.WarmReport;
import java.util.Map;

/** The engine's report as maps, in its published JSON schema (docs/schema/warm-report). */
public final class ReportJson {

  private ReportJson() {}

  /** {@code report} as the JSON report writer writes it, parsed into maps. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> toMap(WarmReport report) {
    return Json.MAPPER.readValue(ReportWriter.json().write(report), Map.class);
  }
}
