package dev.preheat.spring.internal;

import dev.preheat.spring.WarmTaskContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Loads keys in batches on a few threads, counting what was warmed and what failed. */
final class KeyBatches {

  private static final Logger log = LoggerFactory.getLogger(KeyBatches.class);

  /** Loads one batch; returns how many keys were warmed; throws when the whole batch failed. */
  interface BatchLoader {
    long load(List<Object> batch) throws Exception;
  }

  /** What was loaded: warmed and failed key counts, and the first failure's message. */
  record Counts(long warmed, long failed, String firstFailure) {}

  private KeyBatches() {}

  static Counts run(String name, Iterable<?> keys, int concurrency, int batchSize,
      WarmTaskContext context, BatchLoader loader) throws InterruptedException {
    AtomicInteger threads = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency, r -> {
      Thread t = new Thread(r, "preheat-" + name + "-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    AtomicLong warmed = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    String[] first = {null};
    List<Future<?>> futures = new ArrayList<>();
    try {
      List<Object> batch = new ArrayList<>();
      for (Object key : keys) {
        if (context.isCancelled()) {
          break;
        }
        batch.add(key);
        if (batch.size() == batchSize) {
          futures.add(submit(pool, batch, loader, warmed, failed, first, context));
          batch = new ArrayList<>();
        }
      }
      if (!batch.isEmpty() && !context.isCancelled()) {
        futures.add(submit(pool, batch, loader, warmed, failed, first, context));
      }
      pool.shutdown();
      if (!pool.awaitTermination(Math.max(1, context.remaining().toMillis()),
          TimeUnit.MILLISECONDS)) {
        pool.shutdownNow();
      }
    } finally {
      pool.shutdownNow();
    }
    return new Counts(warmed.get(), failed.get(), first[0]);
  }

  private static Future<?> submit(ExecutorService pool, List<Object> batch, BatchLoader loader,
      AtomicLong warmed, AtomicLong failed, String[] first, WarmTaskContext context) {
    return pool.submit(() -> {
      if (context.isCancelled()) {
        return;
      }
      try {
        long n = loader.load(batch);
        warmed.addAndGet(n);
        failed.addAndGet(batch.size() - n);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        failed.addAndGet(batch.size());
        synchronized (first) {
          if (first[0] == null) {
            first[0] = e.getClass().getSimpleName() + ": " + e.getMessage();
            log.warn("Preheat: loading cache keys failed: {}", first[0], e);
          }
        }
      }
    });
  }
}
