package dev.preheat.key;

import java.util.Objects;

/**
 * A problem found in a response's {@code Vary} header that defeats caching or warming, with a
 * plain explanation and a fix, ready for a report.
 *
 * @param header the lower-case header named in {@code Vary} ({@code *} for {@code Vary: *})
 * @param explanation what goes wrong, in one or two sentences
 * @param fix what to change
 */
public record VaryFinding(String header, String explanation, String fix) {

  /**
   * Validates the components.
   *
   * @throws NullPointerException if a component is null
   */
  public VaryFinding {
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(explanation, "explanation");
    Objects.requireNonNull(fix, "fix");
  }

  @Override
  public String toString() {
    return "Vary: " + header + ": " + explanation + " Fix: " + fix;
  }
}
