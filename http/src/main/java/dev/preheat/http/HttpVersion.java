package dev.preheat.http;

/** Which HTTP versions an {@link HttpTransport} may speak. */
public enum HttpVersion {
  /** HTTP/1.1 only, also over TLS. */
  HTTP_1_1,
  /**
   * HTTP/2 over TLS when the server offers it through ALPN, else HTTP/1.1; cleartext {@code
   * http} URLs use HTTP/1.1. The default.
   */
  HTTP_2,
  /**
   * Cleartext HTTP/2 with prior knowledge ({@code h2c}): every request is sent as HTTP/2 without
   * an upgrade; only for {@code http} URLs to servers known to accept it.
   */
  H2C_PRIOR_KNOWLEDGE
}
