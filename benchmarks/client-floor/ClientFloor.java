import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The floor of each candidate HTTP client for warming: GET every URL of a list over HTTP/1.1
 * keep-alive with {@code CONNECTIONS} requests in flight, the warmer's two request headers, the
 * body read and discarded, and nothing else (no engine, no outcome, no report). Not part of the
 * build: {@code benchmarks/warm-vs-peers.sh} compiles and runs it when {@code FLOORS=1}, so the
 * choice of client is measured rather than guessed.
 *
 * <pre>java ClientFloor MODE CONNECTIONS URLS_FILE</pre>
 *
 * MODE: okhttp-sync (OkHttp, synchronous calls on CONNECTIONS threads), jdk (java.net.http,
 * synchronous, CONNECTIONS threads), hc5-classic (Apache HttpClient 5 classic, CONNECTIONS
 * threads), hc5-async (Apache HttpClient 5 async, one I/O reactor thread), netty (Netty NIO, one
 * event loop, CONNECTIONS channels), hc5-minimal (HttpClient 5's MinimalHttpAsyncClient: the
 * pooling connection manager, no exec chain, one I/O reactor thread), hc5-requester (httpcore5's
 * HttpAsyncRequester, HTTP/1.1, its own pool, one I/O reactor thread). {@code body_bytes} is counted by every mode but hc5-async,
 * whose discarding consumer does not count.
 */
public final class ClientFloor {

  private ClientFloor() {}

  /** One blocking GET; returns the body bytes read. */
  interface BlockingGet {
    long get(String url, byte[] buffer) throws Exception;
  }

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    int connections = Integer.parseInt(args[1]);
    List<String> urls = Files.readAllLines(Path.of(args[2]));
    long t0 = System.nanoTime();
    long[] result;
    switch (mode) {
      case "okhttp-sync": result = threads(urls, connections, okhttp(connections)); break;
      case "jdk": result = threads(urls, connections, jdk()); break;
      case "hc5-classic": result = threads(urls, connections, hc5Classic(connections)); break;
      case "hc5-async": result = hc5Async(urls, connections); break;
      case "netty": result = netty(urls, connections); break;
      case "hc5-minimal": result = hc5Minimal(urls, connections); break;
      case "hc5-requester": result = hc5Requester(urls, connections); break;
      default: throw new IllegalArgumentException("unknown mode " + mode);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf(Locale.ROOT, "RESULT mode=%s urls=%d seconds=%.4f urls_per_s=%.1f body_bytes=%d"
        + " FAILED=%d%n", mode, urls.size(), seconds, urls.size() / seconds, result[0], result[1]);
    System.exit(result[1] == 0 ? 0 : 1);
  }

  private static long[] threads(List<String> urls, int n, BlockingGet client) throws Exception {
    AtomicInteger next = new AtomicInteger();
    LongAdder bytes = new LongAdder();
    LongAdder failures = new LongAdder();
    Thread[] workers = new Thread[n];
    for (int i = 0; i < n; i++) {
      workers[i] = new Thread(() -> {
        byte[] buffer = new byte[8192];
        for (int j; (j = next.getAndIncrement()) < urls.size(); ) {
          try {
            bytes.add(client.get(urls.get(j), buffer));
          } catch (Exception e) {
            failures.increment();
          }
        }
      });
      workers[i].start();
    }
    for (Thread t : workers) {
      t.join();
    }
    return new long[] {bytes.sum(), failures.sum()};
  }

  private static BlockingGet okhttp(int n) {
    okhttp3.OkHttpClient c = new okhttp3.OkHttpClient.Builder()
        .connectionPool(new okhttp3.ConnectionPool(n, 5, TimeUnit.MINUTES))
        .protocols(List.of(okhttp3.Protocol.HTTP_1_1)).retryOnConnectionFailure(false).build();
    okio.Sink discard = okio.Okio.blackhole();
    return (url, buffer) -> {
      okhttp3.Request request = new okhttp3.Request.Builder().url(url)
          .header("User-Agent", "Preheat/floor").header("X-Preheat", "1").build();
      try (okhttp3.Response r = c.newCall(request).execute()) {
        return r.body().source().readAll(discard);
      }
    };
  }

