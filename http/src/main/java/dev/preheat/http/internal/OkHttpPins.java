package dev.preheat.http.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import javax.net.SocketFactory;
import okhttp3.Dns;

/**
 * {@link Pins} for OkHttp: connect to a chosen address (IP <em>and</em> port) for a host while
 * the URL, the {@code Host} header and TLS SNI keep the hostname. Used only by {@code
 * OkHttpTransport}, so only it needs OkHttp on the class path.
 *
 * <p>OkHttp's {@link Dns} hook can only change the IP; the port always comes from the URL. So
 * pinning takes two steps. {@link #dns()} answers a pinned host with the pinned IP, as an
 * {@link InetAddress} that still carries the hostname. OkHttp then connects a socket from {@link
 * #socketFactory()} to {@code (that address, URL port)}; that socket sees the hostname in the
 * endpoint ({@link InetSocketAddress#getHostString()}, which never does a reverse lookup) and
 * swaps in the pinned port. TLS is layered on that socket by OkHttp with the URL's host, so SNI
 * and certificate checks are unchanged. Thread-safe and immutable.
 */
public final class OkHttpPins {

  private final Pins pins;

  /** OkHttp hooks for {@code pins}. */
  public OkHttpPins(Pins pins) {
    this.pins = pins;
  }

  /** A resolver that answers pinned hosts with their pinned IP and asks the system for others. */
  public Dns dns() {
    return host -> {
      InetSocketAddress pin = pins.pinOf(host);
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
      super.connect(pins.redirect(endpoint), timeout);
    }
  }

}
