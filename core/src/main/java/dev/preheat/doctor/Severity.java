package dev.preheat.doctor;

/** How bad a {@link Finding} is. */
public enum Severity {
  /** Worth knowing; nothing to fix. */
  INFO,
  /** Costs hit ratio or warm work; caching still works. */
  WARNING,
  /** Warming cannot work for this URL (or for some real users) until it is fixed. */
  PROBLEM;

  /** Whether a finding of this severity means something is wrong ({@code WARNING} or worse). */
  public boolean isWrong() {
    return this != INFO;
  }
}