  private static BlockingGet jdk() {
    java.net.http.HttpClient c = java.net.http.HttpClient.newBuilder()
        .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
    return (url, buffer) -> {
      java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(URI.create(url))
          .header("User-Agent", "Preheat/floor").header("X-Preheat", "1").build();
      java.net.http.HttpResponse<java.io.InputStream> r =
          c.send(request, java.net.http.HttpResponse.BodyHandlers.ofInputStream());
      long total = 0;
      try (java.io.InputStream in = r.body()) {
        for (int k; (k = in.read(buffer)) != -1; ) {
          total += k;
        }
      }
      return total;
    };
  }

  private static BlockingGet hc5Classic(int n) {
    org.apache.hc.client5.http.impl.classic.CloseableHttpClient c =
        org.apache.hc.client5.http.impl.classic.HttpClients.custom()
            .setConnectionManager(org.apache.hc.client5.http.impl.io
                .PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(n).setMaxConnPerRoute(n).build())
            .disableContentCompression().disableAutomaticRetries().disableRedirectHandling()
            .disableCookieManagement().build();
    return (url, buffer) -> {
      org.apache.hc.client5.http.classic.methods.HttpGet get =
          new org.apache.hc.client5.http.classic.methods.HttpGet(url);
      get.setHeader("User-Agent", "Preheat/floor");
      get.setHeader("X-Preheat", "1");
      return c.execute(get, response -> {
        long total = 0;
        try (java.io.InputStream in = response.getEntity().getContent()) {
          for (int k; (k = in.read(buffer)) != -1; ) {
            total += k;
          }
        }
        return total;
      });
    };
  }

  private static long[] hc5Async(List<String> urls, int n) throws Exception {
    org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient c =
        org.apache.hc.client5.http.impl.async.HttpAsyncClients.custom()
            .setConnectionManager(org.apache.hc.client5.http.impl.nio
                .PoolingAsyncClientConnectionManagerBuilder.create()
                .setMaxConnTotal(n).setMaxConnPerRoute(n).build())
            .setIOReactorConfig(org.apache.hc.core5.reactor.IOReactorConfig.custom()
                .setIoThreadCount(1).build())
            .setVersionPolicy(org.apache.hc.core5.http2.HttpVersionPolicy.FORCE_HTTP_1)
            .disableRedirectHandling().disableCookieManagement().disableAutomaticRetries()
            .build();
    c.start();
    Semaphore permits = new Semaphore(n);
    CountDownLatch done = new CountDownLatch(urls.size());
    AtomicLong failures = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    for (String url : urls) {
      permits.acquire();
      org.apache.hc.client5.http.async.methods.SimpleHttpRequest request =
          org.apache.hc.client5.http.async.methods.SimpleRequestBuilder.get(url)
              .addHeader("User-Agent", "Preheat/floor").addHeader("X-Preheat", "1").build();
      c.execute(org.apache.hc.client5.http.async.methods.SimpleRequestProducer.create(request),
          new org.apache.hc.core5.http.nio.support.BasicResponseConsumer<>(
              new org.apache.hc.core5.http.nio.entity.DiscardingEntityConsumer<>()),
          inFlight(permits, done, failures, r -> { }));
    }
    done.await();
    return new long[] {bytes.get(), failures.get()};
  }

