package dev.preheat.warm;

import dev.preheat.spi.Transport;
import dev.preheat.testing.FakeTime;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A scripted in-memory transport: per URL path, a list of replies used in turn (the last one
 * repeats); unscripted paths answer 200. Replies can be delayed on the fake clock, fail with an
 * exception, or hang until cancelled.
 */
class FakeTransport implements Transport {

  /** One scripted reply. */
  record Reply(int status, Map<String, List<String>> headers, long bytes, Duration delay,
      IOException failure, boolean hang) {

    static Reply status(int status, String... headers) {
      Map<String, List<String>> map = new HashMap<>();
      for (int i = 0; i < headers.length; i += 2) {
        map.computeIfAbsent(headers[i], k -> new ArrayList<>()).add(headers[i + 1]);
      }
      return new Reply(status, map, 100, Duration.ZERO, null, false);
    }

    static Reply fail(IOException e) {
      return new Reply(0, Map.of(), 0, Duration.ZERO, e, false);
    }

    static Reply hanging() {
      return new Reply(0, Map.of(), 0, Duration.ZERO, null, true);
    }

    Reply after(Duration d) {
      return new Reply(status, headers, bytes, d, failure, hang);
    }

    Reply bytes(long n) {
      return new Reply(status, headers, n, delay, failure, hang);
    }
  }

  /** A request as the transport saw it. */
  record Sent(Instant at, WarmRequest request) {}

  private final FakeTime time;
  private final Map<String, List<Reply>> script = new HashMap<>();
  private final Map<String, Integer> calls = new HashMap<>();
  private Reply defaultReply = Reply.status(200);
  final List<Sent> sent = new ArrayList<>();
  int inFlight;
  int maxInFlight;

  FakeTransport(FakeTime time) {
    this.time = time;
  }

  FakeTransport on(String path, Reply... replies) {
    script.put(path, List.of(replies));
    return this;
  }

  FakeTransport byDefault(Reply reply) {
    defaultReply = reply;
    return this;
  }

  synchronized List<WarmRequest> requestsFor(String path) {
    return sent.stream().map(Sent::request).filter(r -> r.url().getPath().equals(path)).toList();
  }

  @Override
  public synchronized CompletableFuture<WarmResponse> send(WarmRequest request) {
    sent.add(new Sent(time.clock().instant(), request));
    String path = request.url().getPath();
    List<Reply> replies = script.get(path);
    Reply reply;
    if (replies == null) {
      reply = defaultReply;
    } else {
      int n = calls.merge(path, 1, Integer::sum) - 1;
      reply = replies.get(Math.min(n, replies.size() - 1));
    }
    CompletableFuture<WarmResponse> f = new CompletableFuture<>();
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    boolean[] counted = {true};
    Runnable release = () -> {
      synchronized (this) {
        if (counted[0]) {
          counted[0] = false;
          inFlight--;
        }
      }
    };
    // Cancellation by the engine releases the slot too.
    f.whenComplete((r, e) -> release.run());
    if (reply.hang()) {
      return f;
    }
    Runnable complete = () -> {
      // Released before completing: the engine's callbacks run first and may send at once.
      release.run();
      if (reply.failure() != null) {
        f.completeExceptionally(reply.failure());
      } else {
        f.complete(new WarmResponse(reply.status(), reply.headers(), reply.bytes(),
            reply.delay(), reply.delay(), "http/1.1"));
      }
    };
    if (reply.delay().isZero()) {
      complete.run();
    } else {
      time.schedule(complete, reply.delay());
    }
    return f;
  }

  @Override
  public void close() {}

  static IOException connectRefused() {
    return new ConnectException("Connection refused");
  }
}
