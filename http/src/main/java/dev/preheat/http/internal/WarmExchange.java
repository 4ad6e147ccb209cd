package dev.preheat.http.internal;

import dev.preheat.internal.warm.ResponseHeaders;
import dev.preheat.warm.WarmResponse;
import java.io.IOException;
import java.net.ProtocolException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;
import org.jspecify.annotations.Nullable;

/**
 * One warm request in flight: its OkHttp call (or calls, when redirects are followed), timings,
 * body draining and the future it completes. Every path completes the future exactly once.
 */
public final class WarmExchange implements Callback {

  /** Reads are done in slices of this size into one reused buffer. */
  static final int READ_SLICE = 8192;

  /**
   * The placeholder {@code Accept-Encoding} sent to OkHttp when the variant has none. Its presence
   * keeps OkHttp's BridgeInterceptor from adding {@code gzip} and from decoding the body; {@link
   * #NETWORK_INTERCEPTOR} removes it before the request reaches the wire.
   */
  static final String PLACEHOLDER_ACCEPT_ENCODING = "identity";

  /** Records when the first hop starts executing (after any dispatcher queueing). */
  public static final Interceptor APPLICATION_INTERCEPTOR =
      chain -> {
        WarmExchange exchange = chain.request().tag(WarmExchange.class);
        if (exchange != null && exchange.startNanos == 0) {
          exchange.startNanos = exchange.ticker.getAsLong();
        }
        return chain.proceed(chain.request());
      };

  /**
   * Removes the placeholder {@code Accept-Encoding} and records when response headers arrived.
   */
  public static final Interceptor NETWORK_INTERCEPTOR =
      chain -> {
        Request request = chain.request();
        WarmExchange exchange = request.tag(WarmExchange.class);
        if (exchange == null) {
          return chain.proceed(request);
        }
        if (exchange.stripAcceptEncoding) {
          request = request.newBuilder().removeHeader("Accept-Encoding").build();
        }
        Response response = chain.proceed(request);
        exchange.headersNanos = exchange.ticker.getAsLong();
        return response;
      };

  private final OkHttpClient client;
  private final CompletableFuture<WarmResponse> future;
  private final int maxRedirects;
  private final boolean stripAcceptEncoding;
  private final LongSupplier ticker;
  private final AtomicReference<@Nullable Call> current = new AtomicReference<>();
  private volatile long startNanos;
  private volatile long headersNanos;
  private int redirects;

  /**
   * @param client the configured client
   * @param maxRedirects how many redirects to follow; 0 records them instead
   * @param variantHasAcceptEncoding whether the warm request itself set {@code Accept-Encoding}
   * @param ticker monotonic nanoseconds, for timings
   */
  public WarmExchange(OkHttpClient client, int maxRedirects, boolean variantHasAcceptEncoding,
      LongSupplier ticker) {
    this.client = client;
    this.future = new CompletableFuture<>();
    this.maxRedirects = maxRedirects;
    this.stripAcceptEncoding = !variantHasAcceptEncoding;
    this.ticker = ticker;
    future.whenComplete((response, failure) -> {
      if (future.isCancelled()) {
        Call call = current.get();
        if (call != null) {
          call.cancel();
        }
      }
    });
  }

  /** Whether OkHttp must be given the placeholder {@code Accept-Encoding}; see the constant. */
  public boolean needsPlaceholderAcceptEncoding() {
    return stripAcceptEncoding;
  }

  /** The placeholder value to send to OkHttp when {@link #needsPlaceholderAcceptEncoding()}. */
  public static String placeholderAcceptEncoding() {
    return PLACEHOLDER_ACCEPT_ENCODING;
  }

  /** The future this exchange completes. */
  public CompletableFuture<WarmResponse> future() {
    return future;
  }

  /** Starts {@code request}, which must carry this exchange as its {@code WarmExchange} tag. */
  public void start(Request request) {
    Call call = client.newCall(request);
    current.set(call);
    // A cancel that raced ahead of current.set() would have found no call to cancel.
    if (future.isDone()) {
      call.cancel();
      return;
    }
    call.enqueue(this);
  }

  @Override
  public void onFailure(Call call, IOException e) {
    future.completeExceptionally(e);
  }

  @Override
  public void onResponse(Call call, Response response) {
    try (response) {
      if (future.isDone()) {
        return;
      }
      Request next = maxRedirects > 0 ? followUp(response) : null;
      long bodyBytes = drain(response.body());
      if (next != null) {
        start(next);
        return;
      }
      long end = ticker.getAsLong();
      long start = startNanos == 0 ? end : startNanos;
      long headers = headersNanos == 0 ? end : headersNanos;
      future.complete(
          new WarmResponse(
              response.code(),
              toMap(response.headers()),
              bodyBytes,
              Duration.ofNanos(Math.max(0, headers - start)),
              Duration.ofNanos(Math.max(0, end - start)),
              protocolName(response.protocol())));
    } catch (IOException | RuntimeException e) {
      future.completeExceptionally(e);
    }
  }

  /** Reads the body to its end in slices, discarding it; returns how many bytes were read. */
  static long drain(ResponseBody body) throws IOException {
    BufferedSource source = body.source();
    Buffer sink = new Buffer();
    long total = 0;
    for (long n; (n = source.read(sink, READ_SLICE)) != -1; ) {
      total += n;
      sink.clear();
    }
    return total;
  }

  /**
   * The request that follows redirect {@code response}, or null when it is not a redirect or its
   * {@code Location} is missing or not http(s) (then it is reported as is).
   *
   * @throws ProtocolException when following it would exceed the redirect limit
   */
  private @Nullable Request followUp(Response response) throws ProtocolException {
    int code = response.code();
    if (code != 301 && code != 302 && code != 303 && code != 307 && code != 308) {
      return null;
    }
    String location = response.header("Location");
    Request previous = response.request();
    HttpUrl target = location == null ? null : previous.url().resolve(location);
    if (target == null) {
      return null;
    }
    if (redirects >= maxRedirects) {
      throw new ProtocolException(
          "too many redirects: " + (redirects + 1) + " exceeds the limit of " + maxRedirects
              + " at " + previous.url() + " -> " + target
              + "; raise followRedirects(...) or warm the final URL");
    }
    redirects++;
    Request.Builder next = previous.newBuilder().url(target);
    String method = previous.method();
    boolean keepMethod = code == 307 || code == 308 || method.equals("GET")
        || method.equals("HEAD");
    if (!keepMethod) {
      next.method("GET", null);
    }
    if (!target.host().equalsIgnoreCase(previous.url().host())) {
      // Never carry credentials to another host.
      next.removeHeader("Authorization").removeHeader("Cookie");
    }
    return next.build();
  }

  static ResponseHeaders toMap(Headers headers) {
    ResponseHeaders.Builder map = ResponseHeaders.builder(headers.size());
    for (int i = 0; i < headers.size(); i++) {
      map.add(headers.name(i), headers.value(i));
    }
    return map.build();
  }

  static String protocolName(Protocol protocol) {
    return protocol == Protocol.H2_PRIOR_KNOWLEDGE ? "h2c" : protocol.toString();
  }
}
