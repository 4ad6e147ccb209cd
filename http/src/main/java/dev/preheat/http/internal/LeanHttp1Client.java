package dev.preheat.http.internal;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Future;
import org.apache.hc.core5.concurrent.Cancellable;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.config.CharCodingConfig;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.bootstrap.HttpAsyncRequester;
import org.apache.hc.core5.http.impl.nio.ClientHttp1IOEventHandlerFactory;
import org.apache.hc.core5.http.impl.nio.ClientHttp1StreamDuplexerFactory;
import org.apache.hc.core5.http.nio.AsyncClientEndpoint;
import org.apache.hc.core5.http.nio.AsyncClientExchangeHandler;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;
import org.apache.hc.core5.http.nio.CapacityChannel;
import org.apache.hc.core5.http.nio.DataStreamChannel;
import org.apache.hc.core5.http.nio.RequestChannel;
import org.apache.hc.core5.http.nio.ssl.TlsStrategy;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.http.protocol.HttpCoreContext;
import org.apache.hc.core5.http.protocol.HttpProcessor;
import org.apache.hc.core5.http.protocol.HttpProcessorBuilder;
import org.apache.hc.core5.http.protocol.RequestConnControl;
import org.apache.hc.core5.http.protocol.RequestContent;
import org.apache.hc.core5.http.protocol.RequestTargetHost;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.net.NamedEndpoint;
import org.apache.hc.core5.pool.DefaultDisposalCallback;
import org.apache.hc.core5.pool.StrictConnPool;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.reactor.ssl.TransportSecurityLayer;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.jspecify.annotations.Nullable;

/**
 * The lean request path of {@code ApacheHttpTransport}: plain-HTTP/1.1 exchanges on httpcore5's
 * {@link HttpAsyncRequester} (one I/O reactor thread, its own per-host connection pool), without
 * HttpClient 5's exec chain (route planning, auth cache, per-exchange ids, context objects). A
 * warm request on it costs ~20 us of CPU less than on the full async client (measured with
 * {@code benchmarks/client-floor}). It carries what the warm transport needs and no more: the
 * request as given plus {@code Host}, {@code Connection: keep-alive} and a {@code Content-Length}
 * for a body; pooled keep-alive connections up to the transport's concurrency per host; the
 * connect timeout; the read timeout as the socket timeout of every connection; cancellation that
 * closes the connection and frees its slot at once; idle connections closed after the keep-alive
 * time. Response heads are read by {@link LeanResponseParser} (httpcore5's results, less
 * garbage). TLS, HTTP/2 and h2c stay on the full client.
 */
public final class LeanHttp1Client {

  /** Refuses TLS: https:// never takes the lean path. */
  @SuppressWarnings("deprecation") // the abstract method of TlsStrategy in httpcore 5.3
  private static final TlsStrategy NO_TLS = new TlsStrategy() {
    @Override
    public boolean upgrade(TransportSecurityLayer layer, HttpHost host, SocketAddress local,
        SocketAddress remote, Object attachment, Timeout timeout) {
      throw new UnsupportedOperationException("TLS is not handled by the lean HTTP/1.1 path");
    }

    @Override
    public void upgrade(TransportSecurityLayer layer, NamedEndpoint endpoint, Object attachment,
        Timeout timeout, FutureCallback<TransportSecurityLayer> callback) {
      callback.failed(new UnsupportedOperationException(
          "TLS is not handled by the lean HTTP/1.1 path"));
    }
  };

  private final HttpAsyncRequester requester;
  private final Timeout connectTimeout;
  private final int maxConcurrency;
  /** Calls holding one of the {@code maxConcurrency} slots; guarded by {@link #waiting}. */
  private int active;
  /**
   * Calls waiting for a slot, in order. The requester's pool would also queue them, but it gives
   * up on a waiting lease after the connect timeout; here a call waits until a slot frees or it
   * is cancelled (by the transport's call timeout, for one), as on the full client.
   */
  private final ArrayDeque<Call> waiting = new ArrayDeque<>();

