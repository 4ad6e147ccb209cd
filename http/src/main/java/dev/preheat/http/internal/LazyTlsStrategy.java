package dev.preheat.http.internal;

import java.net.SocketAddress;
import java.util.function.Supplier;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.nio.ssl.TlsStrategy;
import org.apache.hc.core5.net.NamedEndpoint;
import org.apache.hc.core5.reactor.ssl.TransportSecurityLayer;
import org.apache.hc.core5.util.Timeout;
import org.jspecify.annotations.Nullable;

/**
 * A {@link TlsStrategy} built on the first TLS connection. Building the real one (the system
 * {@code SSLContext}, whose trust store of ~150 certificates is parsed, and HttpClient's TLS
 * classes) took ~0.2 s of CPU at the start of every run, also of runs that only warm {@code
 * http://} URLs. Thread-safe: the delegate is built once.
 */
public final class LazyTlsStrategy implements TlsStrategy {

  private final Supplier<TlsStrategy> factory;
  private volatile @Nullable TlsStrategy delegate;

  /**
   * @param factory builds the real strategy; called at most once, on the first TLS upgrade
   */
  public LazyTlsStrategy(Supplier<TlsStrategy> factory) {
    this.factory = factory;
  }

  private TlsStrategy delegate() {
    TlsStrategy d = delegate;
    if (d == null) {
      synchronized (this) {
        d = delegate;
        if (d == null) {
          d = factory.get();
          delegate = d;
        }
      }
    }
    return d;
  }

  /** Whether the real strategy has been built (for tests). */
  public boolean isBuilt() {
    return delegate != null;
  }

  @Deprecated
  @Override
  public boolean upgrade(TransportSecurityLayer sessionLayer, HttpHost host,
      @Nullable SocketAddress localAddress, @Nullable SocketAddress remoteAddress, @Nullable Object attachment,
      @Nullable Timeout handshakeTimeout) {
    return delegate().upgrade(sessionLayer, host, localAddress, remoteAddress, attachment,
        handshakeTimeout);
  }

  @Override
  public void upgrade(TransportSecurityLayer sessionLayer, NamedEndpoint endpoint,
      @Nullable Object attachment, @Nullable Timeout handshakeTimeout,
      @Nullable FutureCallback<TransportSecurityLayer> callback) {
    delegate().upgrade(sessionLayer, endpoint, attachment, handshakeTimeout, callback);
  }

  @Override
  public String toString() {
    return "LazyTlsStrategy{" + (delegate != null ? delegate : "not built yet") + "}";
  }
}
