package dev.preheat.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Preheat's settings under {@code preheat.*}. Validated at startup by {@link #validate()}: a bad
 * combination fails the application context with a message naming the property and what to do.
 */
@ConfigurationProperties("preheat")
public class PreheatProperties implements org.springframework.beans.factory.InitializingBean {

  /** Whether Preheat warms anything at all. */
  private boolean enabled = true;

  private final Startup startup = new Startup();
  private final Hotset hotset = new Hotset();
  private final Http http = new Http();
  private final Self self = new Self();
  private final Cache cache = new Cache();
  private final Datasource datasource = new Datasource();
  private final Webhook webhook = new Webhook();
  private final Idle idle = new Idle();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public Startup getStartup() {
    return startup;
  }

  public Hotset getHotset() {
    return hotset;
  }

  public Http getHttp() {
    return http;
  }

  public Self getSelf() {
    return self;
  }

  public Cache getCache() {
    return cache;
  }

  public Datasource getDatasource() {
    return datasource;
  }

  public Webhook getWebhook() {
    return webhook;
  }

  public Idle getIdle() {
    return idle;
  }

  /** When and how startup waits for warming. */
  public static class Startup {
    /** blocking: hold readiness until warm; background: warm after readiness, health 'preheat'
     *  OUT_OF_SERVICE until done; before-port: warm data before the web server listens. */
    private StartupMode mode = StartupMode.BLOCKING;

    /** Global deadline for one warm round, all tasks together. */
    private Duration timeout = Duration.ofSeconds(60);

    /** Deadline of each task, within the global one. */
    private Duration taskTimeout = Duration.ofSeconds(30);

    /** At the deadline: proceed (cancel the rest, report degraded, start anyway) or fail. */
    private OnTimeout onTimeout = OnTimeout.PROCEED;

    /** Order of the blocking ApplicationRunner; late by default so data-seeding runners go first. */
    private int order = org.springframework.core.Ordered.LOWEST_PRECEDENCE - 100;

    /**
     * Mode blocking, after a startup round that warmed something: when Spring Boot publishes
     * readiness ACCEPTING_TRAFFIC, before the app's availability state changes (probes still
     * read REFUSING_TRAFFIC): after self-warming, its paced sweeps over the hot paths again (the
     * ready event's code deoptimizes compiled request code, e.g. Micrometer's meter lookup when
     * Spring Boot adds its {@code application.ready.time} gauge; the sweeps have it compiled
     * again now rather than during the first users' requests), a garbage collection ({@code
     * System.gc()}: the first users do not pay for collecting warming's garbage) and a wait, at
     * most {@code settle-max}, for the JIT compilers to finish what the end of startup queued
     * (its new code pushes hot JDK and Spring methods, e.g. class loading and lambda linkage,
     * over their compile thresholds).
     */
    private boolean settle = true;

    /**
     * The longest wait for the JIT compilers with {@code settle}; the sweeps after the ready event
     * (with their own waits) take at most as long again.
     */
    private Duration settleMax = Duration.ofSeconds(1);

    public boolean isSettle() {
      return settle;
    }

    public void setSettle(boolean settle) {
      this.settle = settle;
    }

    public Duration getSettleMax() {
      return settleMax;
    }

    public void setSettleMax(Duration settleMax) {
      this.settleMax = settleMax;
    }

    public StartupMode getMode() {
      return mode;
    }

    public void setMode(StartupMode mode) {
      this.mode = mode;
    }

    public Duration getTimeout() {
      return timeout;
    }

    public void setTimeout(Duration timeout) {
      this.timeout = timeout;
    }

    public Duration getTaskTimeout() {
      return taskTimeout;
    }

    public void setTaskTimeout(Duration taskTimeout) {
      this.taskTimeout = taskTimeout;
    }

    public OnTimeout getOnTimeout() {
      return onTimeout;
    }

    public void setOnTimeout(OnTimeout onTimeout) {
      this.onTimeout = onTimeout;
    }

    public int getOrder() {
      return order;
    }

    public void setOrder(int order) {
      this.order = order;
    }
  }

  /** Which URLs/paths are hot: mined from access logs, blended with explicit paths. */
  public static class Hotset {
    /** Access logs to mine (file paths or classpath: locations), read when warming starts. */
    private List<String> logs = new ArrayList<>();

    /** Log format: combined, common, cloudfront, jsonl, counts or nginx:'<log_format>'. */
    private String format = "combined";

    /** Share of logged demand to cover (0..1]. */
    private double coverage = 0.8;

    /** At most this many URLs from the logs. */
    private @Nullable Integer top;

    /** Paths or URLs to warm in any case, ahead of the mined ones. */
    private List<String> paths = new ArrayList<>();

    public List<String> getLogs() {
      return logs;
    }

    public void setLogs(List<String> logs) {
      this.logs = logs;
    }

