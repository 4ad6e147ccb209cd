package dev.preheat.spring;

/** How startup waits for warming ({@code preheat.startup.mode}). */
public enum StartupMode {
  /**
   * An {@code ApplicationRunner} warms; Spring Boot publishes {@code ACCEPTING_TRAFFIC} only after
   * every runner has returned, so readiness reads {@code REFUSING_TRAFFIC} until warm (or the
   * deadline). The default.
   */
  BLOCKING,
  /**
   * Warming runs in the background after startup; the {@code preheat} health indicator reads
   * {@code OUT_OF_SERVICE} until it is done, so add it to the readiness group.
   */
  BACKGROUND,
  /**
   * A {@code SmartLifecycle} warms in a phase before the web server starts listening: data only
   * (caches, pools, Redis); warming the app over HTTP is impossible there.
   */
  BEFORE_PORT
}
