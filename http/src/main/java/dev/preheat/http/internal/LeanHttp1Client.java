package dev.preheat.http.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.hc.core5.concurrent.Cancellable;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.MalformedChunkCodingException;
import org.apache.hc.core5.http.MessageConstraintException;
import org.apache.hc.core5.http.ProtocolException;
import org.apache.hc.core5.http.ProtocolVersion;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.util.CharArrayBuffer;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.jspecify.annotations.Nullable;

/**
 * The lean request path of {@code ApacheHttpTransport}: plain-HTTP/1.1 exchanges on a small
 * hand-written client, one {@link Selector} thread for every connection, without HttpClient 5's
 * exec chain or httpcore5's reactor (its I/O sessions, event queues, duplexers, decoders and
 * pool leases): in {@code benchmarks/client-floor} a client of this kind cost 46 us of client CPU
 * per URL against 122 us for httpcore5's requester (wrk: 29), and {@code preheat warm} on 40k
 * cold URLs went from 90 to 68 us of CPU per URL (benchmarks/results, 2026-11-24). It carries
 * what the warm transport needs and no more:
 *
 * <ul>
 *   <li>the request as given plus {@code Host} (the authority), {@code Connection: keep-alive}
 *       and a {@code Content-Length} for a body; CR, LF or NUL in the target, a header name or
 *       value is refused;
 *   <li>pooled keep-alive connections per route (host, port and pinned address), at most the
 *       transport's concurrency in total: calls beyond it wait in order until a slot frees or
 *       they are cancelled; idle connections closed by {@link #closeIdle} after the keep-alive
 *       time, or as soon as the server closes them;
 *   <li>the connect timeout; the read timeout (no byte for that long fails the call and closes
 *       the connection);
 *   <li>cancellation that drops a waiting call, aborts a connect or closes the connection, and
 *       frees its slot at once (before any call submitted after the cancel is admitted);
 *   <li>a stale pooled connection (end of stream or reset before any byte of the response, on a
 *       connection that sat idle for at least {@link #STALE_IDLE_MILLIS} ms, where a server's
 *       idle timeout may have closed it as the request went out) retried once on a new
 *       connection for GET and HEAD. A connection that breaks after a shorter idle time is the
 *       server's answer to this request: the call fails, and the caller's retry policy decides
 *       (no silent retry, as on OkHttp with {@code retryOnConnectionFailure(false)});
 *   <li>response heads read by {@link LeanResponseParser} within {@link #LIMITS} and a total head
 *       size of {@link #MAX_HEAD_BYTES}; 1xx skipped; bodies by {@code Content-Length}, chunked
 *       (extensions and trailers ignored, within the same limits) or delimited by the close, none
 *       for HEAD, 204 and 304; bodies are counted and discarded, never buffered whole; {@code
 *       Connection: close}, HTTP/1.0 without keep-alive and close-delimited bodies end the
 *       connection.
 * </ul>
 *
 * <p>TLS, HTTP/2 and h2c stay on the full client. Callbacks to the {@link Receiver} run on the
 * selector thread and must be quick; calls may be submitted and cancelled from any thread.
 */
public final class LeanHttp1Client {

  /**
   * Receives one call's outcome, on the selector thread: {@link #responseHead} once, then (with a
   * body) {@link #responseBody} any number of times and {@link #responseEnd}; or {@link #failed}
   * instead at any point. Nothing is delivered after the call was cancelled.
   */
  public interface Receiver {
    /**
     * The final (non-1xx) response head. Without a body the call is complete and the connection
     * already back in the pool.
     *
     * @param response status, version and headers
     * @param hasBody whether body bytes and an end follow
     */
    void responseHead(HttpResponse response, boolean hasBody);

    /** {@code bytes} more body bytes were read and discarded. */
    void responseBody(int bytes);

    /** The body ended; the connection is already back in the pool (or closed). */
    void responseEnd();

    /**
     * The call failed: an {@link IOException} for I/O, timeouts and malformed framing, an {@link
     * org.apache.hc.core5.http.HttpException} for a malformed head.
     */
    void failed(Exception cause);
  }

