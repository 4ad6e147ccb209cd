package dev.preheat.spring;

import java.time.Duration;
import java.time.Instant;
import java.util.OptionalInt;

/** What a {@link WarmTask} may ask while it runs. Thread-safe. */
public interface WarmTaskContext {

  /** When this task must be done (the earlier of its own and the global deadline). */
  Instant deadline();

  /** Time left until {@link #deadline()}, never negative. */
  Duration remaining();

  /** Whether the round was cancelled (deadline, shutdown): stop and return what you have. */
  boolean isCancelled();

  /** The port the web server listens on, empty before it listens or without one. */
  OptionalInt localPort();

  /** What triggered this round: {@code startup}, {@code actuator}, {@code webhook}, {@code idle}. */
  String trigger();
}
