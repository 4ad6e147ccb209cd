package dev.preheat.http.internal;

import dev.preheat.internal.warm.ResponseHeaders;
import dev.preheat.warm.WarmResponse;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ProtocolException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.hc.client5.http.async.AsyncExecChainHandler;
import org.apache.hc.client5.http.async.AsyncExecRuntime;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.concurrent.Cancellable;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.message.BasicHttpRequest;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;
import org.apache.hc.core5.http.nio.AsyncResponseConsumer;
import org.apache.hc.core5.http.nio.CapacityChannel;
import org.apache.hc.core5.http.nio.entity.AsyncEntityProducers;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.jspecify.annotations.Nullable;

/**
 * One warm request in flight on Apache HttpClient 5 async: the response consumer that counts and
 * discards the body, the callback that completes the future, redirect following and the call
 * deadline. Every path completes the future exactly once; the consumer and callback run on the
 * I/O reactor thread, one hop at a time. On the lean HTTP/1.1 path the same exchange receives
 * the response as a {@link LeanHttp1Client.Receiver}.
 */
public final class ApacheExchange implements AsyncResponseConsumer<WarmResponse>,
    FutureCallback<WarmResponse>, LeanHttp1Client.Receiver {

  /** Starts one hop on a client; returns what cancels it. */
  @FunctionalInterface
  public interface Client {
    /**
     * Sends {@code request} (with {@code body}, or none) to {@code host}, consuming the response
     * with {@code exchange} and completing it through {@code exchange} as the callback. A client
     * running HttpClient 5's exec chain passes {@link #context(ApacheExchange)} as the hop's
     * context (for {@link #ABORT_HANDLER}).
     */
    Cancellable execute(HttpHost host, BasicHttpRequest request,
        @Nullable AsyncEntityProducer body, ApacheExchange exchange);
  }

  /** The context attribute under which a hop's context carries its exchange. */
  private static final String CONTEXT_KEY = "dev.preheat.http.exchange";

  /**
   * A new HttpClient 5 context for one hop of {@code exchange} on the full client, carrying the
   * exchange for {@link #ABORT_HANDLER}. (The lean HTTP/1.1 path cancels through its own
   * connection handle and needs none.)
   */
  public static HttpClientContext context(ApacheExchange exchange) {
    HttpClientContext context = HttpClientContext.create();
    context.setAttribute(CONTEXT_KEY, exchange);
    return context;
  }

  /**
   * An exec-chain element to install just before the client's main transport: it hands each
   * HTTP/1 exchange its connection's runtime, so that cancelling (or timing out) the exchange
   * closes the connection and returns its pool slot at once.
   *
   * <p>Why: HttpClient 5 cancels an exchange through its future's dependency, which the main
   * transport sets only after it started the exchange. When the request is written at once (the
   * connection was just opened on the I/O thread), a cancel arriving between the write and that
   * assignment is lost (seen: ~6% of cancels right after the request reached the server), and
   * the connection's slot stays taken until the response timeout. Discarding the endpoint is
   * what HttpClient's own cancel path does; it is idempotent. HTTP/2 streams share a connection,
   * so they keep HttpClient's own (stream-level) cancellation.
   */
  public static final AsyncExecChainHandler ABORT_HANDLER =
      (request, entityProducer, scope, chain, callback) -> {
        Object exchange = scope.clientContext.getAttribute(CONTEXT_KEY);
        if (exchange instanceof ApacheExchange && !((ApacheExchange) exchange).attach(
            scope.execRuntime)) {
          callback.failed(new InterruptedIOException("the request was cancelled"));
          return;
        }
        chain.proceed(request, entityProducer, scope, callback);
      };

  private static final java.util.Set<String> METHODS_WITH_BODY =
      java.util.Set.of("POST", "PUT", "PATCH", "PROPPATCH", "REPORT", "QUERY");

  private final Client client;
  private final Set<ApacheExchange> inFlight;
  private final int maxRedirects;
  private final LongSupplier ticker;
  private final long deadlineNanos;
  private final CompletableFuture<WarmResponse> future = new CompletableFuture<>();
  private final long startNanos;
  private volatile @Nullable Cancellable call;
  /** The current hop's HTTP/1 connection runtime, once its connection is ready; see attach. */
  private volatile @Nullable AsyncExecRuntime runtime;
  private String method = "GET";
  private URI url = URI.create("http://unset");
  private String[] headers = new String[0];
  private int redirects;
  // per hop, written and read on the I/O reactor thread only
  private @Nullable HttpResponse response;
  private @Nullable FutureCallback<WarmResponse> resultCallback;
  private long headersNanos;
  private long bodyBytes;

  /**
   * @param client starts hops
   * @param inFlight the transport's exchanges in flight; this one is in it until it completes
   * @param maxRedirects how many redirects to follow; 0 reports them instead
   * @param ticker monotonic nanoseconds for timings, read once here (the start), once when
   *     response headers arrive and once at the end of the body
   * @param callTimeoutNanos the call timeout, counted on {@link System#nanoTime()} from now
   */
  public ApacheExchange(Client client, Set<ApacheExchange> inFlight, int maxRedirects,
      LongSupplier ticker, long callTimeoutNanos) {
    this.client = client;
    this.inFlight = inFlight;
    this.maxRedirects = maxRedirects;
    this.ticker = ticker;
    this.startNanos = ticker.getAsLong();
    this.deadlineNanos = System.nanoTime() + callTimeoutNanos;
    future.whenComplete((r, e) -> {
      inFlight.remove(this);
      if (future.isCancelled()) {
        cancelCall();
      }
    });
  }

  /** The future this exchange completes. */
  public CompletableFuture<WarmResponse> future() {
    return future;
  }

  /**
   * Sends the first hop.
   *
   * @param method the request method, a valid token
   * @param url the absolute http(s) URL
   * @param host the target of {@code url}
   * @param headers name, value, name, value, ...: every header to send, already validated
   */
  public void start(String method, URI url, HttpHost host, String[] headers) {
    this.method = method;
    this.url = url;
    this.headers = headers;
    inFlight.add(this);
    send(host);
  }

  private void send(HttpHost host) {
    String path = url.getRawPath();
    String query = url.getRawQuery();
    String target = (path == null || path.isEmpty() ? "/" : path)
        + (query == null ? "" : "?" + query);
    BasicHttpRequest request = new BasicHttpRequest(method, host, target);
    for (int i = 0; i < headers.length; i += 2) {
      request.addHeader(headers[i], headers[i + 1]);
    }
    AsyncEntityProducer body = METHODS_WITH_BODY.contains(method.toUpperCase(Locale.ROOT))
        ? AsyncEntityProducers.create(new byte[0], null) : null;
    response = null;
    resultCallback = null;
    bodyBytes = 0;
    runtime = null;
    Cancellable started = client.execute(host, request, body, this);
    call = started;
    // A cancel or timeout that raced ahead of the assignment found no call to cancel.
    if (future.isDone()) {
      started.cancel();
    }
  }

  private void cancelCall() {
    Cancellable c = call;
    if (c != null) {
      c.cancel();
    }
    AsyncExecRuntime r = runtime;
    if (r != null) {
      r.discardEndpoint();
    }
  }

  /**
   * Called by {@link #ABORT_HANDLER} on the thread that is about to start the hop's exchange
   * on a ready connection. Returns false, having discarded the connection, if this exchange is
   * already done (cancelled or failed); the hop must then not start.
   */
  boolean attach(AsyncExecRuntime execRuntime) {
    org.apache.hc.client5.http.EndpointInfo info = execRuntime.getEndpointInfo();
    if (info == null || info.getProtocol() == null || info.getProtocol().getMajor() >= 2) {
      return !future.isDone();  // HTTP/2 or unknown: HttpClient's own cancellation only
    }
    runtime = execRuntime;
    // Either this sees the completion or cancelCall (completion first, then runtime) sees the
    // runtime: both are volatile, so the endpoint is discarded at least once (it is idempotent).
    if (future.isDone()) {
      execRuntime.discardEndpoint();
      return false;
    }
    return true;
  }

  /** Fails the exchange with {@code failure} (unless it already completed) and aborts it. */
  public void fail(Throwable failure) {
    if (future.completeExceptionally(failure)) {
      cancelCall();
    }
  }

  /** Fails the exchange with a call timeout once {@code now} is past its deadline. */
  public void checkDeadline(long now, long callTimeoutNanos) {
    if (now - deadlineNanos >= 0 && !future.isDone()) {
      fail(new InterruptedIOException("timeout: the call took longer than the call timeout of "
          + TimeUnit.NANOSECONDS.toMillis(callTimeoutNanos) + " ms (" + method + " " + url
          + ")"));
    }
  }

  // --- AsyncResponseConsumer: one hop's response ---------------------------------------------

  @Override
  public void consumeResponse(HttpResponse response, @Nullable EntityDetails entityDetails,
      HttpContext context, FutureCallback<WarmResponse> resultCallback) {
    this.headersNanos = ticker.getAsLong();
    this.response = response;
    if (entityDetails == null) {
      resultCallback.completed(result());
    } else {
      this.resultCallback = resultCallback;
    }
  }

  @Override
  public void informationResponse(HttpResponse response, HttpContext context) {
    // 1xx: nothing to record
  }

  @Override
  public void updateCapacity(CapacityChannel capacityChannel) throws IOException {
    capacityChannel.update(Integer.MAX_VALUE);
  }

  @Override
  public void consume(ByteBuffer src) {
    bodyBytes += src.remaining();
    src.position(src.limit());
  }

  @Override
  public void streamEnd(@Nullable List<? extends Header> trailers) {
    FutureCallback<WarmResponse> callback = resultCallback;
    resultCallback = null;
    if (callback != null) {
      callback.completed(result());
    }
  }

  @Override
  public void releaseResources() {
    resultCallback = null;
  }

  // --- LeanHttp1Client.Receiver: one hop's response on the lean path --------------------------

  @Override
  public void responseHead(HttpResponse head, boolean hasBody) {
    this.headersNanos = ticker.getAsLong();
    this.response = head;
    if (!hasBody) {
      completed(result());
    }
  }

  @Override
  public void responseBody(int bytes) {
    bodyBytes += bytes;
  }

  @Override
  public void responseEnd() {
    if (response != null) {
      completed(result());
    }
  }

  private WarmResponse result() {
    HttpResponse r = response;
    long end = ticker.getAsLong();
    Header[] all = r.getHeaders();
    // built once as WarmResponse's own immutable case-insensitive map, so it is not copied again
    ResponseHeaders.Builder headerMap = ResponseHeaders.builder(all.length);
    for (Header h : all) {
      headerMap.add(h.getName(), h.getValue());
    }
    return new WarmResponse(r.getCode(), headerMap.build(), bodyBytes,
        Duration.ofNanos(Math.max(0, headersNanos - startNanos)),
        Duration.ofNanos(Math.max(0, end - startNanos)),
        protocolName(r));
  }

  private String protocolName(HttpResponse r) {
    org.apache.hc.core5.http.ProtocolVersion v = r.getVersion();
    if (v != null && v.getMajor() == 2) {
      return "https".equalsIgnoreCase(url.getScheme()) ? "h2" : "h2c";
    }
    if (v != null && v.getMajor() == 1 && v.getMinor() == 0) {
      return "http/1.0";
    }
    return "http/1.1";
  }

  // --- FutureCallback: the end of one hop ------------------------------------------------------

  @Override
  public void completed(WarmResponse result) {
    if (future.isDone()) {
      return;
    }
    if (maxRedirects > 0) {
      try {
        URI next = followUp(result);
        if (next != null) {
          url = next;
          send(new HttpHost(next.getScheme().toLowerCase(Locale.ROOT),
              next.getHost().toLowerCase(Locale.ROOT), next.getPort()));
          return;
        }
      } catch (ProtocolException | RuntimeException e) {
        future.completeExceptionally(e);
        return;
      }
    }
    future.complete(result);
  }

  /**
   * Both the consumer's and the callback's failure (the same signature): the first completes
   * the future; an {@link HttpException} (a malformed response) becomes a {@link
   * ProtocolException}, an I/O failure is passed on as is.
   */
  @Override
  public void failed(Exception cause) {
    if (cause instanceof HttpException) {
      ProtocolException p = new ProtocolException(cause.getMessage() + " (" + method + " " + url
          + ")");
      p.initCause(cause);
      future.completeExceptionally(p);
    } else {
      future.completeExceptionally(cause);
    }
  }

  @Override
  public void cancelled() {
    future.completeExceptionally(
        new IOException("the request was cancelled by the HTTP client (" + method + " " + url
            + ")"));
  }

  /**
   * The URL that redirect {@code r} leads to, or null when it is not a redirect or its {@code
   * Location} is missing, malformed or not http(s) (then it is reported as is).
   *
   * @throws ProtocolException when following it would exceed the redirect limit
   */
  private @Nullable URI followUp(WarmResponse r) throws ProtocolException {
    int code = r.status();
    if (code != 301 && code != 302 && code != 303 && code != 307 && code != 308) {
      return null;
    }
    String location = r.header("Location");
    if (location == null) {
      return null;
    }
    URI target;
    try {
      target = url.resolve(location);
    } catch (IllegalArgumentException malformed) {
      return null;
    }
    String scheme = target.getScheme();
    if (scheme == null || target.getHost() == null
        || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
      return null;
    }
    if (redirects >= maxRedirects) {
      throw new ProtocolException(
          "too many redirects: " + (redirects + 1) + " exceeds the limit of " + maxRedirects
              + " at " + url + " -> " + target
              + "; raise followRedirects(...) or warm the final URL");
    }
    redirects++;
    boolean keepMethod = code == 307 || code == 308 || method.equals("GET")
        || method.equals("HEAD");
    if (!keepMethod) {
      method = "GET";
    }
    if (!target.getHost().equalsIgnoreCase(url.getHost())) {
      // Never carry credentials to another host.
      List<String> kept = new ArrayList<>(headers.length);
      for (int i = 0; i < headers.length; i += 2) {
        if (!headers[i].equalsIgnoreCase("Authorization")
            && !headers[i].equalsIgnoreCase("Cookie")) {
          kept.add(headers[i]);
          kept.add(headers[i + 1]);
        }
      }
      headers = kept.toArray(new String[0]);
    }
    return target;
  }
}
