package dev.preheat.http.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.core5.concurrent.Cancellable;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.MalformedChunkCodingException;
import org.apache.hc.core5.http.MessageConstraintException;
import org.apache.hc.core5.http.message.BasicHttpRequest;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link LeanHttp1Client} against a small socket server that answers with raw bytes per
 * connection: framing (chunked with extensions and trailers, close-delimited, no body for HEAD,
 * 204 and 304, 1xx skipped), connection reuse and its end ({@code Connection: close}, HTTP/1.0),
 * the stale keep-alive retry (once, GET only), limits, the read timeout, cancellation and close.
 */
class LeanHttp1ClientTest {

  private static final long WAIT = 5;

  /** Serves one connection: reads requests from {@code in}, writes raw answers to {@code out}. */
  @FunctionalInterface
  interface Script {
    void serve(InputStream in, OutputStream out) throws IOException;
  }

  private ServerSocket server;
  private ExecutorService pool;
  private final BlockingQueue<Script> scripts = new LinkedBlockingQueue<>();
  private final BlockingQueue<String> requests = new LinkedBlockingQueue<>();
  private final AtomicInteger connections = new AtomicInteger();
  private final List<Socket> sockets = new ArrayList<>();
  private LeanHttp1Client client;

  @BeforeEach
  void start() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    pool = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "fault-server");
      t.setDaemon(true);
      return t;
    });
    pool.execute(() -> {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          synchronized (sockets) {
            sockets.add(s);
          }
          connections.incrementAndGet();
          Script script = scripts.poll(WAIT, TimeUnit.SECONDS);
          pool.execute(() -> {
            try (s) {
              if (script != null) {
                script.serve(s.getInputStream(), s.getOutputStream());
              }
            } catch (IOException ignored) {
              // the client went away
            }
          });
        } catch (IOException | InterruptedException e) {
          return;
        }
      }
    });
    client = new LeanHttp1Client(4, Timeout.ofSeconds(2), Timeout.ofSeconds(5));
  }

  @AfterEach
  void stop() throws IOException {
    client.close();
    server.close();
    synchronized (sockets) {
      for (Socket s : sockets) {
        s.close();
      }
    }
    pool.shutdownNow();
  }

  // --- framing ---------------------------------------------------------------------------------

  @Test
  void chunkedBodiesWithExtensionsAndTrailersAreCountedAndTheConnectionIsReused()
      throws Exception {
    scripts.add((in, out) -> {
      readHead(in);
      write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "5;name=value\r\nhello\r\n6 ; a=\"b;c\"\r\n world\r\n"
          + "0;last\r\nTrailer-One: x\r\nTrailer-Two: y\r\n\r\n");
      readHead(in);
      write(out, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc");
      readHead(in);
    });

    Result chunked = get("/chunked");
    Result next = get("/next");

    assertThat(chunked.status).isEqualTo(200);
    assertThat(chunked.bytes).isEqualTo(11);
    assertThat(next.bytes).isEqualTo(3);
    assertThat(connections).hasValue(1);
  }

  @Test
  void aChunkedBodySplitAtEveryByteIsReadTheSame() throws Exception {
    String body = "4\r\nabcd\r\na;x=y\r\n0123456789\r\n0\r\nT: v\r\n\r\n";
    scripts.add((in, out) -> {
      readHead(in);
      write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n");
      for (char c : body.toCharArray()) {
        write(out, String.valueOf(c));
        sleepQuietly(1);
      }
      readHead(in);
    });

    assertThat(get("/slow").bytes).isEqualTo(14);
  }

  @Test
  void aMalformedChunkSizeFailsTheCall() {
    scripts.add((in, out) -> {
      readHead(in);
      write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n");
      readHead(in);
    });

    assertThat(failureOf(send("GET", "/bad"))).isInstanceOf(MalformedChunkCodingException.class);
  }

  @Test
  void aCloseDelimitedBodyEndsAtTheCloseAndItsConnectionIsNotReused() throws Exception {
    scripts.add((in, out) -> {
      readHead(in);
      write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n" + "x".repeat(40_000));
    });
    scripts.add((in, out) -> {
      readHead(in);
      write(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
      readHead(in);
    });

    assertThat(get("/until-close").bytes).isEqualTo(40_000);
    assertThat(get("/fresh").bytes).isEqualTo(2);
    assertThat(connections).hasValue(2);
  }

  @Test
  void headAnd204And304HaveNoBodyAndKeepTheConnection() throws Exception {
    scripts.add((in, out) -> {
      readHead(in);
      write(out, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n");
      readHead(in);
      write(out, "HTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\nETag: \"e\"\r\n\r\n");
      readHead(in);
      write(out, "HTTP/1.1 204 No Content\r\n\r\n");
      readHead(in);
      write(out, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\n\r\n"
          + "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nlast");
      readHead(in);
    });

    Result head = result(send("HEAD", "/head"));
    Result notModified = get("/304");
    Result noContent = get("/204");
    Result afterInformational = get("/1xx");

    assertThat(head.bytes).isZero();
    assertThat(head.hasBody).isFalse();
    assertThat(notModified.status).isEqualTo(304);
    assertThat(notModified.bytes).isZero();
    assertThat(noContent.status).isEqualTo(204);
    assertThat(afterInformational.status).isEqualTo(200);
    assertThat(afterInformational.bytes).isEqualTo(4);
    assertThat(connections).hasValue(1);
    assertThat(requests.poll()).startsWith("HEAD /head HTTP/1.1\r\n");
  }

  @Test
  void theRequestCarriesItsHeadersHostAndKeepAliveAndRefusesLineBreaks() throws Exception {
    scripts.add((in, out) -> {
      readHead(in);
      write(out, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
      readHead(in);
    });
    BasicHttpRequest request = new BasicHttpRequest("POST", host(), "/p?q=1");
    request.addHeader("Accept-Encoding", "gzip");
    request.addHeader("User-Agent", "test");
    Recorder r = new Recorder();
    client.execute(route(), request, new byte[0], r);
    assertThat(r.future.get(WAIT, TimeUnit.SECONDS).status).isEqualTo(200);

    assertThat(requests.poll()).isEqualTo("POST /p?q=1 HTTP/1.1\r\nAccept-Encoding: gzip\r\n"
        + "User-Agent: test\r\nHost: example.test:" + server.getLocalPort()
        + "\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n");

    for (String hostile : List.of("a\r\nX-Injected: 1", "a\nb", "a\rb")) {
      BasicHttpRequest bad = new BasicHttpRequest("GET", host(), "/h");
      bad.addHeader("X-Value", hostile);
      assertThatThrownBy(() -> client.execute(route(), bad, null, new Recorder()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("X-Value");
      BasicHttpRequest badName = new BasicHttpRequest("GET", host(), "/h");
      badName.addHeader("X-" + hostile, "v");
      assertThatThrownBy(() -> client.execute(route(), badName, null, new Recorder()))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  // --- connection reuse ------------------------------------------------------------------------

  @Test
  void connectionCloseAndHttp10WithoutKeepAliveEndTheConnection() throws Exception {
    scripts.add((in, out) -> {
      readHead(in);
      write(out, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\na");
      sleepQuietly(2000);
    });
    scripts.add((in, out) -> {
      readHead(in);
      write(out, "HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nb");
      sleepQuietly(2000);
    });
    scripts.add((in, out) -> {
      readHead(in);
      write(out, "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\nc");
      readHead(in);
      write(out, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nd");
      readHead(in);
    });

    for (String path : List.of("/close", "/http10", "/http10-keep-alive", "/reused")) {
      assertThat(get(path).bytes).as(path).isEqualTo(1);
    }
    assertThat(connections).hasValue(3);
  }

  @Test
  void aStaleKeepAliveConnectionIsRetriedOnceForGetOnly() throws Exception {
    // the server answers once, then closes the connection as the next request arrives
    Script answerOnceThenDrop = (in, out) -> {
      readHead(in);
      write(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
      readHead(in);
    };
    Script drop = (in, out) -> readHead(in);
    long staleAfter = LeanHttp1Client.STALE_IDLE_MILLIS + 100;
    scripts.add(answerOnceThenDrop);
    scripts.add(answerOnceThenDrop); // the retry, on a new connection

    assertThat(get("/first").bytes).isEqualTo(2);
    sleepQuietly(staleAfter);
    assertThat(get("/retried").bytes).as("retried on a new connection").isEqualTo(2);
    assertThat(connections).hasValue(2);

    // stale again, and the retry's new connection is dropped as well: one retry only
    sleepQuietly(staleAfter);
    scripts.add(drop);
    assertThat(failureOf(send("GET", "/twice"))).isInstanceOf(IOException.class);
    assertThat(connections).as("one retry only").hasValue(3);

    scripts.add(answerOnceThenDrop);
    assertThat(get("/again").bytes).isEqualTo(2);
    sleepQuietly(staleAfter);
    assertThat(failureOf(send("POST", "/not-idempotent"))).isInstanceOf(IOException.class);
    assertThat(connections).as("no retry for POST").hasValue(4);

    // a connection that breaks right after its last answer was not stale: the server dropped
    // this request, and the caller's retry policy decides
    scripts.add(answerOnceThenDrop);
    assertThat(get("/quick").bytes).isEqualTo(2);
    assertThat(failureOf(send("GET", "/dropped"))).isInstanceOf(IOException.class);
    assertThat(connections).as("no silent retry").hasValue(5);
  }

  @Test
  void aConnectionTheServerClosedWhileIdleIsNotUsed() throws Exception {
    scripts.add((in, out) -> {
      readHead(in);
      write(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    });
    scripts.add((in, out) -> {
      readHead(in);
      write(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
      readHead(in);
    });

    get("/one");
    sleepQuietly(200);
    assertThat(get("/two").bytes).isEqualTo(2);
    assertThat(requests).hasSize(2);
  }

  @Test
  void idleConnectionsAreClosedAfterTheKeepAliveTime() throws Exception {
    CompletableFuture<Boolean> closedByClient = new CompletableFuture<>();
    scripts.add((in, out) -> {
      readHead(in);
      write(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
      closedByClient.complete(in.read() < 0);
    });
    get("/one");

    client.closeIdle(TimeValue.ofSeconds(60));
    sleepQuietly(100);
    assertThat(closedByClient).isNotDone();
    client.closeIdle(TimeValue.ZERO_MILLISECONDS);

    assertThat(closedByClient.get(WAIT, TimeUnit.SECONDS)).isTrue();
  }

  // --- limits and timeouts ---------------------------------------------------------------------

  @Test
  void oversizedHeadsAreRejected() {
    scripts.add((in, out) -> {
      readHead(in);
      write(out, "HTTP/1.1 200 OK\r\nBig: " + "b".repeat(10_000) + "\r\n\r\n");
      sleepQuietly(2000);
    });
    StringBuilder many = new StringBuilder("HTTP/1.1 200 OK\r\n");
    for (int i = 0; i < 80; i++) {
      many.append("H").append(i).append(": ").append("v".repeat(1000)).append("\r\n");
    }
    scripts.add((in, out) -> {
      readHead(in);
      write(out, many + "\r\n");
      sleepQuietly(2000);
    });

    assertThat(failureOf(send("GET", "/long-line")))
        .isInstanceOf(MessageConstraintException.class).hasMessageContaining("line length");
    assertThat(failureOf(send("GET", "/large-head")))
        .isInstanceOf(MessageConstraintException.class).hasMessageContaining("head larger");
  }

  @Test
  void noBytesForTheReadTimeoutFailsTheCall() throws Exception {
    client.close();
    client = new LeanHttp1Client(4, Timeout.ofSeconds(2), Timeout.ofMilliseconds(200));
    scripts.add((in, out) -> {
      readHead(in);
      write(out, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf");
      sleepQuietly(3000);
    });

    long start = System.nanoTime();
    assertThat(failureOf(send("GET", "/stall"))).isInstanceOf(SocketTimeoutException.class);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(150L, 2000L);
  }

  // --- cancel and close ------------------------------------------------------------------------

  @Test
  void cancellingFreesTheSlotAtOnceAndAWaitingCallGivesUpItsTurn() throws Exception {
    client.close();
    client = new LeanHttp1Client(1, Timeout.ofSeconds(2), Timeout.ofSeconds(30));
    scripts.add((in, out) -> {
      readHead(in);
      sleepQuietly(5000);
    });
    scripts.add((in, out) -> {
      readHead(in);
      write(out, "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext");
      readHead(in);
    });
    Recorder stuck = send("GET", "/stuck");
    assertThat(requests.poll(WAIT, TimeUnit.SECONDS)).startsWith("GET /stuck");
    Recorder dropped = send("GET", "/dropped");

    assertThat(dropped.call.cancel()).isTrue();
    assertThat(stuck.call.cancel()).isTrue();
    assertThat(stuck.call.cancel()).as("once").isFalse();

    assertThat(get("/next").bytes).isEqualTo(4);
    assertThat(stuck.future).isNotDone();
    assertThat(dropped.future).isNotDone();
    assertThat(requests.poll()).startsWith("GET /next");
  }

  @Test
  void closeFailsCallsInFlightAndWaitingAndRefusesNewOnes() throws Exception {
    client.close();
    client = new LeanHttp1Client(1, Timeout.ofSeconds(2), Timeout.ofSeconds(30));
    scripts.add((in, out) -> {
      readHead(in);
      sleepQuietly(5000);
    });
    Recorder inFlight = send("GET", "/in-flight");
    assertThat(requests.poll(WAIT, TimeUnit.SECONDS)).startsWith("GET /in-flight");
    Recorder waiting = send("GET", "/waiting");

    client.close();

    assertThat(failureOf(inFlight)).isInstanceOf(IOException.class).hasMessageContaining("closed");
    assertThat(failureOf(waiting)).isInstanceOf(IOException.class).hasMessageContaining("closed");
    assertThatThrownBy(() -> send("GET", "/after")).isInstanceOf(IllegalStateException.class);
  }

  // ---------------------------------------------------------------------------------------------

  private static final class Result {
    int status;
    boolean hasBody;
    long bytes;
  }

  private static final class Recorder implements LeanHttp1Client.Receiver {
    final CompletableFuture<Result> future = new CompletableFuture<>();
    final Result result = new Result();
    Cancellable call;

    @Override
    public void responseHead(HttpResponse response, boolean hasBody) {
      result.status = response.getCode();
      result.hasBody = hasBody;
      if (!hasBody) {
        future.complete(result);
      }
    }

    @Override
    public void responseBody(int bytes) {
      result.bytes += bytes;
    }

    @Override
    public void responseEnd() {
      future.complete(result);
    }

    @Override
    public void failed(Exception cause) {
      future.completeExceptionally(cause);
    }
  }

  private HttpHost host() {
    return new HttpHost("http", "example.test", server.getLocalPort());
  }

  /** The host name pinned to the server's loopback address. */
  private HttpHost route() {
    try {
      return new HttpHost("http", InetAddress.getByAddress("example.test",
          server.getInetAddress().getAddress()), "example.test", server.getLocalPort());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private Recorder send(String method, String path) {
    Recorder r = new Recorder();
    r.call = client.execute(route(), new BasicHttpRequest(method, host(), path),
        method.equals("POST") ? new byte[0] : null, r);
    return r;
  }

  private Result get(String path) throws Exception {
    return result(send("GET", path));
  }

  private static Result result(Recorder r) throws Exception {
    return r.future.get(WAIT, TimeUnit.SECONDS);
  }

  private static Throwable failureOf(Recorder r) {
    try {
      r.future.get(WAIT, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError("no failure but " + e, e);
    }
    throw new AssertionError("the call succeeded");
  }

  /** Reads one request head (to the empty line) and records it; throws at the end of stream. */
  private String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("end of stream");
      }
      head.write(b);
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    String s = head.toString(StandardCharsets.ISO_8859_1);
    requests.add(s);
    return s;
  }

  private static void write(OutputStream out, String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