    public String getFormat() {
      return format;
    }

    public void setFormat(String format) {
      this.format = format;
    }

    public double getCoverage() {
      return coverage;
    }

    public void setCoverage(double coverage) {
      this.coverage = coverage;
    }

    public @Nullable Integer getTop() {
      return top;
    }

    public void setTop(@Nullable Integer top) {
      this.top = top;
    }

    public List<String> getPaths() {
      return paths;
    }

    public void setPaths(List<String> paths) {
      this.paths = paths;
    }

    boolean isEmpty() {
      return logs.isEmpty() && paths.isEmpty();
    }
  }

  /** Warming a CDN or reverse proxy in front of the app with the hotset. */
  public static class Http {
    /** The site to warm, e.g. https://www.example.com; unset = no CDN warming. */
    private @Nullable String baseUrl;

    /** Connect to HOST:PORT for the base URL's host (one PoP or shield); Host/SNI unchanged. */
    private @Nullable String connectTo;

    /** Request header variants, e.g. 'Accept-Encoding: br'; same header = alternatives. */
    private List<String> variants = new ArrayList<>();

    /** Requests per second, retries included. */
    private double rate = 50;

    /** Most requests in flight at once. */
    private int concurrency = 8;

    /** Request budget (retries included); unset = none. */
    private @Nullable Long maxRequests;

    /** Body byte budget; unset = none. */
    private @Nullable DataSize maxBytes;

    public @Nullable String getBaseUrl() {
      return baseUrl;
    }

    public void setBaseUrl(@Nullable String baseUrl) {
      this.baseUrl = baseUrl;
    }

    public @Nullable String getConnectTo() {
      return connectTo;
    }

    public void setConnectTo(@Nullable String connectTo) {
      this.connectTo = connectTo;
    }

    public List<String> getVariants() {
      return variants;
    }

    public void setVariants(List<String> variants) {
      this.variants = variants;
    }

    public double getRate() {
      return rate;
    }

    public void setRate(double rate) {
      this.rate = rate;
    }

    public int getConcurrency() {
      return concurrency;
    }

    public void setConcurrency(int concurrency) {
      this.concurrency = concurrency;
    }

    public @Nullable Long getMaxRequests() {
      return maxRequests;
    }

    public void setMaxRequests(@Nullable Long maxRequests) {
      this.maxRequests = maxRequests;
    }

    public @Nullable DataSize getMaxBytes() {
      return maxBytes;
    }

    public void setMaxBytes(@Nullable DataSize maxBytes) {
      this.maxBytes = maxBytes;
    }
  }

  /** Warming the app's own hot endpoints over loopback HTTP on its bound port. */
  public static class Self {
    /** Whether to request the hotset's paths from this app (JIT, view and data caches). */
    private boolean enabled = false;

    /** Requests in flight at once against the app itself. */
    private int concurrency = 4;

    /**
     * After the first pass has filled the caches, about this many more requests are sent to the
     * hot paths (each path the same number of times; served from the now warm caches, so cheap)
     * so the JIT compiles the request path before the first user arrives. 0 turns it off.
     */
    private int jitRequests = 3000;

    /**
     * The cap on JIT requests: batches of about {@code jit-requests} repeat, each followed by a
     * wait for the JIT compilers to go idle, until a batch makes the JIT compile little (at most
     * a third of the first batch's compile time, or no less than the batch before), this many
     * requests were sent, or the deadline comes; at most 8 batches. Below 2 x {@code
     * jit-requests}: one batch.
     */
    private long jitMaxRequests = 20_000;

    /**
     * After the JIT batches: the hot paths again, one request at a time, in turn on two
     * connections (closed after each sweep), in sweeps of 2048 requests (HotSpot's policy looks
     * at a method in profiling code once per 1024 or 2048 invocations), each followed by a wait
     * for the JIT compilers, until a sweep makes them compile at most a tenth of its time, or
     * this long in all. What the batches left pending (request-path methods past their C2 threshold,
     * declined while the compile queue was long) is then compiled before readiness instead of
     * during the first users' requests. Costs up to this much more warming; 0 turns it off.
     */
    private Duration jitPacedMax = Duration.ofSeconds(15);

    /**
     * Whether warming registers, before readiness, the request timers (e.g. {@code
     * http.server.requests}, count 0) for each tag combination its warm requests had (they are
     * recorded under {@code preheat.warm.requests}, so the app's own request metrics stay free
     * of them). Without it the first user request to each endpoint (per status and outcome)
     * creates its meter, which costs some tenths of a millisecond in code that never gets hot.
     * Only without Micrometer Tracing (with it, warm requests are not observed at all).
     */
    private boolean requestMeters = true;

    public boolean isRequestMeters() {
      return requestMeters;
    }

    public void setRequestMeters(boolean requestMeters) {
      this.requestMeters = requestMeters;
    }

