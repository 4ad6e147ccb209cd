package dev.preheat.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.preheat.warm.Warmer;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Real {@link SpringApplication}s with Tomcat on a free port, probed over HTTP like a
 * Kubernetes readiness probe while a warm task is held on a latch.
 */
class ReadinessTest {

  /** A task that blocks until released (or interrupted), recording how it ended. */
  static final class HeldTask implements WarmTask {
    @Override
    public String name() {
      return "held";
    }

    @Override
    public TaskOutcome warm(WarmTaskContext context) throws InterruptedException {
      LATCHES.get().started().countDown();
      try {
        LATCHES.get().release().await();
      } catch (InterruptedException e) {
        LATCHES.get().interrupted().set(true);
        throw e;
      }
      return TaskOutcome.of(1, 0, "released");
    }
  }

  record Latches(CountDownLatch started, CountDownLatch release, AtomicBoolean interrupted) {}

  static final AtomicReference<Latches> LATCHES = new AtomicReference<>();

  @SpringBootApplication
  @RestController
  static class App {
    static final AtomicInteger hello = new AtomicInteger();

    @Bean
    HeldTask held() {
      return new HeldTask();
    }

    /** Client ports of warm requests, in order. */
    static final List<Integer> warmPorts = new CopyOnWriteArrayList<>();

    /** Warm requests seen when the ready event was published. */
    static final AtomicInteger warmAtReady = new AtomicInteger(-1);

    /** Warm requests seen right after the settle, and the readiness the app reported then. */
    static final AtomicInteger warmAfterSettle = new AtomicInteger(-1);
    static final AtomicReference<ReadinessState> readinessAfterSettle = new AtomicReference<>();

    @Bean
    ApplicationListener<ApplicationReadyEvent> countAtReady() {
      return event -> warmAtReady.set(warmPorts.size());
    }

    @Bean
    ApplicationListener<AvailabilityChangeEvent<ReadinessState>> countAfterSettle(
        ApplicationAvailability availability) {
      return ReadySettleTest.rightAfterTheSettle(() -> {
        warmAfterSettle.set(warmPorts.size());
        readinessAfterSettle.set(availability.getReadinessState());
      });
    }

    @GetMapping("/hello")
    String hello(HttpServletRequest request) {
      hello.incrementAndGet();
      if (request.getHeader(Warmer.DEFAULT_WARM_HEADER) != null) {
        warmPorts.add(request.getRemotePort());
      }
      return "hi";
    }
  }

  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final AtomicInteger port = new AtomicInteger(-1);
  private final AtomicReference<ConfigurableApplicationContext> context = new AtomicReference<>();
  private CompletableFuture<ConfigurableApplicationContext> running;

  @AfterEach
  void close() {
    LATCHES.get().release().countDown();
    ConfigurableApplicationContext ctx = context.get();
    if (ctx != null) {
      ctx.close();
    }
  }

  private CompletableFuture<ConfigurableApplicationContext> start(String... properties) {
    LATCHES.set(new Latches(new CountDownLatch(1), new CountDownLatch(1), new AtomicBoolean()));
    SpringApplication app = new SpringApplication(App.class);
    app.addListeners(event -> {
      if (event instanceof WebServerInitializedEvent e) {
        port.set(e.getWebServer().getPort());
      } else if (event instanceof ApplicationPreparedEvent e) {
        context.set(e.getApplicationContext());
      } else if (event instanceof ContextRefreshedEvent e) {
        context.set((ConfigurableApplicationContext) e.getApplicationContext());
      }
    });
    String[] args = new String[properties.length + 4];
    args[0] = "--server.port=0";
    args[1] = "--management.endpoint.health.probes.enabled=true";
    args[2] = "--management.endpoint.health.show-details=always";
    args[3] = "--spring.main.banner-mode=off";
    System.arraycopy(properties, 0, args, 4, properties.length);
    running = CompletableFuture.supplyAsync(() -> app.run(args));
    return running;
  }

