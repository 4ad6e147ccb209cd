package dev.preheat.http.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.SocketFactory;
import okhttp3.Dns;
import org.jspecify.annotations.Nullable;

/**
 * PoP pinning: connect to a chosen address (IP <em>and</em> port) for a host while the URL, the
 * {@code Host} header and TLS SNI keep the hostname.
 *
 * <p>OkHttp's {@link Dns} hook can only change the IP; the port always comes from the URL. So
 * pinning takes two steps. {@link #dns()} answers a pinned host with the pinned IP, as an
 * {@link InetAddress} that still carries the hostname. OkHttp then connects a socket from {@link
 * #socketFactory()} to {@code (that address, URL port)}; that socket sees the hostname in the
 * endpoint ({@link InetSocketAddress#getHostString()}, which never does a reverse lookup) and
 * swaps in the pinned port. TLS is layered on that socket by OkHttp with the URL's host, so SNI
 * and certificate checks are unchanged. Thread-safe and immutable.
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

  /** A resolver that answers pinned hosts with their pinned IP and asks the system for others. */
  public Dns dns() {
    return host -> {
      InetSocketAddress pin = pinOf(host);
      if (pin == null) {
        return Dns.SYSTEM.lookup(host);
      }
      try {
        return List.of(InetAddress.getByAddress(host, pin.getAddress().getAddress()));
      } catch (UnknownHostException impossible) {
        // getByAddress only fails for an illegal address length, and the pin is a real address.
        throw new IllegalStateException(impossible);
      }
    };
  }

  /** A socket factory whose sockets connect pinned hosts to the pinned port. */
  public SocketFactory socketFactory() {
    return new PinnedSocketFactory();
  }

  /** The endpoint to really connect to for {@code endpoint}. */
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

  private final class PinnedSocketFactory extends SocketFactory {

    @Override
    public Socket createSocket() {
      return new PinnedSocket();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      Socket socket = createSocket();
      socket.connect(new InetSocketAddress(host, port));
      return socket;
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
        throws IOException {
      Socket socket = createSocket();
      socket.bind(new InetSocketAddress(localHost, localPort));
      socket.connect(new InetSocketAddress(host, port));
      return socket;
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      Socket socket = createSocket();
      socket.connect(new InetSocketAddress(host, port));
      return socket;
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress,
        int localPort) throws IOException {
      Socket socket = createSocket();
      socket.bind(new InetSocketAddress(localAddress, localPort));
      socket.connect(new InetSocketAddress(address, port));
      return socket;
    }
  }

  private final class PinnedSocket extends Socket {
    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
      super.connect(redirect(endpoint), timeout);
    }
  }

  @Override
  public String toString() {
    return byHost.toString();
  }
}
