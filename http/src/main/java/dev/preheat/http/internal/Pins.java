package dev.preheat.http.internal;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * PoP pinning: connect to a chosen address (IP <em>and</em> port) for a host while the URL, the
 * {@code Host} header and TLS SNI keep the hostname.
 *
 * <p>Client-neutral: {@code ApacheHttpTransport} routes with {@link #pinOf}; {@link OkHttpPins}
 * adapts the pins to OkHttp's hooks (and is the only part that needs OkHttp). Thread-safe and
 * immutable.
 */
public final class Pins {

  private final Map<String, InetSocketAddress> byHost;

  /**
   * @param byHost pinned address per host; hosts are matched ignoring case, addresses must be
   *     resolved
   * @throws IllegalArgumentException if an address is unresolved
   */
  public Pins(Map<String, InetSocketAddress> byHost) {
    for (Map.Entry<String, InetSocketAddress> e : byHost.entrySet()) {
      if (e.getValue().isUnresolved()) {
        throw new IllegalArgumentException(
            "connectTo address for host " + e.getKey() + " must be a resolved IP address but was "
                + e.getValue());
      }
    }
    this.byHost = Map.copyOf(lowerKeys(byHost));
  }

  private static Map<String, InetSocketAddress> lowerKeys(Map<String, InetSocketAddress> m) {
    Map<String, InetSocketAddress> out = new java.util.HashMap<>();
    m.forEach((host, address) -> out.put(host.toLowerCase(Locale.ROOT), address));
    return out;
  }

  /** Whether no host is pinned. */
  public boolean isEmpty() {
    return byHost.isEmpty();
  }

  /** The pinned address of {@code host}, or null. */
  public @Nullable InetSocketAddress pinOf(String host) {
    return byHost.get(host.toLowerCase(Locale.ROOT));
  }

  /**
   * The endpoint to really connect to for {@code endpoint}: the pinned address when {@code
   * endpoint} carries a pinned host name with its pinned IP, else {@code endpoint}.
   */
  SocketAddress redirect(SocketAddress endpoint) {
    if (!(endpoint instanceof InetSocketAddress target) || target.isUnresolved()) {
      return endpoint;
    }
    InetSocketAddress pin = pinOf(target.getHostString());
    if (pin != null
        && Arrays.equals(pin.getAddress().getAddress(), target.getAddress().getAddress())) {
      return pin;
    }
    return endpoint;
  }

  @Override
  public String toString() {
    return byHost.toString();
  }
}
