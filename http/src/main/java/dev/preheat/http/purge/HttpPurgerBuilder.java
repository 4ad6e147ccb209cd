package dev.preheat.http.purge;

import dev.preheat.http.internal.PurgeCalls;
import dev.preheat.spi.WarmScheduler;
import dev.preheat.warm.RetrySettings;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * The settings every HTTP purger shares: the HTTP client, retries and the scheduler that times
 * them. Each setting may be given once.
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

  private @Nullable OkHttpClient client;
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
   * The OkHttp client to call with (default: a new one owned and closed by the purger). A given
   * client is not closed by the purger; its timeouts are replaced by {@link #timeout}.
   */
  public B client(OkHttpClient client) {
    once(this.client != null, "client", this.client);
    this.client = Objects.requireNonNull(client, "client");
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
    boolean owned = client == null;
    OkHttpClient base = owned ? new OkHttpClient() : client;
    OkHttpClient c = base.newBuilder()
        .callTimeout(t.toMillis(), TimeUnit.MILLISECONDS)
        .followRedirects(false)
        .retryOnConnectionFailure(false)
        .build();
    PurgeCalls calls = new PurgeCalls(c, scheduler == null ? WarmScheduler.system() : scheduler,
        retry == null ? DEFAULT_RETRY : retry,
        maxRetryAfter == null ? DEFAULT_MAX_RETRY_AFTER : maxRetryAfter);
    return new Http(c, calls, owned);
  }

  /** An HTTP client with its retrying caller. */
  static final class Http {
    final OkHttpClient client;
    final PurgeCalls calls;
    private final boolean owned;

    Http(OkHttpClient client, PurgeCalls calls, boolean owned) {
      this.client = client;
      this.calls = calls;
      this.owned = owned;
    }

    void close() {
      if (owned) {
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
      }
    }
  }
}