  private static long[] netty(List<String> urls, int n) throws Exception {
    URI first = URI.create(urls.get(0));
    String host = first.getHost() + (first.getPort() < 0 ? "" : ":" + first.getPort());
    List<String> paths = new ArrayList<>(urls.size());
    for (String u : urls) {
      paths.add(URI.create(u).getRawPath());
    }
    AtomicInteger next = new AtomicInteger();
    AtomicLong bytes = new AtomicLong();
    CountDownLatch done = new CountDownLatch(n);
    io.netty.channel.EventLoopGroup group = new io.netty.channel.MultiThreadIoEventLoopGroup(1,
        io.netty.channel.nio.NioIoHandler.newFactory());
    io.netty.bootstrap.Bootstrap b = new io.netty.bootstrap.Bootstrap().group(group)
        .channel(io.netty.channel.socket.nio.NioSocketChannel.class)
        .option(io.netty.channel.ChannelOption.TCP_NODELAY, true)
        .handler(new io.netty.channel.ChannelInitializer<io.netty.channel.Channel>() {
          @Override
          protected void initChannel(io.netty.channel.Channel ch) {
            ch.pipeline().addLast(new io.netty.handler.codec.http.HttpClientCodec()).addLast(
                new io.netty.channel.SimpleChannelInboundHandler<
                    io.netty.handler.codec.http.HttpObject>() {
                  void sendNext(io.netty.channel.ChannelHandlerContext ctx) {
                    int i = next.getAndIncrement();
                    if (i >= paths.size()) {
                      ctx.close();
                      done.countDown();
                      return;
                    }
                    io.netty.handler.codec.http.DefaultFullHttpRequest r =
                        new io.netty.handler.codec.http.DefaultFullHttpRequest(
                            io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
                            io.netty.handler.codec.http.HttpMethod.GET, paths.get(i));
                    r.headers().set("Host", host).set("User-Agent", "Preheat/floor")
                        .set("X-Preheat", "1");
                    ctx.writeAndFlush(r);
                  }

                  @Override
                  public void channelActive(io.netty.channel.ChannelHandlerContext ctx) {
                    sendNext(ctx);
                  }

                  @Override
                  protected void channelRead0(io.netty.channel.ChannelHandlerContext ctx,
                      io.netty.handler.codec.http.HttpObject msg) {
                    if (msg instanceof io.netty.handler.codec.http.HttpContent) {
                      bytes.addAndGet(((io.netty.handler.codec.http.HttpContent) msg).content()
                          .readableBytes());
                    }
                    if (msg instanceof io.netty.handler.codec.http.LastHttpContent) {
                      sendNext(ctx);
                    }
                  }
                });
          }
        });
    for (int i = 0; i < n; i++) {
      b.connect(first.getHost(), first.getPort());
    }
    done.await();
    group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    return new long[] {bytes.get(), 0};
  }

  /** Starts one request: {@code execute(producer, consumer, callback)} on some HC5 client. */
  interface Hc5Submit {
    void submit(org.apache.hc.core5.http.nio.AsyncRequestProducer producer,
        CountingConsumer consumer, org.apache.hc.core5.concurrent.FutureCallback<Long> callback);
  }

  /** Counts and discards the body; the result is the body size. */
  static final class CountingConsumer
      implements org.apache.hc.core5.http.nio.AsyncResponseConsumer<Long> {
    long bytes;
    org.apache.hc.core5.concurrent.FutureCallback<Long> callback;

    @Override
    public void consumeResponse(org.apache.hc.core5.http.HttpResponse response,
        org.apache.hc.core5.http.EntityDetails entity,
        org.apache.hc.core5.http.protocol.HttpContext context,
        org.apache.hc.core5.concurrent.FutureCallback<Long> cb) {
      if (entity == null) {
        cb.completed(0L);
      } else {
        callback = cb;
      }
    }

    @Override
    public void informationResponse(org.apache.hc.core5.http.HttpResponse response,
        org.apache.hc.core5.http.protocol.HttpContext context) {}

    @Override
    public void failed(Exception cause) {}

    @Override
    public void updateCapacity(org.apache.hc.core5.http.nio.CapacityChannel channel)
        throws java.io.IOException {
      channel.update(Integer.MAX_VALUE);
    }

    @Override
    public void consume(java.nio.ByteBuffer src) {
      bytes += src.remaining();
      src.position(src.limit());
    }

    @Override
    public void streamEnd(List<? extends org.apache.hc.core5.http.Header> trailers) {
      org.apache.hc.core5.concurrent.FutureCallback<Long> cb = callback;
      callback = null;
      if (cb != null) {
        cb.completed(bytes);
      }
    }

    @Override
    public void releaseResources() {}
  }

