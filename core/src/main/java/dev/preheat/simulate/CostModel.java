package dev.preheat.simulate;

import java.util.Locale;

/**
 * Prices cache misses and warm requests, for the return on investment of warming.
 *
 * <ul>
 *   <li><b>Miss cost</b> = misses × ({@code originMsPerMiss} / 3,600,000 ×
 *       {@code originCpuPerHour} + {@code perRequest}) + miss bytes / 2<sup>30</sup> ×
 *       {@code egressPerGb}: origin CPU, request processing and origin egress of every request the
 *       cache could not answer.
 *   <li><b>Warm cost</b> = warm requests × {@code perRequest} + warm bytes / 2<sup>30</sup> ×
 *       {@code egressPerGb}.
 *   <li><b>Savings</b> = (miss cost without warming − miss cost with warming) − warm cost.
 * </ul>
 *
 * <p>A GB is 2<sup>30</sup> bytes, as in the CLI's sizes ({@code 1g}). Amounts are in whatever
 * currency the prices are given in. Immutable.
 *
 * @param egressPerGb price of one GB sent (origin egress on a miss, transfer of a warm response)
 * @param perRequest price of processing one request (a miss at the origin, a warm request)
 * @param originMsPerMiss origin CPU time one miss costs, in milliseconds
 * @param originCpuPerHour price of one hour of origin CPU
 */
public record CostModel(
    double egressPerGb, double perRequest, double originMsPerMiss, double originCpuPerHour) {

  /** Default egress price per GB: 0.09 (a typical cloud list price). */
  public static final double DEFAULT_EGRESS_PER_GB = 0.09;

  /** Default price per request: 0.0000004 (0.40 per million). */
  public static final double DEFAULT_PER_REQUEST = 0.0000004;

  /** Default origin CPU per miss: 20 ms. */
  public static final double DEFAULT_ORIGIN_MS_PER_MISS = 20;

  /** Default price of an origin CPU hour: 0.04 (about one vCPU). */
  public static final double DEFAULT_ORIGIN_CPU_PER_HOUR = 0.04;

  private static final double GB = 1L << 30;

  /**
   * Validates the prices.
   *
   * @throws IllegalArgumentException if a value is negative, NaN or infinite
   */
  public CostModel {
    check("egressPerGb", egressPerGb);
    check("perRequest", perRequest);
    check("originMsPerMiss", originMsPerMiss);
    check("originCpuPerHour", originCpuPerHour);
  }

  /** The default prices (the {@code DEFAULT_*} constants). */
  public static CostModel defaults() {
    return new CostModel(DEFAULT_EGRESS_PER_GB, DEFAULT_PER_REQUEST, DEFAULT_ORIGIN_MS_PER_MISS,
        DEFAULT_ORIGIN_CPU_PER_HOUR);
  }

  private static void check(String name, double v) {
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(name + " must be a finite number >= 0 but was " + v);
    }
  }

  /** What {@code misses} requests carrying {@code missBytes} bytes cost the origin. */
  public double missCost(long misses, long missBytes) {
    return misses * perMiss() + missBytes / GB * egressPerGb;
  }

  /** What {@code requests} warm requests transferring {@code bytes} bytes cost. */
  public double warmCost(long requests, long bytes) {
    return requests * perRequest + bytes / GB * egressPerGb;
  }

  /** The cost of one miss besides its bytes: origin CPU plus request processing. */
  public double perMiss() {
    return originMsPerMiss / 3_600_000.0 * originCpuPerHour + perRequest;
  }

  /** The price of one millisecond of origin CPU. */
  public double perOriginMs() {
    return originCpuPerHour / 3_600_000.0;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT,
        "CostModel{egressPerGb=%s, perRequest=%s, originMsPerMiss=%s, originCpuPerHour=%s}",
        egressPerGb, perRequest, originMsPerMiss, originCpuPerHour);
  }
}
