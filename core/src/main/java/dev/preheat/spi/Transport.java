package dev.preheat.spi;

import dev.preheat.warm.WarmRequest;
import dev.preheat.warm.WarmResponse;
import java.util.concurrent.CompletableFuture;

/**
 * Sends warm requests to a real cache or origin. The HTTP implementation lives in
 * {@code preheat-http}; tests may supply their own.
 *
 * <p>Contract: {@link #send} returns at once; the future completes with the response after the
 * body has been read to the end (and discarded), or exceptionally with the I/O failure
 * ({@link java.net.ConnectException}, {@link java.net.SocketTimeoutException}, ...). Cancelling
 * the future aborts the exchange and releases its connection. Implementations are thread-safe;
 * {@link #close()} releases every pooled connection and thread, after which {@code send} fails.
 */
public interface Transport extends AutoCloseable {

  /** Sends {@code request}; see the class contract. */
  CompletableFuture<WarmResponse> send(WarmRequest request);

  /** Releases pooled connections and threads. Idempotent; never throws. */
  @Override
  void close();
}
