package dev.preheat.spring.internal;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Registers the app's request timers (e.g. {@code http.server.requests}) with each tag
 * combination that warm requests were recorded with under {@value WarmTraffic#WARM_REQUESTS}, at
 * count 0, while warming runs. Why: a meter is created by the first request that needs it, and
 * creating one (filters, distribution config, the registry's meter maps) is code that runs a few
 * hundred times in an app's life, so never gets compiled: some tenths of a millisecond on the
 * first user request to each endpoint (per status and outcome), which warming otherwise cannot
 * take off, as warm requests are kept out of the app's metrics. The tags are taken from the
 * registered warm timers, so they are exactly what the app's observation handler produced
 * (whatever its conventions and meter filters). Registration happens on a warm request's thread
 * (the warm timers added since the last warm request), never on a user request.
 */
public final class RequestMeters {

  private final Supplier<@Nullable MeterRegistry> registry;
  private final AtomicBoolean attached = new AtomicBoolean();
  private final Queue<Meter.Id> pending = new ConcurrentLinkedQueue<>();
  private volatile @Nullable MeterRegistry target;

  /** For the registry {@code registry} supplies (asked at the first warm request). */
  public RequestMeters(Supplier<@Nullable MeterRegistry> registry) {
    this.registry = registry;
  }

  /**
   * A warm request observed under {@code name} (before it is renamed): registers timers named
   * {@code name} for the warm timers added since the last call.
   */
  void warmRequest(String name) {
    if (!attached.get() && attached.compareAndSet(false, true)) {
      MeterRegistry r = registry.get();
      if (r != null) {
        r.config().onMeterAdded(this::added);
        // Warm requests ending on other threads while this one attached went on (target still
        // null) and may have created their warm timers before the listener was added: taken
        // from the registry (a timer seen twice is registered once).
        r.getMeters().forEach(this::added);
        target = r;
      }
    }
    MeterRegistry r = target;
    if (r == null || name.equals(WarmTraffic.WARM_REQUESTS)) {
      return;
    }
    for (Meter.Id id = pending.poll(); id != null; id = pending.poll()) {
      r.timer(name, id.getTags());
    }
  }

  private void added(Meter m) {
    if (m.getId().getType() == Meter.Type.TIMER
        && WarmTraffic.WARM_REQUESTS.equals(m.getId().getName())) {
      pending.add(m.getId());
    }
  }
}
