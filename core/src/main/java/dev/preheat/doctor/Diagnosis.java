package dev.preheat.doctor;

import java.net.URI;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The doctor's verdict on one URL: every fetch it made and what it found, worst first.
 *
 * @param url the URL examined
 * @param probes the fetches, in the order they were made
 * @param findings the findings, most severe first (in rule order within a severity)
 */
public record Diagnosis(URI url, List<Probe> probes, List<Finding> findings) {

  /**
   * Validates and copies the components; findings are sorted most severe first.
   *
   * @throws NullPointerException if a component is null
   */
  public Diagnosis {
    Objects.requireNonNull(url, "url");
    probes = List.copyOf(probes);
    findings = findings.stream()
        .sorted(Comparator.comparing(Finding::severity).reversed())
        .toList();
  }

  /** The most severe finding's severity, or empty when nothing was found. */
  public Optional<Severity> worst() {
    return findings.isEmpty() ? Optional.empty() : Optional.of(findings.get(0).severity());
  }

  /** Whether something is wrong: a finding of severity {@code WARNING} or {@code PROBLEM}. */
  public boolean problemFound() {
    return findings.stream().anyMatch(f -> f.severity().isWrong());
  }
}