    public Duration getJitPacedMax() {
      return jitPacedMax;
    }

    public void setJitPacedMax(Duration jitPacedMax) {
      this.jitPacedMax = jitPacedMax;
    }

    public long getJitMaxRequests() {
      return jitMaxRequests;
    }

    public void setJitMaxRequests(long jitMaxRequests) {
      this.jitMaxRequests = jitMaxRequests;
    }

    public int getJitRequests() {
      return jitRequests;
    }

    public void setJitRequests(int jitRequests) {
      this.jitRequests = jitRequests;
    }

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public int getConcurrency() {
      return concurrency;
    }

    public void setConcurrency(int concurrency) {
      this.concurrency = concurrency;
    }
  }

  /** Spring Cache warming with CacheWarmer beans and @WarmCache methods. */
  public static class Cache {
    /** Whether CacheWarmer beans and @WarmCache methods are warmed. */
    private boolean enabled = true;

    /** Keys loaded in parallel. */
    private int concurrency = 4;

    /** Keys per bulk load (Caffeine getAll). */
    private int batchSize = 100;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public int getConcurrency() {
      return concurrency;
    }

    public void setConcurrency(int concurrency) {
      this.concurrency = concurrency;
    }

    public int getBatchSize() {
      return batchSize;
    }

    public void setBatchSize(int batchSize) {
      this.batchSize = batchSize;
    }
  }

  /** Opening a DataSource's minimum idle connections before traffic. */
  public static class Datasource {
    /** Whether DataSource pools are filled before traffic. */
    private boolean enabled = true;

    /** Connections to open when the pool does not say its minimum idle (Hikari does). */
    private int connections = 1;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public int getConnections() {
      return connections;
    }

    public void setConnections(int connections) {
      this.connections = connections;
    }
  }

  /** The signed webhook that triggers a re-warm (opt-in). */
  public static class Webhook {
    /** Whether POST {path} is accepted. */
    private boolean enabled = false;

    /** The path of the webhook. */
    private String path = "/preheat/webhook";

    /** The shared HMAC-SHA256 secret (at least 32 characters). */
    private @Nullable String secret;

    /** How far the signed timestamp may be from now; also how long signatures are remembered. */
    private Duration tolerance = Duration.ofMinutes(5);

    /** The largest body accepted. */
    private DataSize maxBody = DataSize.ofKilobytes(64);

    /** Accepted webhooks per minute (per instance, or for all instances with redis-uri). */
    private int ratePerMinute = 30;

    /**
     * A Redis (Lettuce URI, e.g. redis://cache:6379/0) whose token bucket every instance shares,
     * so rate-per-minute holds cluster-wide; needs preheat-redis on the classpath. Connected on
     * the first webhook. Unset: the limit is per instance.
     */
    private @Nullable String redisUri;

    public @Nullable String getRedisUri() {
      return redisUri;
    }

    public void setRedisUri(@Nullable String redisUri) {
      this.redisUri = redisUri;
    }

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getPath() {
      return path;
    }

    public void setPath(String path) {
      this.path = path;
    }

    public @Nullable String getSecret() {
      return secret;
    }

    public void setSecret(@Nullable String secret) {
      this.secret = secret;
    }

    public Duration getTolerance() {
      return tolerance;
    }

    public void setTolerance(Duration tolerance) {
      this.tolerance = tolerance;
    }

    public DataSize getMaxBody() {
      return maxBody;
    }

    public void setMaxBody(DataSize maxBody) {
      this.maxBody = maxBody;
    }

    public int getRatePerMinute() {
      return ratePerMinute;
    }

    public void setRatePerMinute(int ratePerMinute) {
      this.ratePerMinute = ratePerMinute;
    }
  }

  /** Re-warming after idleness (opt-in). */
  public static class Idle {
    /** Whether a request after an idle gap triggers a background re-warm. */
    private boolean enabled = false;

    /** The idle gap after which the next request triggers a re-warm. */
    private Duration ttl = Duration.ofMinutes(10);

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public Duration getTtl() {
      return ttl;
    }

    public void setTtl(Duration ttl) {
      this.ttl = ttl;
    }
  }

  /** Validates once bound, so a bad setting fails startup before anything runs. */
  @Override
  public void afterPropertiesSet() {
    validate();
  }

