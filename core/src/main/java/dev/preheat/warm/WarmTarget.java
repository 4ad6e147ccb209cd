package dev.preheat.warm;

import java.util.Objects;

/**
 * One unit of warm work: a plan entry warmed with one variant. Every target of a run ends in
 * exactly one {@link Outcome}.
 *
 * @param entry the plan entry
 * @param variant the variant whose headers are sent
 */
public record WarmTarget(WarmPlan.Entry entry, WarmVariant variant) {

  /** Validates the components. */
  public WarmTarget {
    Objects.requireNonNull(entry, "entry");
    Objects.requireNonNull(variant, "variant");
  }

  /**
   * A stable key naming this target in checkpoints, validator stores and reports: the variant
   * name, a space, and the absolute URL. The URL may hold query values; redact it before logging.
   */
  public String key() {
    return variant.name() + " " + entry.url();
  }

  /** The host (lower case) the target is sent to; per-host policies and figures use it. */
  public String host() {
    return entry.host();
  }
}