  /**
   * Limits of a response head: 8 KiB per line (folded lines joined), 200 header lines, and
   * httpcore5's limit of empty lines before the status line. Trailer lines of a chunked body
   * and chunk-size lines have the same line limit; trailers the same count.
   */
  static final Http1Config LIMITS = Http1Config.custom()
      .setMaxLineLength(8 * 1024)
      .setMaxHeaderCount(200)
      .build();

  /**
   * How long a pooled connection must have been idle for a break before the first response byte
   * to count as stale (retried once); see the class comment.
   */
  static final long STALE_IDLE_MILLIS = 1000;

  /** The largest response head accepted, status line to the empty line. */
  static final int MAX_HEAD_BYTES = 64 * 1024;

  /** Each connection's read buffer; larger than a line may be (a line must fit in it). */
  private static final int BUFFER_BYTES = 16 * 1024;

  private static final byte[] HTTP11 = bytes(" HTTP/1.1\r\n");
  private static final byte[] HOST = bytes("Host: ");
  private static final byte[] KEEP_ALIVE = bytes("Connection: keep-alive\r\n");
  private static final byte[] CONTENT_LENGTH = bytes("Content-Length: ");

  // call states, on the selector thread
  private static final int NEW = 0;
  private static final int WAITING = 1;
  private static final int ACTIVE = 2;
  private static final int DONE = 3;

  // response reading states of a connection
  private static final int HEAD = 0;
  private static final int LENGTH = 1;
  private static final int UNTIL_CLOSE = 2;
  private static final int CHUNK_SIZE = 3;
  private static final int CHUNK_DATA = 4;
  private static final int CHUNK_END = 5;
  private static final int TRAILERS = 6;

  private final int maxConcurrency;
  private final long connectTimeoutNanos;
  private final long readTimeoutNanos;
  private final long tickNanos;
  private final Selector selector;
  private final Thread thread;
  /** Calls to admit and other work for the selector thread, from any thread. */
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  /** Whether a wake-up of the selector is pending (so submitters wake it once per batch). */
  private final AtomicBoolean wakeupPending = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Set once the selector thread has finished; submissions after it fail their calls. */
  private volatile boolean terminated;
  private final Consumer<SelectionKey> onKey = this::onKey;

  // --- selector-thread state ---------------------------------------------------------------
  /** Calls holding one of the {@code maxConcurrency} slots. */
  private int active;
  /** Calls waiting for a slot, in order. */
  private final ArrayDeque<Call> waiting = new ArrayDeque<>();
  /** Idle keep-alive connections per route, the most recently used last. */
  private final Map<HttpHost, ArrayDeque<Conn>> idle = new HashMap<>();
  /** Every open connection: connecting, busy or idle. */
  private final List<Conn> all = new ArrayList<>();
  /** The time of the current loop turn. */
  private long now;
  private long nextTick;

