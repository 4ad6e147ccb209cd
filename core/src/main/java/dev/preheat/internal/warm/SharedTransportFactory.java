package dev.preheat.internal.warm;

import dev.preheat.spi.Transport;
import dev.preheat.spi.TransportFactory;
import dev.preheat.warm.Stage;
import dev.preheat.warm.WarmRequest;
import dev.preheat.warm.WarmResponse;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/** Hands out one caller-owned transport for every stage; closing a stage's view is a no-op. */
public final class SharedTransportFactory implements TransportFactory {

  private final Transport transport;

  /** Shares {@code transport}. */
  public SharedTransportFactory(Transport transport) {
    this.transport = Objects.requireNonNull(transport, "transport");
  }

  /** The shared transport. */
  public Transport transport() {
    return transport;
  }

  @Override
  public Transport open(Stage stage) {
    return new Transport() {
      @Override
      public CompletableFuture<WarmResponse> send(WarmRequest request) {
        return transport.send(request);
      }

      @Override
      public void close() {
        // shared: owned by the caller
      }
    };
  }

  @Override
  public String toString() {
    return "TransportFactory.shared(" + transport + ")";
  }
}