  /**
   * Starts the requester's reactor thread.
   *
   * @param maxConcurrency connections per host and in total
   * @param connectTimeout the TCP connect timeout
   * @param readTimeout the socket timeout of every connection
   */
  public LeanHttp1Client(int maxConcurrency, Timeout connectTimeout, Timeout readTimeout) {
    this.connectTimeout = connectTimeout;
    this.maxConcurrency = maxConcurrency;
    // What AsyncRequesterBootstrap builds, with the lean response parser in place of the
    // default one (the bootstrap has no setter for it).
    IOReactorConfig reactorConfig = IOReactorConfig.custom()
        .setIoThreadCount(1)
        .setSoTimeout(readTimeout)
        .setTcpNoDelay(true)
        .build();
    // What HttpClient 5 adds on the wire for a request that already has its User-Agent.
    HttpProcessor processor = HttpProcessorBuilder.create()
        .addAll(new RequestContent(), new RequestTargetHost(), new RequestConnControl())
        .build();
    ClientHttp1StreamDuplexerFactory duplexers = new ClientHttp1StreamDuplexerFactory(processor,
        Http1Config.DEFAULT, CharCodingConfig.DEFAULT, null, LeanResponseParser.FACTORY, null,
        null);
    // Never used (only http:// comes here), but without one a default TLS strategy is built,
    // loading the system trust store: ~0.2 s of CPU per run.
    this.requester = new HttpAsyncRequester(reactorConfig,
        new ClientHttp1IOEventHandlerFactory(duplexers, NO_TLS, null), null, null, null,
        new StrictConnPool<>(maxConcurrency, maxConcurrency, null, null,
            new DefaultDisposalCallback<>(), null),
        NO_TLS, null);
    requester.start();
  }

  /**
   * Sends {@code request} (whose authority gives {@code Host}) over a pooled connection to
   * {@code route} (which may carry a pinned address), handing the response to {@code exchange}.
   * With every connection slot taken, the call waits for one.
   *
   * @param route where to connect: scheme http, a port, optionally a resolved address
   * @param request the request line and headers
   * @param body the request body, or null for none
   * @param exchange consumes the response and receives the outcome
   * @return cancels the call: drops it from the wait, aborts its connect, or closes its connection
   */
  public Cancellable execute(HttpHost route, HttpRequest request, @Nullable AsyncEntityProducer body,
      ApacheExchange exchange) {
    Call call = new Call(route, request, body, exchange);
    boolean start;
    synchronized (waiting) {
      start = active < maxConcurrency;
      if (start) {
        active++;
      } else {
        waiting.add(call);
      }
    }
    if (start) {
      call.start();
    }
    return call::abort;
  }

  /** A call gave its slot back: the next waiting call takes it over. */
  private void slotFreed() {
    Call next;
    synchronized (waiting) {
      next = waiting.poll();
      if (next == null) {
        active--;
      }
    }
    if (next != null) {
      next.start();
    }
  }

  /** Removes {@code call} from the wait; false when it already has a slot. */
  private boolean unqueue(Call call) {
    synchronized (waiting) {
      return waiting.remove(call);
    }
  }

  /** Closes pooled connections idle for longer than {@code idle}. */
  public void closeIdle(TimeValue idle) {
    requester.closeIdle(idle);
  }

