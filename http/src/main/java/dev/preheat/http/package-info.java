/**
 * The HTTP transport: {@link dev.preheat.http.OkHttpTransport}, a {@link
 * dev.preheat.spi.Transport} on a real OkHttp client with pooling, HTTP/2 and PoP pinning.
 */
@NullMarked
package dev.preheat.http;

import org.jspecify.annotations.NullMarked;
