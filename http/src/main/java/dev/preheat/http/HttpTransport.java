package dev.preheat.http;

import dev.preheat.spi.Transport;

/**
 * A {@link Transport} on a real HTTP client, built by an {@link HttpTransportBuilder}: {@link
 * OkHttpTransport} or {@link ApacheHttpTransport}. Both send exactly the headers of the warm
 * request's variant, never decode bodies, record (or follow up to a limit) redirects, pin hosts
 * to chosen addresses and share the same settings; see {@link HttpTransportBuilder}.
 */
public interface HttpTransport extends Transport {

  /** The configured concurrency limit (total and per host). */
  int maxConcurrency();

  /** Whether {@link #close()} was called. */
  boolean isClosed();
}
