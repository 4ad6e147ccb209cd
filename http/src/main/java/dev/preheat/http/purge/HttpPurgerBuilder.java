package dev.preheat.http.purge;

import dev.preheat.http.internal.LazyTlsStrategy;
import dev.preheat.http.internal.PurgeCalls;
import dev.preheat.spi.WarmScheduler;
import dev.preheat.warm.RetrySettings;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.client5.http.ssl.DefaultHostnameVerifier;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.ssl.SSLContexts;
import org.apache.hc.core5.util.Timeout;
import org.jspecify.annotations.Nullable;

/**
 * The settings every HTTP purger shares: TLS, the call timeout, retries and the scheduler that
 * times them. Each setting may be given once. Purgers call over Apache HttpClient 5 (its async
 * client, one I/O thread started on the first purge); no redirects are followed, no cookies kept,
 * proxies come from the JVM's default {@code ProxySelector} and the default trust from its
 * {@code javax.net.ssl} system properties.
 *
 * @param <B> the concrete builder
 */
public abstract class HttpPurgerBuilder<B extends HttpPurgerBuilder<B>> {

  /** Default retries: 4 attempts, backoff from 500 ms up to 30 s. */
  public static final RetrySettings DEFAULT_RETRY =
      new RetrySettings(4, Duration.ofMillis(500), Duration.ofSeconds(30));
  /** Default cap on a {@code Retry-After} wait: 2 minutes. */
  public static final Duration DEFAULT_MAX_RETRY_AFTER = Duration.ofMinutes(2);
  /** Default timeout of one call: 30 s. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private @Nullable SSLContext sslContext;
  private @Nullable WarmScheduler scheduler;
  private @Nullable RetrySettings retry;
  private @Nullable Duration maxRetryAfter;
  private @Nullable Duration timeout;

  HttpPurgerBuilder() {}

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }

  static void once(boolean set, String name, @Nullable Object was) {
    if (set) {
      throw new IllegalStateException(name + " was already set to " + was);
    }
  }

  /**
   * The TLS context of {@code https} purge endpoints, e.g. one trusting an internal CA (default:
   * the JVM's default trust). Host names are verified either way.
   */
  public B sslContext(SSLContext sslContext) {
    once(this.sslContext != null, "sslContext", this.sslContext);
    this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
    return self();
  }

  /** The scheduler timing retries (default {@link WarmScheduler#system()}). */
  public B scheduler(WarmScheduler scheduler) {
    once(this.scheduler != null, "scheduler", this.scheduler);
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    return self();
  }

  /** How {@code 429}, {@code 5xx} and connection failures are retried (default {@link #DEFAULT_RETRY}). */
  public B retry(RetrySettings retry) {
    once(this.retry != null, "retry", this.retry);
    this.retry = Objects.requireNonNull(retry, "retry");
    return self();
  }

  /**
   * The longest {@code Retry-After} honored (default 2 minutes); longer ones are cut to it.
   *
   * @throws IllegalArgumentException if negative
   */
  public B maxRetryAfter(Duration max) {
    once(this.maxRetryAfter != null, "maxRetryAfter", this.maxRetryAfter);
    if (max.isNegative()) {
      throw new IllegalArgumentException("maxRetryAfter must be >= 0 but was " + max);
    }
    this.maxRetryAfter = max;
    return self();
  }

  /**
   * The timeout of one call, connection to end of body (default 30 s).
   *
   * @throws IllegalArgumentException if not positive
   */
  public B timeout(Duration timeout) {
    once(this.timeout != null, "timeout", this.timeout);
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be > 0 but was " + timeout);
    }
    this.timeout = timeout;
    return self();
  }

  /** The client and the retrying caller for a purger being built. */
  final Http http() {
    Duration t = timeout == null ? DEFAULT_TIMEOUT : timeout;
    Timeout each = Timeout.of(t);
    PoolingAsyncClientConnectionManagerBuilder cm = PoolingAsyncClientConnectionManagerBuilder
        .create()
        .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(each)
            .setSocketTimeout(each).build());
    // Built on the first TLS connection (the system trust store costs ~0.2 s of CPU to load; a
    // Varnish purged over http:// never needs it). Only the trust is configurable: host names
    // are verified by JSSE and by the client's own verifier either way.
    SSLContext custom = sslContext;
    cm.setTlsStrategy(new LazyTlsStrategy(() -> ClientTlsStrategyBuilder.create()
        .setSslContext(custom != null ? custom : SSLContexts.createSystemDefault())
        .setHostVerificationPolicy(HostnameVerificationPolicy.BOTH)
        .setHostnameVerifier(new DefaultHostnameVerifier())
        .buildAsync()));
    CloseableHttpAsyncClient client = HttpAsyncClients.custom().useSystemProperties()
        .setConnectionManager(cm.build())
        .setIOReactorConfig(IOReactorConfig.custom().setIoThreadCount(1).build())
        .disableRedirectHandling()
        .disableAutomaticRetries()
        .disableCookieManagement()
        .disableAuthCaching()
        .build();
    PurgeCalls calls = new PurgeCalls(client,
        scheduler == null ? WarmScheduler.system() : scheduler,
        retry == null ? DEFAULT_RETRY : retry,
        maxRetryAfter == null ? DEFAULT_MAX_RETRY_AFTER : maxRetryAfter, t);
    return new Http(client, calls);
  }

  /** An HTTP client with its retrying caller. */
  static final class Http {
    final CloseableHttpAsyncClient client;
    final PurgeCalls calls;

    Http(CloseableHttpAsyncClient client, PurgeCalls calls) {
      this.client = client;
      this.calls = calls;
    }

    void close() {
      client.close(CloseMode.GRACEFUL);
    }
  }
}
