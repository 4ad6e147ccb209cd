package dev.preheat.http.internal;

import dev.preheat.spi.WarmScheduler;
import dev.preheat.warm.RetrySettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.jspecify.annotations.Nullable;

/**
 * Sends purge API calls with retries: connection failures, {@code 429} and {@code 5xx} are retried
 * with exponential backoff and full jitter, {@code Retry-After} (seconds or an HTTP date) is
 * honored up to a cap. Bodies are read up to {@link #MAX_BODY} bytes. Never logs requests (they
 * carry credentials).
 */
public final class PurgeCalls {

  /** The most body bytes kept from a purge answer. */
  public static final int MAX_BODY = 64 * 1024;

  private final OkHttpClient client;
  private final WarmScheduler scheduler;
  private final RetrySettings retry;
  private final Duration maxRetryAfter;

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

  /** Calls through {@code client}, waiting on {@code scheduler} between attempts. */
  public PurgeCalls(OkHttpClient client, WarmScheduler scheduler, RetrySettings retry,
      Duration maxRetryAfter) {
    this.client = client;
    this.scheduler = scheduler;
    this.retry = retry;
    this.maxRetryAfter = maxRetryAfter;
  }

  /** Sends {@code request}, retrying as described; the future never fails. */
  public CompletableFuture<Answer> send(Request request) {
    CompletableFuture<Answer> result = new CompletableFuture<>();
    attempt(request, 1, result);
    return result;
  }

  private void attempt(Request request, int attempt, CompletableFuture<Answer> result) {
    Call call;
    try {
      call = client.newCall(request);
    } catch (RuntimeException e) {
      result.complete(new Answer(0, "", e.toString(), attempt - 1));
      return;
    }
    call.enqueue(new Callback() {
      @Override
      public void onFailure(Call c, IOException e) {
        String error = e.getClass().getSimpleName()
            + (e.getMessage() == null ? "" : ": " + e.getMessage());
        next(request, attempt, result, new Answer(0, "", error, attempt), null);
      }

      @Override
      public void onResponse(Call c, Response response) {
        Answer answer;
        Duration retryAfter;
        try (response) {
          answer = new Answer(response.code(), read(response.body()), null, attempt);
          retryAfter = retryAfter(response.header("Retry-After"), scheduler.clock());
        } catch (IOException e) {
          next(request, attempt, result, new Answer(0, "", "reading the answer failed: " + e,
              attempt), null);
          return;
        }
        int s = answer.status();
        if (s == 429 || s == 500 || s == 502 || s == 503 || s == 504) {
          next(request, attempt, result, answer, retryAfter);
        } else {
          result.complete(answer);
        }
      }
    });
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

  private static String read(@Nullable ResponseBody body) throws IOException {
    if (body == null) {
      return "";
    }
    try (InputStream in = body.byteStream()) {
      return new String(in.readNBytes(MAX_BODY), StandardCharsets.UTF_8);
    }
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
