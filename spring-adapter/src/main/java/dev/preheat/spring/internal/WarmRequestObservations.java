package dev.preheat.spring.internal;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationFilter;
import org.jspecify.annotations.Nullable;
import org.springframework.http.server.observation.ServerRequestObservationContext;

/**
 * Renames the observations of self-warming requests to {@value WarmTraffic#WARM_REQUESTS}, so they
 * stay out of the app's request metrics while the request-metrics code still runs (and gets
 * compiled); with {@link RequestMeters}, also has the app's own request timers registered for the
 * tag combinations the warm requests had.
 */
public final class WarmRequestObservations implements ObservationFilter {

  private final @Nullable RequestMeters meters;

  /** A filter; {@code meters} null: no request timers registered. */
  public WarmRequestObservations(@Nullable RequestMeters meters) {
    this.meters = meters;
  }

  @Override
  public Observation.Context map(Observation.Context context) {
    if (context instanceof ServerRequestObservationContext server
        && WarmTraffic.isWarmRequest(server.getCarrier())) {
      if (meters != null) {
        meters.warmRequest(context.getName());
      }
      context.setName(WarmTraffic.WARM_REQUESTS);
    }
    return context;
  }
}