  private static long[] hc5Loop(List<String> urls, int n, Hc5Submit client) throws Exception {
    Semaphore permits = new Semaphore(n);
    CountDownLatch done = new CountDownLatch(urls.size());
    AtomicLong failures = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    java.util.Map<String, org.apache.hc.core5.http.HttpHost> hosts = new java.util.HashMap<>();
    for (String url : urls) {
      permits.acquire();
      URI uri = URI.create(url);
      org.apache.hc.core5.http.HttpHost host = hosts.computeIfAbsent(
          uri.getScheme() + "://" + uri.getRawAuthority(),
          k -> new org.apache.hc.core5.http.HttpHost(uri.getScheme(), uri.getHost(),
              uri.getPort()));
      org.apache.hc.core5.http.message.BasicHttpRequest request =
          new org.apache.hc.core5.http.message.BasicHttpRequest("GET", host, uri.getRawPath());
      request.addHeader("User-Agent", "Preheat/floor");
      request.addHeader("X-Preheat", "1");
      client.submit(new org.apache.hc.core5.http.nio.support.BasicRequestProducer(request, null),
          new CountingConsumer(), inFlight(permits, done, failures, bytes::addAndGet));
    }
    done.await();
    return new long[] {bytes.get(), failures.get()};
  }

  /**
   * The callback of one asynchronous floor request: hands the result to {@code onResult}, counts a
   * failure or cancel, and always frees the request's permit and counts it down.
   */
  private static <T> org.apache.hc.core5.concurrent.FutureCallback<T> inFlight(Semaphore permits,
      CountDownLatch done, AtomicLong failures, java.util.function.Consumer<T> onResult) {
    return new org.apache.hc.core5.concurrent.FutureCallback<T>() {
      @Override
      public void completed(T result) {
        onResult.accept(result);
        permits.release();
        done.countDown();
      }

      @Override
      public void failed(Exception e) {
        cancelled();
      }

      @Override
      public void cancelled() {
        failures.incrementAndGet();
        permits.release();
        done.countDown();
      }
    };
  }

  private static org.apache.hc.core5.reactor.IOReactorConfig oneReactor() {
    return org.apache.hc.core5.reactor.IOReactorConfig.custom().setIoThreadCount(1)
        .setTcpNoDelay(true).build();
  }

  private static long[] hc5Minimal(List<String> urls, int n) throws Exception {
    org.apache.hc.client5.http.impl.async.MinimalHttpAsyncClient c =
        org.apache.hc.client5.http.impl.async.HttpAsyncClients.createMinimal(
            org.apache.hc.core5.http2.HttpVersionPolicy.FORCE_HTTP_1,
            org.apache.hc.core5.http2.config.H2Config.DEFAULT,
            org.apache.hc.core5.http.config.Http1Config.DEFAULT, oneReactor(),
            org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder.create()
                .setMaxConnTotal(n).setMaxConnPerRoute(n).build());
    c.start();
    try {
      return hc5Loop(urls, n, (p, consumer, cb) -> c.execute(p, consumer, cb));
    } finally {
      c.close(org.apache.hc.core5.io.CloseMode.IMMEDIATE);
    }
  }

  private static long[] hc5Requester(List<String> urls, int n) throws Exception {
    org.apache.hc.core5.http.impl.bootstrap.HttpAsyncRequester r =
        org.apache.hc.core5.http.impl.bootstrap.AsyncRequesterBootstrap.bootstrap()
            .setIOReactorConfig(oneReactor()).setMaxTotal(n).setDefaultMaxPerRoute(n).create();
    r.start();
    org.apache.hc.core5.util.Timeout timeout = org.apache.hc.core5.util.Timeout.ofSeconds(30);
    try {
      return hc5Loop(urls, n, (p, consumer, cb) -> r.execute(p, consumer, timeout, cb));
    } finally {
      r.close(org.apache.hc.core5.io.CloseMode.IMMEDIATE);
    }
  }
}
