package dev.preheat.http.internal;

import dev.preheat.spi.WarmScheduler;
import dev.preheat.warm.RetrySettings;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.Message;
import org.apache.hc.core5.http.message.BasicHttpRequest;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;
import org.apache.hc.core5.http.nio.entity.AbstractBinAsyncEntityConsumer;
import org.apache.hc.core5.http.nio.entity.AsyncEntityProducers;
import org.apache.hc.core5.http.nio.support.BasicRequestProducer;
import org.apache.hc.core5.http.nio.support.BasicResponseConsumer;
import org.jspecify.annotations.Nullable;

/**
 * Sends purge API calls with retries over Apache HttpClient 5's async client: connection
 * failures, timeouts, {@code 429} and {@code 5xx} are retried with exponential backoff and full
 * jitter, {@code Retry-After} (seconds or an HTTP date) is honored up to a cap. Bodies are read up
 * to {@link #MAX_BODY} bytes; the rest is discarded as it arrives. Each attempt is bounded by one
 * whole-call timeout. Never logs requests (they carry credentials).
 */
public final class PurgeCalls {

  /** The most body bytes kept from a purge answer. */
  public static final int MAX_BODY = 64 * 1024;

  private final CloseableHttpAsyncClient client;
  private final WarmScheduler scheduler;
  private final RetrySettings retry;
  private final Duration maxRetryAfter;
  private final Duration timeout;

  /**
   * One purge request, client-neutral and immutable: method, absolute URL, headers in order and
   * an optional body. Header values are checked as they are added (printable ASCII or tab), so a
   * value cannot smuggle in another header.
   *
   * @param method the HTTP method
   * @param uri the absolute target URL, sent with its raw path and query as given
   * @param headers names and values, alternating
   * @param body the body, or null for none
   * @param contentType the body's {@code Content-Type}, or null for none
   */
  public record Request(String method, URI uri, List<String> headers, byte @Nullable [] body,
      @Nullable String contentType) {

    /** Copies the header list. */
    public Request {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(uri, "uri");
      headers = List.copyOf(headers);
    }

    /** A request of {@code method} to {@code uri}, without headers or body. */
    public static Request of(String method, URI uri) {
      return new Request(method, uri, List.of(), null, null);
    }

    /**
     * This request with one more header.
     *
     * @throws IllegalArgumentException if the name is not a token or the value holds a character
     *     other than printable ASCII or tab (the message never shows the value: it may be a
     *     credential)
     */
    public Request header(String name, String value) {
      if (name.isEmpty() || !name.chars().allMatch(c -> c > 32 && c < 127)) {
        throw new IllegalArgumentException("'" + name + "' is not a valid header name");
      }
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (c != '\t' && (c < 0x20 || c > 0x7e)) {
          throw new IllegalArgumentException(String.format(
              "Unexpected char 0x%02x at %d in %s value", (int) c, i, name));
        }
      }
      List<String> h = new ArrayList<>(headers);
      h.add(name);
      h.add(value);
      return new Request(method, uri, h, body, contentType);
    }

    /** This request with {@code body} of {@code contentType} (null: no {@code Content-Type}). */
    public Request body(byte[] body, @Nullable String contentType) {
      return new Request(method, uri, headers, body.clone(), contentType);
    }

    /** This request with a UTF-8 JSON body ({@code application/json; charset=utf-8}). */
    public Request json(String json) {
      return body(json.getBytes(StandardCharsets.UTF_8), "application/json; charset=utf-8");
    }

    /** The first value of header {@code name} (ignoring case), or null. */
    public @Nullable String header(String name) {
      for (int i = 0; i < headers.size(); i += 2) {
        if (headers.get(i).equalsIgnoreCase(name)) {
          return headers.get(i + 1);
        }
      }
      return null;
    }