  private int status(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.get() + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private String body(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.get() + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  private void awaitWarming() throws InterruptedException {
    assertThat(LATCHES.get().started().await(60, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void jitBatchesRepeatUntilConvergedOrCapped() throws Exception {
    int before = App.hello.get();
    App.warmPorts.clear();
    // room for two batches of 102 requests: the second stops on convergence or on the cap
    start("--preheat.self.enabled=true", "--preheat.hotset.paths=/hello,/hello?x=1",
        "--preheat.self.jit-max-requests=250", "--preheat.self.jit-paced-max=0",
        "--management.endpoints.web.exposure.include=health,preheat");
    awaitWarming();
    LATCHES.get().release().countDown();
    running.get(60, TimeUnit.SECONDS);
    String report = body("/actuator/preheat");
    assertThat(report).contains("2 target(s), 2 warm; JIT: 100 round(s), 204 request(s) in 2 "
        + "batches (compile time per batch ");
    assertThat(report).containsPattern("ms\\), compiler idle after \\d+ ms, "
        + "(converged|cap reached)");
    assertThat(App.hello.get() - before).isGreaterThanOrEqualTo(2 + 204);
    // each batch on connections of its own, closed after it (the first pass's before the
    // first batch): the server's close path runs while warming, not first with real traffic
    // (a closed connection's client port is not reused: the client side holds TIME_WAIT)
    List<Integer> ports = List.copyOf(App.warmPorts);
    assertThat(ports).hasSize(2 + 204);
    Set<Integer> first = new HashSet<>(ports.subList(0, 2));
    Set<Integer> batch1 = new HashSet<>(ports.subList(2, 104));
    Set<Integer> batch2 = new HashSet<>(ports.subList(104, 206));
    assertThat(first).doesNotContainAnyElementsOf(batch1).doesNotContainAnyElementsOf(batch2);
    assertThat(batch1).doesNotContainAnyElementsOf(batch2);
  }

  @Test
  void pacedSweepsAlternateTwoConnectionsClosedAfterEachSweep() throws Exception {
    App.warmPorts.clear();
    // one JIT batch (2 paths x 51 variants), then sequential sweeps for at most 2 s; Tomcat
    // keeps connections open however many requests they carry, so only the client closes them
    start("--preheat.self.enabled=true", "--preheat.hotset.paths=/hello,/hello?x=1",
        "--preheat.self.jit-max-requests=102", "--preheat.self.jit-paced-max=2s",
        "--server.tomcat.max-keep-alive-requests=-1",
        "--management.endpoints.web.exposure.include=health,preheat");
    awaitWarming();
    LATCHES.get().release().countDown();
    running.get(60, TimeUnit.SECONDS);
    String report = body("/actuator/preheat");
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("JIT: 50 round\\(s\\), 102 "
        + "request\\(s\\), compiler idle after \\d+ ms; paced: (\\d+) sweep\\(s\\), (\\d+) "
        + "request\\(s\\) in \\d+ ms \\(compiler ms/request ms per sweep: \\d+/\\d+.*\\), "
        + "(converged|cap reached)").matcher(report);
    assertThat(m.find()).as(report).isTrue();
    int sweeps = Integer.parseInt(m.group(1));
    List<Integer> ports = List.copyOf(App.warmPorts);
    // warming's sweeps; then the settle's (after the ready event)
    assertThat(App.warmAtReady.get()).isEqualTo(104 + Integer.parseInt(m.group(2)));
    List<Integer> paced = ports.subList(104, App.warmAtReady.get());
    // none of the batch's connections
    Set<Integer> batch = new HashSet<>(ports.subList(2, 104));
    assertThat(paced).doesNotContainAnyElementsOf(batch);
    // two connections in turn, one request at a time: consecutive requests never share a
    // connection, and a request comes on the connection of the one before last or a new one
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < paced.size(); i++) {
      int p = paced.get(i);
      if (i > 0) {
        assertThat(p).as("request %d", i).isNotEqualTo(paced.get(i - 1));
      }
      assertThat(i >= 2 && p == paced.get(i - 2) || !seen.contains(p)).as("request %d", i)
          .isTrue();
      seen.add(p);
    }
    // new connections for each sweep: the client closed the last sweep's (the last sweep
    // may end after one request, on one connection)
    assertThat(seen.size()).isBetween(2 * sweeps - 1, 2 * sweeps);
  }

  @Test
  void afterTheReadyEventTheSettleSweepsAgainBeforeReadinessIsRecorded() throws Exception {
    App.warmPorts.clear();
    start("--preheat.self.enabled=true", "--preheat.hotset.paths=/hello,/hello?x=1",
        "--preheat.self.jit-max-requests=102", "--preheat.self.jit-paced-max=1s",
        "--preheat.startup.settle-max=500ms", "--server.tomcat.max-keep-alive-requests=-1");
    awaitWarming();
    LATCHES.get().release().countDown();
    running.get(60, TimeUnit.SECONDS);

    int atReady = App.warmAtReady.get();
    int afterSettle = App.warmAfterSettle.get();
    assertThat(atReady).isGreaterThan(104);
    // the settle's sweep ran between the ready event and the readiness change, while probes
    // still read REFUSING_TRAFFIC, and nothing was sent after it
    assertThat(afterSettle).isGreaterThan(atReady);
    assertThat(App.readinessAfterSettle.get()).isEqualTo(ReadinessState.REFUSING_TRAFFIC);
    assertThat(App.warmPorts).hasSize(afterSettle);
    // on connections of its own, two in turn, closed by the client
    List<Integer> settle = App.warmPorts.subList(atReady, afterSettle);
    assertThat(settle).doesNotContainAnyElementsOf(App.warmPorts.subList(0, atReady));
    assertThat(new HashSet<>(settle)).hasSizeBetween(1, 2 * (settle.size() / 2048 + 1));
  }

  @Test
  void noSweepAfterTheReadyEventWithoutPacedSweeps() throws Exception {
    App.warmPorts.clear();
    start("--preheat.self.enabled=true", "--preheat.hotset.paths=/hello,/hello?x=1",
        "--preheat.self.jit-max-requests=102", "--preheat.self.jit-paced-max=0");
    awaitWarming();
    LATCHES.get().release().countDown();
    running.get(60, TimeUnit.SECONDS);

    assertThat(App.warmAtReady.get()).isEqualTo(104);
    assertThat(App.warmAfterSettle.get()).isEqualTo(104);
  }

  @Test
  void blockingRefusesTrafficWhileWarmingAndAcceptsAfter() throws Exception {
    // a cap of one JIT batch (2 paths x 51 variants)
    start("--preheat.self.enabled=true", "--preheat.hotset.paths=/hello,/hello?x=1",
        "--preheat.self.jit-max-requests=102",
        "--management.endpoints.web.exposure.include=health,preheat,metrics");
    awaitWarming();
    // the port listens (self-warming needs it), but readiness refuses traffic
    assertThat(status("/actuator/health/readiness")).isEqualTo(503);
    // readinessState maps REFUSING_TRAFFIC to OUT_OF_SERVICE
    assertThat(body("/actuator/health/readiness")).contains("OUT_OF_SERVICE");
    assertThat(status("/actuator/health/liveness")).isEqualTo(200);
    assertThat(running).isNotDone();
    LATCHES.get().release().countDown();
    running.get(60, TimeUnit.SECONDS);
    assertThat(status("/actuator/health/readiness")).isEqualTo(200);
    assertThat(body("/actuator/health/readiness")).contains("UP");
    // self-warming requested both hot paths over loopback before readiness, then again in JIT
    // rounds (3000 requests wanted, 2 paths: capped at 50 rounds, plus the default variant)
    assertThat(App.hello.get()).isGreaterThanOrEqualTo(2 + 2 * 51);
    String report = body("/actuator/preheat");
    assertThat(report).contains("\"state\":\"warm\"").contains("\"name\":\"self\"")
        .contains("\"name\":\"held\"")
        .contains("2 target(s), 2 warm; JIT: 50 round(s), 102 request(s)");
    // warm requests are kept out of the app's request metrics: observed under a name of their
    // own (the request-metrics code gets compiled too)
    assertThat(body("/actuator/metrics/preheat.warm.requests?tag=uri:/hello"))
        .contains("\"name\":\"preheat.warm.requests\"");
    // and the app's own timer for them exists before the first user request (so that request
    // does not create it), with the warm timer's tags and a count of 0
    assertThat(body("/actuator/metrics/http.server.requests?tag=uri:/hello&tag=status:200"
        + "&tag=method:GET&tag=outcome:SUCCESS&tag=error:none&tag=exception:none"))
        .contains("{\"statistic\":\"COUNT\",\"value\":0.0}");
    assertThat(status("/hello")).isEqualTo(200);
    assertThat(body("/actuator/metrics/http.server.requests?tag=uri:/hello"))
        .contains("{\"statistic\":\"COUNT\",\"value\":1.0}");
    // Preheat's own meters, from the self-warming run
    assertThat(body("/actuator/metrics/preheat.targets?tag=outcome:warmed"))
        .contains("\"name\":\"preheat.targets\"").contains("\"value\":2.0");
    assertThat(body("/actuator/metrics/preheat.duration")).contains("\"name\":\"preheat.duration\"");
  }

  @Test
  void proceedAtTheDeadlineStartsDegraded() throws Exception {
    start("--preheat.startup.timeout=2s", "--preheat.startup.task-timeout=2s",
        "--preheat.startup.on-timeout=proceed");
    ConfigurableApplicationContext ctx = running.get(60, TimeUnit.SECONDS);
    assertThat(LATCHES.get().interrupted().get()).isTrue();
    assertThat(status("/actuator/health/readiness")).isEqualTo(200);
    PreheatReport report = ctx.getBean(Preheater.class).lastReport();
    assertThat(report.state()).isEqualTo(PreheatReport.State.DEGRADED);
    assertThat(report.tasks()).singleElement().extracting(PreheatReport.Task::status)
        .isEqualTo(PreheatReport.Status.TIMED_OUT);
  }

  @Test
  void failAtTheDeadlineFailsStartup() {
    start("--preheat.startup.timeout=2s", "--preheat.startup.task-timeout=2s",
        "--preheat.startup.on-timeout=fail");
    assertThatThrownBy(() -> running.get(60, TimeUnit.SECONDS))
        .rootCause().hasMessageContaining("did not finish within preheat.startup.timeout=PT2S")
        .hasMessageContaining("timed out: held");
    assertThat(LATCHES.get().interrupted().get()).isTrue();
  }

  @Test
  void backgroundHealthIsOutOfServiceUntilWarm() throws Exception {
    start("--preheat.startup.mode=background",
        "--management.endpoint.health.group.readiness.include=readinessState,preheat");
    running.get(60, TimeUnit.SECONDS);
    awaitWarming();
    assertThat(status("/actuator/health/readiness")).isEqualTo(503);
    assertThat(body("/actuator/health")).contains(
        "\"preheat\":{\"details\":{\"state\":\"warming\"},\"status\":\"OUT_OF_SERVICE\"}");
    LATCHES.get().release().countDown();
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (status("/actuator/health/readiness") != 200 && System.nanoTime() < until) {
      Thread.sleep(50);
    }
    assertThat(status("/actuator/health/readiness")).isEqualTo(200);
    assertThat(body("/actuator/health")).contains("\"preheat\":{\"details\"")
        .contains("\"state\":\"warm\"");
  }

  @Test
  void shutdownMidWarmCancelsAtOnce() throws Exception {
    start("--preheat.startup.timeout=5m", "--preheat.startup.task-timeout=5m");
    awaitWarming();
    long t0 = System.nanoTime();
    context.get().close();
    // the runner returns promptly instead of waiting for the 5-minute deadline
    try {
      running.get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException expected) {
      // SpringApplication may report the closed context; what matters is that it returned
    }
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
    assertThat(LATCHES.get().interrupted().get()).isTrue();
  }

  @Test
  void beforePortWarmsBeforeTheServerListens() throws Exception {
    start("--preheat.startup.mode=before-port",
        "--management.endpoints.web.exposure.include=health,preheat");
    awaitWarming();
    Thread.sleep(300);
    // the web server has not started: no port yet, startup is held in the lifecycle phase
    assertThat(port.get()).isEqualTo(-1);
    assertThat(running).isNotDone();
    LATCHES.get().release().countDown();
    running.get(60, TimeUnit.SECONDS);
    assertThat(port.get()).isPositive();
    assertThat(status("/actuator/health/readiness")).isEqualTo(200);
    assertThat(body("/actuator/preheat")).contains("\"state\":\"warm\"");
  }

  @Test
  void beforePortShutdownMidWarmCancelsAndNeverOpensThePort() throws Exception {
    start("--preheat.startup.mode=before-port", "--preheat.startup.timeout=5m",
        "--preheat.startup.task-timeout=5m");
    awaitWarming();
    assertThat(running).isNotDone();
    long t0 = System.nanoTime();
    // what the JVM's shutdown hook does on SIGTERM: close the context, here while refresh is
    // held in the before-port lifecycle phase
    CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> context.get().close());
    // startup stops promptly (the 5-minute deadline is not waited for) and fails
    assertThatThrownBy(() -> running.get(30, TimeUnit.SECONDS))
        .isInstanceOf(java.util.concurrent.ExecutionException.class);
    closing.get(30, TimeUnit.SECONDS);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
    assertThat(LATCHES.get().interrupted().get()).isTrue();
    // the web server never listened
    assertThat(port.get()).isEqualTo(-1);
    assertThat(context.get().isActive()).isFalse();
  }

  @Test
  void actuatorWriteOperationStartsARewarm() throws Exception {
    start("--management.endpoints.web.exposure.include=health,preheat");
    LATCHES.get().release().countDown();
    ConfigurableApplicationContext ctx = running.get(60, TimeUnit.SECONDS);
    PreheatReport first = ctx.getBean(Preheater.class).lastReport();
    HttpResponse<String> res = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port.get() + "/actuator/preheat"))
        .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.body()).contains("started");
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (ctx.getBean(Preheater.class).lastReport() == first && System.nanoTime() < until) {
      Thread.sleep(50);
    }
    assertThat(ctx.getBean(Preheater.class).lastReport().trigger()).isEqualTo("actuator");
  }
}
