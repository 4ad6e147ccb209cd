package dev.preheat.spring.actuate;

import dev.preheat.spring.PreheatReport;
import dev.preheat.spring.Preheater;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * Actuator endpoint {@code preheat}: read the last round's report (JSON), or start a re-warm
 * (a write operation, so exposed over HTTP only when you expose it, and under your security
 * rules).
 */
@Endpoint(id = "preheat")
public class PreheatEndpoint {

  private final Preheater preheater;

  /** An endpoint over {@code preheater}. */
  public PreheatEndpoint(Preheater preheater) {
    this.preheater = preheater;
  }

  /** The last report, and whether a round is running. */
  @ReadOperation
  public Map<String, Object> report() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("warming", preheater.isWarming());
    PreheatReport last = preheater.lastReport();
    m.put("lastReport", last == null ? null : last.toMap());
    return m;
  }

  /** Starts a re-warm in the background (or joins the running one). */
  @WriteOperation
  public Map<String, Object> rewarm() {
    boolean already = preheater.isWarming();
    preheater.start("actuator");
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", already ? "already warming" : "started");
    return m;
  }
}
