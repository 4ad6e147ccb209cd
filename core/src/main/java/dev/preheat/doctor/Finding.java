package dev.preheat.doctor;

import java.util.Objects;

/**
 * One thing the doctor found about a URL, ready for a report.
 *
 * @param code a stable identifier for scripts, e.g. {@code variant-mismatch}; see {@link
 *     DoctorRules} for the list
 * @param severity how bad it is
 * @param title one line saying what is wrong
 * @param explanation why it matters, in plain words, with the evidence (profiles and headers)
 * @param fix what to change
 */
public record Finding(String code, Severity severity, String title, String explanation, String fix) {

  /**
   * Validates the components.
   *
   * @throws NullPointerException if a component is null
   */
  public Finding {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(explanation, "explanation");
    Objects.requireNonNull(fix, "fix");
  }

  @Override
  public String toString() {
    return severity + " " + code + ": " + title + " " + explanation + " Fix: " + fix;
  }
}