    /** Method and URL only: headers may carry credentials. */
    @Override
    public String toString() {
      return method + " " + uri;
    }
  }

  /**
   * The answer to a call after retries.
   *
   * @param status the last HTTP status, or 0 when no response arrived
   * @param body the last body (truncated to {@link #MAX_BODY}), empty when none
   * @param error the last failure when no response arrived, else null
   * @param attempts requests sent
   */
  public record Answer(int status, String body, @Nullable String error, int attempts) {

    /** Whether a 2xx response arrived. */
    public boolean ok() {
      return status >= 200 && status <= 299;
    }

    /** A short description for reports: the status (or failure) and the attempts. */
    public String describe() {
      String what = status == 0 ? String.valueOf(error) : "HTTP " + status;
      return what + (attempts > 1 ? " after " + attempts + " attempts" : "");
    }
  }

  /**
   * Calls through {@code client} (started on the first call), each attempt bounded by {@code
   * timeout}, waiting on {@code scheduler} between attempts.
   */
  public PurgeCalls(CloseableHttpAsyncClient client, WarmScheduler scheduler, RetrySettings retry,
      Duration maxRetryAfter, Duration timeout) {
    this.client = client;
    this.scheduler = scheduler;
    this.retry = retry;
    this.maxRetryAfter = maxRetryAfter;
    this.timeout = timeout;
  }

  /** Sends {@code request}, retrying as described; the future never fails. */
  public CompletableFuture<Answer> send(Request request) {
    CompletableFuture<Answer> result = new CompletableFuture<>();
    attempt(request, 1, result);
    return result;
  }

  private void attempt(Request request, int attempt, CompletableFuture<Answer> result) {
    CompletableFuture<Message<HttpResponse, byte[]>> exchange = new CompletableFuture<>();
    Future<Message<HttpResponse, byte[]>> call;
    try {
      client.start();
      BasicHttpRequest r = new BasicHttpRequest(request.method(), request.uri());
      List<String> h = request.headers();
      for (int i = 0; i < h.size(); i += 2) {
        r.addHeader(h.get(i), h.get(i + 1));
      }
      byte[] body = request.body();
      AsyncEntityProducer entity = body == null ? null : AsyncEntityProducers.create(body,
          request.contentType() == null ? null : ContentType.parse(request.contentType()));
      call = client.execute(new BasicRequestProducer(r, entity),
          new BasicResponseConsumer<>(new CappedBody()), new FutureCallback<>() {
            @Override
            public void completed(Message<HttpResponse, byte[]> message) {
              exchange.complete(message);
            }

            @Override
            public void failed(Exception e) {
              exchange.completeExceptionally(e);
            }

            @Override
            public void cancelled() {
              exchange.completeExceptionally(new InterruptedIOException("timeout"));
            }
          });
    } catch (RuntimeException e) {
      result.complete(new Answer(0, "", e.toString(), attempt - 1));
      return;
    }
    exchange.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS).whenComplete((message, e) -> {
      if (e != null) {
        if (e instanceof TimeoutException) {
          call.cancel(true);
          e = new InterruptedIOException("timeout");
        }
        String error = e.getClass().getSimpleName()
            + (e.getMessage() == null ? "" : ": " + e.getMessage());
        next(request, attempt, result, new Answer(0, "", error, attempt), null);
        return;
      }
      HttpResponse response = message.getHead();
      byte[] bytes = message.getBody();
      Header retryAfterHeader = response.getFirstHeader("Retry-After");
      Header encoding = response.getFirstHeader("Content-Encoding");
      if (bytes != null && encoding != null && "gzip".equalsIgnoreCase(encoding.getValue())) {
        bytes = gunzip(bytes);
      }
      Answer answer = new Answer(response.getCode(),
          bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8), null, attempt);
      Duration retryAfter = retryAfter(retryAfterHeader == null ? null
          : retryAfterHeader.getValue(), scheduler.clock());
      int s = answer.status();
      if (s == 429 || s == 500 || s == 502 || s == 503 || s == 504) {
        next(request, attempt, result, answer, retryAfter);
      } else {
        result.complete(answer);
      }
    });
  }

  /** {@code gz} decoded up to {@link #MAX_BODY} bytes, or as it is when it is not gzip. */
  private static byte[] gunzip(byte[] gz) {
    try (java.util.zip.GZIPInputStream in =
        new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
      return in.readNBytes(MAX_BODY);
    } catch (IOException e) {
      return gz; // cut at MAX_BODY or not gzip after all: the raw bytes still say something
    }
  }

  /** Keeps the first {@link #MAX_BODY} bytes of a body and discards the rest as it arrives. */
  private static final class CappedBody extends AbstractBinAsyncEntityConsumer<byte[]> {
    private final java.io.ByteArrayOutputStream kept = new java.io.ByteArrayOutputStream();

    @Override
    protected void streamStart(@Nullable ContentType contentType) {}

    @Override
    protected byte[] generateContent() {
      return kept.toByteArray();
    }

    @Override
    protected int capacityIncrement() {
      return 64 * 1024;
    }

    @Override
    protected void data(ByteBuffer src, boolean endOfStream) {
      int room = MAX_BODY - kept.size();
      int n = Math.min(room, src.remaining());
      if (n > 0) {
        byte[] chunk = new byte[n];
        src.get(chunk);
        kept.write(chunk, 0, n);
      }
      src.position(src.limit());
    }

    @Override
    public void releaseResources() {}
  }

  private void next(Request request, int attempt, CompletableFuture<Answer> result,
      Answer answer, @Nullable Duration retryAfter) {
    if (attempt >= retry.maxAttempts()) {
      result.complete(answer);
      return;
    }
    int shift = Math.min(30, attempt - 1);
    long base = retry.baseDelay().toNanos();
    long max = retry.maxDelay().toNanos();
    long ceiling = base > (max >> shift) ? max : Math.min(max, base << shift);
    long delay = ThreadLocalRandom.current().nextLong(ceiling + 1);
    if (retryAfter != null) {
      delay = Math.max(delay, Math.min(retryAfter.toNanos(), maxRetryAfter.toNanos()));
    }
    scheduler.schedule(() -> attempt(request, attempt + 1, result), Duration.ofNanos(delay));
  }

  /** {@code Retry-After} as seconds or an HTTP date; null when absent or unreadable. */
  static @Nullable Duration retryAfter(@Nullable String value, java.time.Clock clock) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String v = value.trim();
    try {
      long seconds = Long.parseLong(v);
      return seconds < 0 ? null : Duration.ofSeconds(Math.min(seconds, 86_400));
    } catch (NumberFormatException e) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration d = Duration.between(clock.instant(), at.toInstant());
        return d.isNegative() ? Duration.ZERO : d;
      } catch (RuntimeException bad) {
        return null;
      }
    }
  }

  /** {@code text} cut to {@code max} characters with control characters replaced, for details. */
  public static String snippet(String text, int max) {
    String s = text.replaceAll("\\s+", " ").replaceAll("\\p{Cntrl}", "?").trim();
    return s.length() <= max ? s : s.substring(0, max) + "...";
  }
}