  /**
   * Opens the selector and starts its thread.
   *
   * @param maxConcurrency connections per host and in total; calls beyond it wait
   * @param connectTimeout the TCP connect timeout
   * @param readTimeout the longest time without a byte from the server during a call
   * @throws IllegalStateException if no selector can be opened
   */
  public LeanHttp1Client(int maxConcurrency, Timeout connectTimeout, Timeout readTimeout) {
    this.maxConcurrency = maxConcurrency;
    this.connectTimeoutNanos = nanos(connectTimeout);
    this.readTimeoutNanos = nanos(readTimeout);
    long shortest = Math.min(connectTimeoutNanos, readTimeoutNanos);
    this.tickNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(5),
        Math.min(TimeUnit.MILLISECONDS.toNanos(250), shortest / 8));
    try {
      this.selector = Selector.open();
    } catch (IOException e) {
      throw new IllegalStateException("cannot open a selector for HTTP/1.1 connections", e);
    }
    this.thread = new Thread(this::run, "preheat-http1-io");
    thread.setDaemon(true);
    thread.start();
  }

  private static long nanos(Timeout t) {
    return t == null || t.isDisabled() ? Long.MAX_VALUE / 4 : t.toNanoseconds();
  }

  /**
   * Sends {@code request} (whose authority gives {@code Host}) over a pooled connection to
   * {@code route} (which may carry a pinned address), handing the response to {@code receiver}.
   * With every connection slot taken, the call waits for one.
   *
   * @param route where to connect: a host name and port, optionally a resolved address
   * @param request the request line and headers
   * @param body the request body, or null for none
   * @param receiver receives the response and the outcome
   * @return cancels the call: drops it from the wait, aborts its connect, or closes its connection
   * @throws IllegalArgumentException if the target or a header contains CR, LF or NUL
   * @throws IllegalStateException if this client is closed
   */
  public Cancellable execute(HttpHost route, HttpRequest request, byte @Nullable [] body,
      Receiver receiver) {
    if (closed.get()) {
      throw new IllegalStateException("the HTTP/1.1 client is closed");
    }
    String method = request.getMethod();
    Call call = new Call(route, encode(request, body), receiver,
        method.equals("GET") || method.equals("HEAD"), method.equals("HEAD"));
    post(call);
    return call;
  }

  /** Closes pooled connections idle for longer than {@code idleTime}. */
  public void closeIdle(TimeValue idleTime) {
    long limit = idleTime.toNanoseconds();
    post(() -> {
      for (int i = all.size() - 1; i >= 0; i--) {
        Conn c = all.get(i);
        if (c.call == null && c.connected && now - c.idleSince > limit) {
          close(c);
        }
      }
    });
  }

  /**
   * Stops the selector thread and closes every connection; calls in flight or waiting fail with
   * an {@link IOException}. Idempotent.
   */
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    selector.wakeup();
    if (Thread.currentThread() != thread) {
      try {
        thread.join(TimeUnit.SECONDS.toMillis(2));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void post(Runnable task) {
    tasks.add(task);
    if (terminated) {
      failLeftovers();
    } else if (Thread.currentThread() != thread && !wakeupPending.getAndSet(true)) {
      selector.wakeup();
    }
  }

  // --- the request ---------------------------------------------------------------------------

  private static byte[] bytes(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  /** The request head (and body) as sent: one array, written in one go. */
  static byte[] encode(HttpRequest request, byte @Nullable [] body) {
    String method = request.getMethod();
    String target = request.getRequestUri();
    Header[] headers = request.getHeaders();
    String authority = null;
    boolean hasHost = false;
    boolean hasConnection = false;
    int len = method.length() + 1 + target.length() + HTTP11.length;
    checkText("request target", target);
    for (Header h : headers) {
      String name = h.getName();
      String value = h.getValue();
      checkText("header name", name);
      checkText("value of header " + name, value == null ? "" : value);
      len += name.length() + 2 + (value == null ? 0 : value.length()) + 2;
      hasHost |= name.equalsIgnoreCase("Host");
      hasConnection |= name.equalsIgnoreCase("Connection");
    }
    if (!hasHost && request.getAuthority() != null) {
      authority = request.getAuthority().getPort() < 0 ? request.getAuthority().getHostName()
          : request.getAuthority().getHostName() + ":" + request.getAuthority().getPort();
      checkText("host", authority);
      len += HOST.length + authority.length() + 2;
    }
    if (!hasConnection) {
      len += KEEP_ALIVE.length;
    }
    String contentLength = body == null ? null : Integer.toString(body.length);
    if (contentLength != null) {
      len += CONTENT_LENGTH.length + contentLength.length() + 2;
    }
    len += 2 + (body == null ? 0 : body.length);
    byte[] out = new byte[len];
    int p = put(out, 0, method);
    out[p++] = ' ';
    p = put(out, p, target);
    System.arraycopy(HTTP11, 0, out, p, HTTP11.length);
    p += HTTP11.length;
    for (Header h : headers) {
      p = put(out, p, h.getName());
      out[p++] = ':';
      out[p++] = ' ';
      p = put(out, p, h.getValue() == null ? "" : h.getValue());
      out[p++] = '\r';
      out[p++] = '\n';
    }
    if (authority != null) {
      System.arraycopy(HOST, 0, out, p, HOST.length);
      p = put(out, p + HOST.length, authority);
      out[p++] = '\r';
      out[p++] = '\n';
    }
    if (!hasConnection) {
      System.arraycopy(KEEP_ALIVE, 0, out, p, KEEP_ALIVE.length);
      p += KEEP_ALIVE.length;
    }
    if (contentLength != null) {
      System.arraycopy(CONTENT_LENGTH, 0, out, p, CONTENT_LENGTH.length);
      p = put(out, p + CONTENT_LENGTH.length, contentLength);
      out[p++] = '\r';
      out[p++] = '\n';
    }
    out[p++] = '\r';
    out[p++] = '\n';
    if (body != null) {
      System.arraycopy(body, 0, out, p, body.length);
    }
    return out;
  }

  /** Refuses CR, LF and NUL, which would end or split the line (hostile input). */
  private static void checkText(String what, String s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (c == '\r' || c == '\n' || c == 0) {
        throw new IllegalArgumentException(what + " contains a CR, LF or NUL character");
      }
    }
  }

  /** Writes {@code s} as ISO-8859-1 ({@code ?} for anything beyond it). */
  private static int put(byte[] out, int p, String s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      out[p++] = c <= 0xFF ? (byte) c : (byte) '?';
    }
    return p;
  }

  // --- the selector loop ---------------------------------------------------------------------

  private void run() {
    now = System.nanoTime();
    nextTick = now + tickNanos;
    try {
      while (!closed.get()) {
        runTasks();
        long waitMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextTick - now));
        if (tasks.isEmpty()) {
          selector.select(onKey, waitMillis);
        } else {
          selector.selectNow(onKey);
        }
        wakeupPending.set(false);
        now = System.nanoTime();
        if (now - nextTick >= 0) {
          checkTimeouts();
          nextTick = now + tickNanos;
        }
      }
    } catch (IOException | RuntimeException e) {
      // the loop cannot go on; fail what is in flight below
    } finally {
      shutDown();
    }
  }

  private void runTasks() {
    Runnable task;
    while ((task = tasks.poll()) != null) {
      task.run();
    }
  }

  /** Fails every call and closes every connection; runs once, as the thread ends. */
  private void shutDown() {
    closed.set(true);
    for (Conn c : new ArrayList<>(all)) {
      Call call = c.call;
      closeChannel(c);
      if (call != null && call.state == ACTIVE) {
        call.state = DONE;
        notifyFailed(call, closedFailure());
      }
    }
    all.clear();
    idle.clear();
    for (Call call : waiting) {
      call.state = DONE;
      notifyFailed(call, closedFailure());
    }
    waiting.clear();
    try {
      selector.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    terminated = true;
    failLeftovers();
  }

  /** Fails calls submitted after the selector thread ended (each exactly once: poll). */
  private void failLeftovers() {
    Runnable task;
    while ((task = tasks.poll()) != null) {
      if (task instanceof Call) {
        Call call = (Call) task;
        if (!call.cancelled) {
          notifyFailed(call, closedFailure());
        }
      }
    }
  }

  private static IOException closedFailure() {
    return new IOException("the HTTP client was closed while the request was in flight");
  }

  private void checkTimeouts() {
    for (int i = all.size() - 1; i >= 0 && i < all.size(); i--) {
      Conn c = all.get(i);
      if (c.call == null) {
        continue;
      }
      if (!c.connected) {
        if (now - c.since >= connectTimeoutNanos) {
          fail(c, new SocketTimeoutException("connect timed out after "
              + TimeUnit.NANOSECONDS.toMillis(connectTimeoutNanos) + " ms to " + c.route));
        }
      } else if (now - c.lastRead >= readTimeoutNanos) {
        fail(c, new SocketTimeoutException("read timed out: no bytes for "
            + TimeUnit.NANOSECONDS.toMillis(readTimeoutNanos) + " ms from " + c.route));
      }
    }
  }

  // --- slots and calls -------------------------------------------------------------------------

  private void admit(Call call) {
    if (call.cancelled) {
      call.state = DONE;
      return;
    }
    if (active < maxConcurrency) {
      active++;
      call.state = ACTIVE;
      assign(call);
    } else {
      call.state = WAITING;
      waiting.add(call);
    }
  }

  /** A call gave its slot back: the next waiting call takes it over. */
  private void freeSlot() {
    Call next;
    while ((next = waiting.poll()) != null) {
      if (!next.cancelled) {
        next.state = ACTIVE;
        assign(next);
        return;
      }
      next.state = DONE;
    }
    active--;
  }

  /** Runs {@code call} (holding a slot) on an idle connection of its route, or a new one. */
  private void assign(Call call) {
    ArrayDeque<Conn> pool = idle.get(call.route);
    Conn c = pool == null ? null : pool.pollLast();
    if (c != null) {
      c.mayBeStale = now - c.idleSince >= TimeUnit.MILLISECONDS.toNanos(STALE_IDLE_MILLIS);
      startExchange(c, call);
    } else {
      open(call);
    }
  }

  private void open(Call call) {
    if (all.size() >= maxConcurrency) {
      evictOneIdle();
    }
    Conn c = new Conn(call.route);
    c.call = call;
    call.conn = c;
    c.since = now;
    all.add(c);
    try {
      InetSocketAddress address = call.route.getAddress() != null
          ? new InetSocketAddress(call.route.getAddress(), call.route.getPort())
          : new InetSocketAddress(call.route.getHostName(), call.route.getPort());
      if (address.isUnresolved()) {
        throw new UnknownHostException(call.route.getHostName());
      }
      SocketChannel ch = SocketChannel.open();
      c.channel = ch;
      ch.configureBlocking(false);
      ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
      boolean connected = ch.connect(address);
      c.key = ch.register(selector, connected ? 0 : SelectionKey.OP_CONNECT, c);
      if (connected) {
        c.connected = true;
        startExchange(c, call);
      }
    } catch (IOException | RuntimeException e) {
      fail(c, e);
    }
  }

  /** Makes room for a new connection: closes the longest idle one of any route. */
  private void evictOneIdle() {
    Conn oldest = null;
    for (Conn c : all) {
      if (c.call == null && c.connected && (oldest == null || c.idleSince < oldest.idleSince)) {
        oldest = c;
      }
    }
    if (oldest != null) {
      close(oldest);
    }
  }

  private void startExchange(Conn c, Call call) {
    c.call = call;
    call.conn = c;
    c.gotBytes = false;
    c.state = HEAD;
    c.headBytes = 0;
    c.lastRead = now;
    c.parser.reset();
    ByteBuffer out = ByteBuffer.wrap(call.request);
    try {
      c.channel.write(out);
    } catch (IOException e) {
      broken(c, e);
      return;
    }
    if (out.hasRemaining()) {
      c.pending = out;
      c.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
    } else {
      c.key.interestOps(SelectionKey.OP_READ);
    }
  }

  /** The caller's cancel, on the selector thread. */
  private void abort(Call call) {
    switch (call.state) {
      case WAITING:
        waiting.remove(call);
        call.state = DONE;
        break;
      case ACTIVE:
        call.state = DONE;
        Conn c = call.conn;
        if (c != null && c.call == call) {
          c.call = null;
          close(c);
        }
        freeSlot();
        break;
      default:
        // NEW: admit() drops it; DONE: nothing to do
        break;
    }
  }

  // --- connections -----------------------------------------------------------------------------

  private void onKey(SelectionKey key) {
    Conn c = (Conn) key.attachment();
    if (!key.isValid()) {
      return;
    }
    int ready = key.readyOps();
    if ((ready & SelectionKey.OP_CONNECT) != 0) {
      try {
        c.channel.finishConnect();
      } catch (IOException e) {
        fail(c, e);
        return;
      }
      c.connected = true;
      Call call = c.call;
      if (call == null) {
        close(c);
        return;
      }
      startExchange(c, call);
      return;
    }
    if ((ready & SelectionKey.OP_WRITE) != 0 && c.pending != null) {
      try {
        c.channel.write(c.pending);
      } catch (IOException e) {
        broken(c, e);
        return;
      }
      if (!c.pending.hasRemaining()) {
        c.pending = null;
        c.key.interestOps(SelectionKey.OP_READ);
      }
    }
    if ((ready & SelectionKey.OP_READ) != 0 && key.isValid()) {
      onReadable(c);
    }
  }

  private void onReadable(Conn c) {
    ByteBuffer in = c.in;
    if (c.call == null) {
      // idle: the server closed it (or sent something unasked for); either way it is done
      close(c);
      return;
    }
    while (true) {
      in.compact();
      int n;
      try {
        n = c.channel.read(in);
      } catch (IOException e) {
        in.flip();
        broken(c, e);
        return;
      }
      in.flip();
      if (n < 0) {
        endOfStream(c);
        return;
      }
      if (n == 0) {
        return;
      }
      c.lastRead = now;
      c.gotBytes = true;
      Call call = c.call;
      try {
        process(c);
      } catch (IOException | org.apache.hc.core5.http.HttpException | RuntimeException e) {
        fail(c, e);
        return;
      }
      if (c.call != call || in.limit() < in.capacity() || c.call == null) {
        // done with this call, or the socket had no more than the buffer took
        return;
      }
    }
  }

  /** Reads what the buffer holds, as far as it goes. */
  private void process(Conn c) throws IOException, org.apache.hc.core5.http.HttpException {
    ByteBuffer in = c.in;
    while (c.call != null) {
      switch (c.state) {
        case HEAD: {
          int before = in.position();
          HttpResponse r = c.parser.parse(c.input, false);
          c.headBytes += in.position() - before;
          if (c.headBytes > MAX_HEAD_BYTES) {
            throw new MessageConstraintException(
                "Response head larger than " + MAX_HEAD_BYTES + " bytes");
          }
          if (r == null) {
            if (in.limit() == in.capacity() && in.position() == 0) {
              throw new MessageConstraintException("Maximum line length limit exceeded");
            }
            return;
          }
          c.parser.reset();
          if (r.getCode() < 200) {
            c.headBytes = 0;
            continue; // 1xx: the final response follows
          }
          if (!head(c, r)) {
            return;
          }
          break;
        }
        case LENGTH:
        case CHUNK_DATA: {
          int n = (int) Math.min(in.remaining(), c.remaining);
          if (n == 0) {
            return;
          }
          in.position(in.position() + n);
          c.remaining -= n;
          c.call.receiver.responseBody(n);
          if (c.remaining == 0) {
            if (c.state == LENGTH) {
              finish(c, true);
              return;
            }
            c.state = CHUNK_END;
          }
          break;
        }
        case UNTIL_CLOSE: {
          int n = in.remaining();
          if (n == 0) {
            return;
          }
          in.position(in.limit());
          c.call.receiver.responseBody(n);
          return;
        }
        case CHUNK_SIZE: {
          if (!line(c)) {
            return;
          }
          long size = chunkSize(c.line);
          if (size == 0) {
            c.state = TRAILERS;
            c.trailers = 0;
          } else {
            c.remaining = size;
            c.state = CHUNK_DATA;
          }
          break;
        }
        case CHUNK_END: {
          if (!line(c)) {
            return;
          }
          if (!c.line.isEmpty()) {
            throw new MalformedChunkCodingException("CRLF expected at end of chunk");
          }
          c.state = CHUNK_SIZE;
          break;
        }
        case TRAILERS: {
          if (!line(c)) {
            return;
          }
          if (c.line.isEmpty()) {
            finish(c, true);
            return;
          }
          if (++c.trailers > LIMITS.getMaxHeaderCount()) {
            throw new MessageConstraintException("Maximum header count exceeded");
          }
          break;
        }
        default:
          throw new IllegalStateException("state " + c.state);
      }
    }
  }

  /** Reads one line of the chunked framing into {@code c.line}; false when it is incomplete. */
  private static boolean line(Conn c) throws IOException {
    c.line.clear();
    boolean complete = c.input.readLine(c.line, false);
    int max = LIMITS.getMaxLineLength();
    if (c.line.length() > max || (!complete && c.in.remaining() > max)) {
      throw new MessageConstraintException("Maximum line length limit exceeded");
    }
    return complete;
  }

  /** The size of a chunk-size line ({@code hex[;extensions]}, whitespace around the size). */
  private static long chunkSize(CharArrayBuffer line) throws MalformedChunkCodingException {
    int end = line.indexOf(';');
    if (end < 0) {
      end = line.length();
    }
    int from = 0;
    while (from < end && isBlank(line.charAt(from))) {
      from++;
    }
    while (end > from && isBlank(line.charAt(end - 1))) {
      end--;
    }
    if (from == end) {
      throw new MalformedChunkCodingException("Bad chunk header: " + line);
    }
    long size = 0;
    for (int i = from; i < end; i++) {
      char ch = line.charAt(i);
      if (!isHex(ch)) {
        throw new MalformedChunkCodingException("Bad chunk header: " + line);
      }
      if (size > (Long.MAX_VALUE >> 4)) {
        throw new MalformedChunkCodingException("Chunk size too large: " + line);
      }
      size = size * 16 + Character.digit(ch, 16);
    }
    return size;
  }

  private static boolean isBlank(char ch) {
    return ch == ' ' || ch == '\t';
  }

  private static boolean isHex(char ch) {
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
  }

  /**
   * Sets the body framing of final response {@code r} and hands its head over; false when the
   * call is complete (no body).
   */
  private boolean head(Conn c, HttpResponse r) throws ProtocolException {
    int code = r.getCode();
    ProtocolVersion version = r.getVersion();
    boolean http10 = version != null && version.getMajor() == 1 && version.getMinor() == 0;
    boolean keepAlive = !http10;
    String transferEncoding = null;
    String contentLength = null;
    for (Iterator<Header> it = r.headerIterator(); it.hasNext(); ) {
      Header h = it.next();
      String name = h.getName();
      if (name.length() == 10 && name.equalsIgnoreCase("Connection")) {
        String v = h.getValue();
        if (hasToken(v, "close")) {
          keepAlive = false;
        } else if (http10 && hasToken(v, "keep-alive")) {
          keepAlive = true;
        }
      } else if (name.length() == 14 && name.equalsIgnoreCase("Content-Length")) {
        String v = h.getValue().trim();
        if (contentLength != null && !contentLength.equals(v)) {
          throw new ProtocolException("Multiple Content-Length headers with different values");
        }
        contentLength = v;
      } else if (name.length() == 17 && name.equalsIgnoreCase("Transfer-Encoding")) {
        transferEncoding = transferEncoding == null ? h.getValue()
            : transferEncoding + "," + h.getValue();
      }
    }
    c.keepAlive = keepAlive;
    Call call = c.call;
    if (call.headRequest || code == 204 || code == 304) {
      finish(c, false);
      call.receiver.responseHead(r, false);
      return false;
    }
    if (transferEncoding != null) {
      if (lastCodingIsChunked(transferEncoding)) {
        c.state = CHUNK_SIZE;
      } else {
        c.state = UNTIL_CLOSE;
        c.keepAlive = false;
      }
    } else if (contentLength != null) {
      long length = parseLength(contentLength);
      if (length == 0) {
        finish(c, false);
        call.receiver.responseHead(r, false);
        return false;
      }
      c.state = LENGTH;
      c.remaining = length;
    } else {
      c.state = UNTIL_CLOSE;
      c.keepAlive = false;
    }
    call.receiver.responseHead(r, true);
    return true;
  }

  private static long parseLength(String v) throws ProtocolException {
    if (v.isEmpty() || v.length() > 18) {
      throw new ProtocolException("Invalid content length: " + v);
    }
    long n = 0;
    for (int i = 0; i < v.length(); i++) {
      char ch = v.charAt(i);
      if (ch < '0' || ch > '9') {
        throw new ProtocolException("Invalid content length: " + v);
      }
      n = n * 10 + (ch - '0');
    }
    return n;
  }

  private static boolean lastCodingIsChunked(String codings) {
    int comma = codings.lastIndexOf(',');
    return codings.substring(comma + 1).trim().equalsIgnoreCase("chunked");
  }

  /** Whether comma-separated {@code value} contains {@code token} (case-insensitive). */
  static boolean hasToken(String value, String token) {
    int from = 0;
    int n = value.length();
    while (from <= n) {
      int comma = value.indexOf(',', from);
      int end = comma < 0 ? n : comma;
      int s = from;
      int e = end;
      while (s < e && (value.charAt(s) == ' ' || value.charAt(s) == '\t')) {
        s++;
      }
      while (e > s && (value.charAt(e - 1) == ' ' || value.charAt(e - 1) == '\t')) {
        e--;
      }
      if (e - s == token.length() && value.regionMatches(true, s, token, 0, token.length())) {
        return true;
      }
      if (comma < 0) {
        break;
      }
      from = comma + 1;
    }
    return false;
  }

  /**
   * The end of the current response: the connection goes back to its route's pool (when it may
   * be reused) or is closed, the slot is freed, and then (when {@code notify}) the receiver
   * hears of the end.
   */
  private void finish(Conn c, boolean notify) {
    Call call = c.call;
    c.call = null;
    call.state = DONE;
    if (c.keepAlive && !c.in.hasRemaining() && c.pending == null) {
      c.idleSince = now;
      c.state = HEAD;
      idle.computeIfAbsent(c.route, r -> new ArrayDeque<>()).addLast(c);
    } else {
      close(c);
    }
    freeSlot();
    if (notify) {
      call.receiver.responseEnd();
    }
  }

  /** The server ended the stream. */
  private void endOfStream(Conn c) {
    if (c.call == null) {
      close(c);
      return;
    }
    if (c.state == UNTIL_CLOSE) {
      c.keepAlive = false;
      finish(c, true);
      return;
    }
    broken(c, new ConnectionClosedException("Connection closed by the server before the end of "
        + (c.state == HEAD ? "the response head" : "the response body")));
  }

  /**
   * The connection broke (reset, end of stream, write failure): a stale pooled connection (see
   * the class comment) that had not answered yet is retried once on a new one, for GET and HEAD;
   * any other call fails.
   */
  private void broken(Conn c, IOException e) {
    Call call = c.call;
    if (call != null && c.mayBeStale && !c.gotBytes && call.idempotent && !call.retried) {
      call.retried = true;
      c.call = null;
      close(c);
      open(call);
      return;
    }
    fail(c, e);
  }

  /** Fails the connection's call (if any), closes the connection, frees the slot. */
  private void fail(Conn c, Exception e) {
    Call call = c.call;
    c.call = null;
    close(c);
    if (call != null && call.state == ACTIVE) {
      call.state = DONE;
      freeSlot();
      notifyFailed(call, e);
    }
  }

  private static void notifyFailed(Call call, Exception e) {
    try {
      call.receiver.failed(e);
    } catch (RuntimeException ignored) {
      // a receiver must not throw; the loop goes on
    }
  }

  private void close(Conn c) {
    if (c.channel != null && !c.channel.isOpen()) {
      return;
    }
    closeChannel(c);
    all.remove(c);
    if (c.call == null && c.connected) {
      ArrayDeque<Conn> pool = idle.get(c.route);
      if (pool != null) {
        pool.remove(c);
        if (pool.isEmpty()) {
          idle.remove(c.route);
        }
      }
    }
  }

  private static void closeChannel(Conn c) {
    if (c.key != null) {
      c.key.cancel();
    }
    if (c.channel != null) {
      try {
        c.channel.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  /** One call: its encoded request and where its outcome goes. */
  private final class Call implements Cancellable, Runnable {
    final HttpHost route;
    final byte[] request;
    final Receiver receiver;
    final boolean idempotent;
    final boolean headRequest;
    /** Set by {@link #cancel()} from any thread. */
    volatile boolean cancelled;
    // selector thread only
    int state = NEW;
    @Nullable Conn conn;
    boolean retried;

    Call(HttpHost route, byte[] request, Receiver receiver, boolean idempotent,
        boolean headRequest) {
      this.route = route;
      this.request = request;
      this.receiver = receiver;
      this.idempotent = idempotent;
      this.headRequest = headRequest;
    }

    /** Admission, on the selector thread. */
    @Override
    public void run() {
      admit(this);
    }

    @Override
    public boolean cancel() {
      synchronized (this) {
        if (cancelled) {
          return false;
        }
        cancelled = true;
      }
      post(() -> abort(this));
      return true;
    }
  }

  /** One connection and the state of the response being read on it. */
  private static final class Conn {
    final HttpHost route;
    final ByteBuffer in = ByteBuffer.allocate(BUFFER_BYTES).flip();
    final ByteBufferInput input = new ByteBufferInput(in);
    final LeanResponseParser parser = new LeanResponseParser(LIMITS);
    final CharArrayBuffer line = new CharArrayBuffer(32);
    SocketChannel channel;
    SelectionKey key;
    boolean connected;
    /** The call on it; null while idle. */
    @Nullable Call call;
    /** Whether it was reused after {@link #STALE_IDLE_MILLIS} of idle time (see broken()). */
    boolean mayBeStale;
    /** Whether any byte of the current response arrived. */
    boolean gotBytes;
    @Nullable ByteBuffer pending;
    long since;
    long lastRead;
    long idleSince;
    int state;
    int headBytes;
    long remaining;
    int trailers;
    boolean keepAlive;

    Conn(HttpHost route) {
      this.route = route;
    }
  }
}
