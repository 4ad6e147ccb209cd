/**
 * {@link dev.preheat.spi.Purger}s over HTTP: {@link dev.preheat.http.purge.VarnishPurger}
 * ({@code PURGE} and {@code BAN}), {@link dev.preheat.http.purge.NginxPurger} (the purge modules'
 * {@code PURGE}), {@link dev.preheat.http.purge.FastlyPurger} and {@link
 * dev.preheat.http.purge.CloudflarePurger} (their purge APIs). All retry {@code 429} and {@code
 * 5xx} answers with backoff, report one result per URL and tag, and never log credentials. They
 * call over Apache HttpClient 5's async client (no OkHttp needed).
 */
@NullMarked
package dev.preheat.http.purge;

import org.jspecify.annotations.NullMarked;
