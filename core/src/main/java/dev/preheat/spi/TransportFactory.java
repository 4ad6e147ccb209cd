package dev.preheat.spi;

import dev.preheat.warm.Stage;

/**
 * Opens the {@link Transport} of one {@link Stage} of a staged warm: honours the stage's
 * {@linkplain Stage#connectTo() pinned address} and {@linkplain Stage#concurrency() concurrency}
 * (pool size). The staged run calls {@link #open} when the stage starts and closes the transport
 * when the stage (with its gate retries) has ended, so return a new transport each time, or wrap
 * a shared one with {@link #shared(Transport)}.
 */
@FunctionalInterface
public interface TransportFactory {

  /**
   * A new transport for {@code stage}.
   *
   * @throws RuntimeException when it cannot be opened; the staged run then stops at this stage
   *     and reports the error
   */
  Transport open(Stage stage);

  /**
   * A factory handing out {@code transport} for every stage without ever closing it (stage pins
   * are not honoured: the staged run refuses stages with a pinned address).
   */
  static TransportFactory shared(Transport transport) {
    return new dev.preheat.internal.warm.SharedTransportFactory(transport);
  }
}