  /** Stops the reactor thread and closes every connection. */
  public void close() {
    requester.initiateShutdown();
    try {
      requester.awaitShutdown(TimeValue.ofSeconds(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    requester.close(CloseMode.IMMEDIATE);
  }

  /**
   * One call: a slot, the connection lease, then the exchange on the leased connection. The
   * connection goes back to the pool when the response has been read (or had no body), and is
   * closed on a failure or cancellation; the slot is given back once, right after.
   */
  private final class Call
      implements FutureCallback<AsyncClientEndpoint>, AsyncClientExchangeHandler {
    private final HttpHost route;
    private final HttpRequest request;
    private final @Nullable AsyncEntityProducer body;
    private final ApacheExchange exchange;
    // guarded by this
    private @Nullable Future<AsyncClientEndpoint> lease;
    private @Nullable AsyncClientEndpoint endpoint;
    private boolean started;
    private boolean cancelled;
    private boolean slotReturned;

    Call(HttpHost route, HttpRequest request, @Nullable AsyncEntityProducer body,
        ApacheExchange exchange) {
      this.route = route;
      this.request = request;
      this.body = body;
      this.exchange = exchange;
    }

    /** Leases a connection; runs with a slot held. */
    void start() {
      boolean go;
      synchronized (this) {
        go = !cancelled;
        if (go) {
          started = true;
        } else {
          // cancelled while it waited, after it was handed the slot
          slotReturned = true;
        }
      }
      if (!go) {
        slotFreed();
        return;
      }
      Future<AsyncClientEndpoint> future = requester.connect(route, connectTimeout, null, this);
      boolean cancelNow;
      synchronized (this) {
        lease = future;
        cancelNow = cancelled && endpoint == null;
      }
      if (cancelNow) {
        future.cancel(true);
      }
    }

    /** Gives the slot back, once. */
    private void returnSlot() {
      synchronized (this) {
        if (slotReturned) {
          return;
        }
        slotReturned = true;
      }
      slotFreed();
    }

    // --- the lease ---------------------------------------------------------------------------

    @Override
    public void completed(AsyncClientEndpoint leased) {
      boolean abandoned;
      synchronized (this) {
        abandoned = cancelled;
        if (!abandoned) {
          endpoint = leased;
        }
      }
      if (abandoned) {
        // cancelled while connecting: the fresh connection is unused and can serve others
        leased.releaseAndReuse();
        returnSlot();
        return;
      }
      leased.execute(this, null, HttpCoreContext.create());
    }

    @Override
    public void failed(Exception cause) {
      // a connect failure, or the exchange failed on the connection
      release(false);
      exchange.failed(cause);
    }

    @Override
    public void cancelled() {
      // the lease was cancelled
      returnSlot();
      exchange.cancelled();
    }

    /** The caller's cancel: leaves the wait, stops a pending connect, or closes the connection. */
    boolean abort() {
      Future<AsyncClientEndpoint> pending;
      boolean wasStarted;
      synchronized (this) {
        if (cancelled) {
          return false;
        }
        cancelled = true;
        wasStarted = started;
        pending = endpoint == null ? lease : null;
      }
      if (!wasStarted) {
        // still waiting for a slot (or handed one just now: start() gives it back)
        unqueue(this);
        return true;
      }
      if (pending != null) {
        pending.cancel(true);
      }
      release(false);
      return true;
    }

    /** Gives the connection back to the pool (reuse) or closes it, then the slot; once. */
    private void release(boolean reuse) {
      AsyncClientEndpoint e;
      synchronized (this) {
        e = endpoint;
        endpoint = null;
      }
      if (e != null) {
        if (reuse) {
          e.releaseAndReuse();
        } else {
          e.releaseAndDiscard();
        }
        returnSlot();
      } else if (!isLeasing()) {
        // failed before or without a connection (e.g. the connect failed)
        returnSlot();
      }
    }

    /** Whether a lease is still pending (its outcome will return the slot). */
    private synchronized boolean isLeasing() {
      return started && lease != null && !lease.isDone() && endpoint == null;
    }

    // --- the exchange, on the I/O reactor thread ----------------------------------------------

    @Override
    public void produceRequest(RequestChannel channel, HttpContext context)
        throws HttpException, IOException {
      channel.sendRequest(request, body, context);
    }

    @Override
    public int available() {
      return body == null ? 0 : body.available();
    }

    @Override
    public void produce(DataStreamChannel channel) throws IOException {
      if (body != null) {
        body.produce(channel);
      }
    }

    @Override
    public void consumeInformation(HttpResponse response, HttpContext context) {
      exchange.informationResponse(response, context);
    }

    @Override
    public void consumeResponse(HttpResponse response, @Nullable EntityDetails entityDetails,
        HttpContext context) throws HttpException, IOException {
      if (entityDetails == null) {
        release(true);
      }
      exchange.consumeResponse(response, entityDetails, context, exchange);
    }

    @Override
    public void updateCapacity(CapacityChannel capacityChannel) throws IOException {
      exchange.updateCapacity(capacityChannel);
    }

    @Override
    public void consume(ByteBuffer src) {
      exchange.consume(src);
    }

    @Override
    public void streamEnd(@Nullable List<? extends Header> trailers) {
      release(true);
      exchange.streamEnd(trailers);
    }

    @Override
    public void cancel() {
      // the reactor cancelled the exchange (shut down)
      release(false);
      exchange.cancelled();
    }

    @Override
    public void releaseResources() {
      // a no-op after a complete exchange (already released); closes the connection otherwise
      release(false);
      if (body != null) {
        body.releaseResources();
      }
      exchange.releaseResources();
    }
  }
}
