package dev.preheat.report;

import dev.preheat.status.CacheStatus;
import dev.preheat.warm.Outcome;
import dev.preheat.warm.SkipReason;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * Figures for one host, or for the whole run ({@link WarmReport#totals()}).
 *
 * @param targets targets planned; always equal to the sum of {@link #outcomes()}
 * @param outcomes targets per outcome (every outcome present, zero when none)
 * @param skipped skipped targets per reason (every reason present)
 * @param cacheStatuses responses per cache status, as read by the cache status reader
 * @param requestsSent requests sent, including retries
 * @param conditionalFetches requests sent with {@code If-None-Match}/{@code If-Modified-Since}
 * @param fullFetches requests sent without validators
 * @param bodyBytes body bytes read
 * @param retries retries scheduled
 * @param breakerOpens times the breaker opened
 * @param pauses pauses by cause: {@code retryAfter}, {@code breaker}, {@code budget}
 * @param timeToFirstByte time-to-first-byte percentiles
 * @param totalTime total request time percentiles
 */
public record HostFigures(
    long targets,
    Map<Outcome, Long> outcomes,
    Map<SkipReason, Long> skipped,
    Map<CacheStatus.Kind, Long> cacheStatuses,
    long requestsSent,
    long conditionalFetches,
    long fullFetches,
    long bodyBytes,
    long retries,
    long breakerOpens,
    Map<String, Long> pauses,
    LatencySummary timeToFirstByte,
    LatencySummary totalTime) {

  /** Copies the maps (unmodifiable, enum maps hold every constant). */
  public HostFigures {
    outcomes = full(Outcome.class, outcomes);
    skipped = full(SkipReason.class, skipped);
    cacheStatuses = full(CacheStatus.Kind.class, cacheStatuses);
    pauses = Map.copyOf(pauses);
  }

  private static <E extends Enum<E>> Map<E, Long> full(Class<E> type, Map<E, Long> in) {
    EnumMap<E, Long> m = new EnumMap<>(type);
    for (E e : type.getEnumConstants()) {
      m.put(e, in.getOrDefault(e, 0L));
    }
    return Collections.unmodifiableMap(m);
  }

  /** The number of targets that ended in {@code outcome}. */
  public long count(Outcome outcome) {
    return outcomes.get(outcome);
  }

  /** The sum of all outcome counts; equals {@link #targets()}. */
  public long outcomeSum() {
    return outcomes.values().stream().mapToLong(Long::longValue).sum();
  }
}
