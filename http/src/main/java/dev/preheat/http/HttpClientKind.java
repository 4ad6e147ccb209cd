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
   * {@link OkHttpTransport}: OkHttp, one thread per request in flight. The default.
   */
  OKHTTP {
    @Override
    public HttpTransportBuilder<?> builder() {
      return OkHttpTransport.builder();
    }
  },
  /**
   * {@link ApacheHttpTransport}: Apache HttpClient 5 async, a non-blocking I/O reactor; about a
   * third less client CPU per request than OkHttp (see {@code benchmarks/results}).
   */
  APACHE {
    @Override
    public HttpTransportBuilder<?> builder() {
      return ApacheHttpTransport.builder();
    }
  };

  /** The client used where none is chosen (the CLI's {@code --http-client}, the benchmarks). */
  public static final HttpClientKind DEFAULT = OKHTTP;

  /**
   * A builder for a transport on this client.
   *
   * @return a new builder with nothing set
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
