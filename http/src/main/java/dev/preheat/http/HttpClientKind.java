package dev.preheat.http;

import dev.preheat.spi.TransportFactory;
import java.net.URI;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The HTTP client library a transport runs on. Both pass the same transport test suite and
 * accept the same settings ({@link HttpTransportBuilder}); they differ in cost per request.
 */
public enum HttpClientKind {
  /**
   * {@link OkHttpTransport}: OkHttp, one thread per request in flight. OkHttp is an optional
   * dependency of {@code preheat-http}: add {@code com.squareup.okhttp3:okhttp-jvm} to use it
   * ({@link #builder()} says so when it is missing).
   */
  OKHTTP {
    @Override
    public HttpTransportBuilder<?> builder() {
      // Checked before OkHttpTransport is loaded, so the error names the dependency to add.
      dev.preheat.http.internal.OkHttpSupport.require("HttpClientKind.OKHTTP (OkHttpTransport)");
      return OkHttpTransport.builder();
    }
  },
  /**
   * {@link ApacheHttpTransport}: Apache HttpClient 5, non-blocking: plain http:// over httpcore5's
   * HTTP/1.1 requester on one I/O reactor thread, https:// and h2c over HttpClient 5's async
   * client (started on first use); the default.
   */
  APACHE {
    @Override
    public HttpTransportBuilder<?> builder() {
      return ApacheHttpTransport.builder();
    }
  };

  /**
   * The client used where none is chosen (the CLI's {@code --http-client}, the benchmarks):
   * {@link #APACHE}, which measured 25-30% less client CPU per warmed URL than {@link #OKHTTP}
   * (see {@code benchmarks/results/warm-vs-peers-2026-11-23.md}).
   */
  public static final HttpClientKind DEFAULT = APACHE;

  /**
   * A builder for a transport on this client.
   *
   * @return a new builder with nothing set
   * @throws IllegalStateException for {@link #OKHTTP} when OkHttp is not on the class path
   */
  public abstract HttpTransportBuilder<?> builder();

  /**
   * A {@link TransportFactory} for staged warming on this client; see {@link
   * OkHttpTransport#factory(URI, Consumer)} for how stage settings replace the customizer's.
   *
   * @param site the site URL the stages retarget
   * @param customizer sets up each stage's builder
   * @return a factory opening one transport per stage
   * @throws IllegalArgumentException if {@code site} has no host
   */
  public TransportFactory factory(URI site, Consumer<? super HttpTransportBuilder<?>> customizer) {
    return HttpTransportBuilder.factory(site, this::builder, customizer, name() + ".factory");
  }

  /**
   * The kind named {@code name}, ignoring case: {@code okhttp} or {@code apache} (also {@code
   * hc5}).
   *
   * @param name the name
   * @return the kind
   * @throws IllegalArgumentException for any other name, listing the valid ones
   */
  public static HttpClientKind parse(String name) {
    switch (name.toLowerCase(Locale.ROOT)) {
      case "okhttp":
        return OKHTTP;
      case "apache":
      case "hc5":
        return APACHE;
      default:
        throw new IllegalArgumentException(
            "HTTP client must be okhttp or apache (hc5) but was '" + name + "'");
    }
  }
}