  /**
   * Checks the settings together.
   *
   * @throws IllegalStateException naming the property, the value and what to do
   */
  public void validate() {
    positive("preheat.startup.timeout", startup.timeout);
    positive("preheat.startup.task-timeout", startup.taskTimeout);
    if (startup.taskTimeout.compareTo(startup.timeout) > 0) {
      throw new IllegalStateException("preheat.startup.task-timeout (" + startup.taskTimeout
          + ") is longer than preheat.startup.timeout (" + startup.timeout + "): a task can never "
          + "use it; shorten the task timeout or lengthen the global one");
    }
    if (!(hotset.coverage > 0 && hotset.coverage <= 1)) {
      throw new IllegalStateException("preheat.hotset.coverage must be in (0, 1] but was "
          + hotset.coverage);
    }
    if (hotset.top != null && hotset.top < 1) {
      throw new IllegalStateException("preheat.hotset.top must be at least 1 but was "
          + hotset.top);
    }
    if (http.baseUrl != null) {
      dev.preheat.spring.internal.Urls.requireBaseUrl("preheat.http.base-url", http.baseUrl);
      if (hotset.isEmpty()) {
        throw new IllegalStateException("preheat.http.base-url is set but there is nothing to "
            + "warm: set preheat.hotset.logs (access logs) and/or preheat.hotset.paths");
      }
    }
    if (http.connectTo != null && http.baseUrl == null) {
      throw new IllegalStateException("preheat.http.connect-to is set without "
          + "preheat.http.base-url: set the site to warm, or remove connect-to");
    }
    if (http.connectTo != null) {
      dev.preheat.spring.internal.Urls.requireHostPort("preheat.http.connect-to", http.connectTo);
    }
    if (!(http.rate > 0)) {
      throw new IllegalStateException("preheat.http.rate must be > 0 requests/s but was "
          + http.rate);
    }
    atLeastOne("preheat.http.concurrency", http.concurrency);
    atLeastOne("preheat.self.concurrency", self.concurrency);
    if (self.jitRequests < 0) {
      throw new IllegalStateException("preheat.self.jit-requests must be 0 (off) or more but was "
          + self.jitRequests);
    }
    if (self.jitMaxRequests < 0) {
      throw new IllegalStateException("preheat.self.jit-max-requests must be 0 or more but was "
          + self.jitMaxRequests);
    }
    atLeastOne("preheat.cache.concurrency", cache.concurrency);
    atLeastOne("preheat.cache.batch-size", cache.batchSize);
    atLeastOne("preheat.datasource.connections", datasource.connections);
    for (String p : hotset.paths) {
      dev.preheat.spring.internal.Urls.requirePathOrUrl("preheat.hotset.paths", p);
    }
    if (self.enabled) {
      if (startup.mode == StartupMode.BEFORE_PORT) {
        throw new IllegalStateException("preheat.self.enabled=true needs the web server, but "
            + "preheat.startup.mode=before-port warms before the server listens: use blocking "
            + "(readiness held until warm) or turn self-warming off");
      }
      if (hotset.isEmpty()) {
        throw new IllegalStateException("preheat.self.enabled=true but there is nothing to warm: "
            + "set preheat.hotset.logs and/or preheat.hotset.paths");
      }
    }
    if (webhook.enabled) {
      if (webhook.secret == null || webhook.secret.isBlank()) {
        throw new IllegalStateException("preheat.webhook.enabled=true but preheat.webhook.secret "
            + "is not set: set a random secret of at least 32 characters (e.g. openssl rand "
            + "-hex 32) shared with the sender");
      }
      if (webhook.secret.length() < 32) {
        throw new IllegalStateException("preheat.webhook.secret is too short (" 
            + webhook.secret.length() + " characters): use at least 32 random characters");
      }
      if (!webhook.path.startsWith("/")) {
        throw new IllegalStateException("preheat.webhook.path must start with / but was '"
            + webhook.path + "'");
      }
      positive("preheat.webhook.tolerance", webhook.tolerance);
      if (webhook.redisUri != null && !webhook.redisUri.isBlank()
          && !org.springframework.util.ClassUtils.isPresent("dev.preheat.redis.RedisRateLimiter",
              PreheatProperties.class.getClassLoader())) {
        throw new IllegalStateException("preheat.webhook.redis-uri is set but preheat-redis is "
            + "not on the classpath: add the dev.preheat:preheat-redis dependency, or remove "
            + "redis-uri to limit per instance");
      }
      if (webhook.redisUri != null && !webhook.redisUri.isBlank()) {
        dev.preheat.spring.internal.RedisWebhookRate.validate(webhook.redisUri);
      }
      atLeastOne("preheat.webhook.rate-per-minute", webhook.ratePerMinute);
      if (webhook.maxBody.toBytes() < 1) {
        throw new IllegalStateException("preheat.webhook.max-body must be positive");
      }
    }
    if (idle.enabled) {
      positive("preheat.idle.ttl", idle.ttl);
    }
  }

  private static void positive(String name, Duration d) {
    if (d == null || d.isZero() || d.isNegative()) {
      throw new IllegalStateException(name + " must be a positive duration (e.g. 30s) but was "
          + d);
    }
  }

  private static void atLeastOne(String name, int value) {
    if (value < 1) {
      throw new IllegalStateException(name + " must be at least 1 but was " + value);
    }
  }
}
