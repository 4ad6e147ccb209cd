package dev.preheat.spring.internal;

import dev.preheat.warm.Warmer;
import jakarta.servlet.http.HttpServletRequest;

/** Recognizes Preheat's own requests to the app, to keep them out of its request metrics. */
public final class WarmTraffic {

  /**
   * The meter (timer) self-warming requests are recorded under instead of {@code
   * http.server.requests}, when they are observed.
   */
  public static final String WARM_REQUESTS = "preheat.warm.requests";

  private WarmTraffic() {}

  /**
   * Whether {@code request} is a warm request: it carries the warm header and comes from the
   * loopback interface (self-warming), so a client cannot hide its requests from metrics.
   */
  public static boolean isWarmRequest(HttpServletRequest request) {
    String addr = request.getRemoteAddr();
    boolean loopback = addr != null && (addr.startsWith("127.") || addr.equals("::1")
        || addr.equals("0:0:0:0:0:0:0:1"));
    return loopback && Warmer.DEFAULT_WARM_HEADER_VALUE.equals(
        request.getHeader(Warmer.DEFAULT_WARM_HEADER));
  }
}
