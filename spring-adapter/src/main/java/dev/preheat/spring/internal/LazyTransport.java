package dev.preheat.spring.internal;

import dev.preheat.http.ApacheHttpTransport;
import dev.preheat.spi.Transport;
import dev.preheat.warm.WarmRequest;
import dev.preheat.warm.WarmResponse;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * An {@link ApacheHttpTransport} created on the first request, so declaring it during context
 * refresh starts no threads and opens nothing. Thread-safe; {@link #close()} closes it if it was
 * created.
 */
public final class LazyTransport implements Transport {

  private final int maxConcurrency;
  private @Nullable ApacheHttpTransport delegate;
  private boolean closed;

  /** A transport of at most {@code maxConcurrency} requests in flight. */
  public LazyTransport(int maxConcurrency) {
    this.maxConcurrency = maxConcurrency;
  }

  private synchronized ApacheHttpTransport delegate() {
    if (closed) {
      throw new IllegalStateException("transport closed (the application is shutting down)");
    }
    if (delegate == null) {
      delegate = ApacheHttpTransport.builder().maxConcurrency(maxConcurrency).build();
    }
    return delegate;
  }

  @Override
  public CompletableFuture<WarmResponse> send(WarmRequest request) {
    return delegate().send(request);
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (delegate != null) {
      delegate.close();
    }
  }
}
