/**
 * The HTTP transports: {@link dev.preheat.http.ApacheHttpTransport} (Apache HttpClient 5 async,
 * the default) and {@link dev.preheat.http.OkHttpTransport}, {@link dev.preheat.spi.Transport}s
 * on real HTTP clients with pooling, HTTP/2 and PoP pinning, configured through one {@link
 * dev.preheat.http.HttpTransportBuilder} and chosen with {@link dev.preheat.http.HttpClientKind};
 * and {@link dev.preheat.http.HttpSitemapResolver}. Everything but {@code OkHttpTransport} runs on
 * Apache HttpClient 5; OkHttp is an optional dependency, needed only by {@code OkHttpTransport}.
 */
@NullMarked
package dev.preheat.http;

import org.jspecify.annotations.NullMarked;
