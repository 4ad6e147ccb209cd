package dev.preheat.spring.internal;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP/1.1 connection to a plain {@code http://} server, one GET at a time, shaped like the
 * requests of curl, Go's and Java's HTTP clients or a Kubernetes probe: {@code Host}, the given
 * headers and nothing else (in particular no {@code Connection: keep-alive}, which HTTP/1.1 does
 * not need and which the warm transport always sends, so the server's code for requests
 * without it would otherwise first run with real traffic). Reads each response whole (by
 * {@code Content-Length}, chunked, or to the end of the connection) and reconnects when the
 * server closed. Not thread-safe.
 */
final class PlainHttpConnection implements AutoCloseable {

  private final String host;
  private final int port;
  private final int timeoutMillis;
  private @Nullable Socket socket;
  private @Nullable InputStream in;
  private @Nullable OutputStream out;

  /**
   * A connection to {@code base}'s host and port, opened on the first request.
   *
   * @param base an {@code http://} URL
   * @param timeoutMillis connect and read timeout
   */
  PlainHttpConnection(URI base, int timeoutMillis) {
    if (!"http".equalsIgnoreCase(base.getScheme()) || base.getHost() == null) {
      throw new IllegalArgumentException("a plain http:// URL is needed but was " + base);
    }
    this.host = base.getHost();
    this.port = base.getPort() < 0 ? 80 : base.getPort();
    this.timeoutMillis = timeoutMillis;
  }

  /**
   * GETs {@code pathAndQuery} with {@code headers} and reads the response.
   *
   * @return the status code
   * @throws IOException if the exchange failed (the connection is then closed)
   */
  int get(String pathAndQuery, Map<String, String> headers) throws IOException {
    try {
      if (socket == null) {
        open();
      }
      StringBuilder req = new StringBuilder(128 + pathAndQuery.length());
      req.append("GET ").append(pathAndQuery).append(" HTTP/1.1\r\nHost: ").append(host)
          .append(':').append(port).append("\r\n");
      headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
      req.append("\r\n");
      out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return readResponse();
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  private void open() throws IOException {
    Socket s = new Socket();
    try {
      s.setTcpNoDelay(true);
      s.connect(new InetSocketAddress(host, port), timeoutMillis);
      s.setSoTimeout(timeoutMillis);
      in = new BufferedInputStream(s.getInputStream(), 16 * 1024);
      out = s.getOutputStream();
      socket = s;
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  private int readResponse() throws IOException {
    String status = line();
    if (!status.startsWith("HTTP/1.") || status.length() < 12) {
      throw new IOException("not an HTTP/1.x status line: " + status);
    }
    int code = Integer.parseInt(status.substring(9, 12));
    long length = -1;
    boolean chunked = false;
    boolean close = status.startsWith("HTTP/1.0");
    for (String h = line(); !h.isEmpty(); h = line()) {
      int colon = h.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = h.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
      switch (name) {
        case "content-length" -> length = Long.parseLong(value);
        case "transfer-encoding" -> chunked = value.endsWith("chunked");
        case "connection" -> close = value.contains("close")
            || (close && !value.contains("keep-alive"));
        default -> { }
      }
    }
    boolean noBody = code / 100 == 1 || code == 204 || code == 304;
    if (noBody) {
      length = 0;
    } else if (chunked) {
      for (long size = chunkSize(); size > 0; size = chunkSize()) {
        skip(size);
        line();
      }
      while (!line().isEmpty()) {
        // trailers
      }
      length = 0;
    }
    if (length >= 0) {
      skip(length);
    } else {
      while (in.read() >= 0) {
        // delimited by the end of the connection
      }
      close = true;
    }
    if (close) {
      close();
    }
    return code;
  }

  private long chunkSize() throws IOException {
    String l = line();
    int semi = l.indexOf(';');
    return Long.parseLong((semi < 0 ? l : l.substring(0, semi)).trim(), 16);
  }

  private void skip(long n) throws IOException {
    long left = n;
    while (left > 0) {
      long s = in.skip(left);
      if (s <= 0) {
        if (in.read() < 0) {
          throw new EOFException("connection closed " + left + " byte(s) before the body's end");
        }
        s = 1;
      }
      left -= s;
    }
  }

  private String line() throws IOException {
    StringBuilder sb = new StringBuilder(64);
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        int len = sb.length();
        return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
      }
      if (sb.length() > 64 * 1024) {
        throw new IOException("response header line longer than 64 KiB");
      }
      sb.append((char) c);
    }
    throw new EOFException("connection closed mid-response");
  }

  /** Closes the connection, if open; the next request opens a new one. */
  @Override
  public void close() {
    Socket s = socket;
    socket = null;
    in = null;
    out = null;
    if (s != null) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }
}
