package dev.preheat.internal.simulate;

import dev.preheat.source.LogReader;
import dev.preheat.source.ReadStats;
import dev.preheat.source.TrafficRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.ObjIntConsumer;

/**
 * Reads several logs at once and merges them by time (a k-way merge): one reader thread per file
 * hands records over in small batches through a bounded queue, and the calling thread always takes
 * the file whose next record is the earliest (ties: the file given first). Each file is read in
 * its own order; a file's own disorder is left to the {@link WindowedReplay}'s reorder buffer.
 * Records without a timestamp are passed on at once. Memory: two batches per file.
 */
public final class LogMerge {

  private static final int RECORDS_IN_FLIGHT = 16_384;

  private LogMerge() {}

  /** A batch of records from one file, or its end (stats) or failure. */
  private static final class Batch {
    final TrafficRecord[] records;
    int size;
    ReadStats stats;
    Throwable error;

    Batch(int capacity) {
      records = new TrafficRecord[capacity];
    }
  }

  /** One file being read. */
  private static final class Source {
    final int index;
    final BlockingQueue<Batch> queue = new ArrayBlockingQueue<>(2);
    Batch batch;
    int pos;

    Source(int index) {
      this.index = index;
    }

    TrafficRecord head() {
      return batch.records[pos];
    }

    long headTime() {
      TrafficRecord r = head();
      return r.hasTimestamp() ? r.epochMillis() : Long.MIN_VALUE;
    }
  }

  /** Thrown through a reader when the merge stops early. */
  private static final class Stopped extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Stopped() {
      super(null, null, false, false);
    }
  }

  /**
   * Reads {@code files} with {@code reader}, passing every record, merged by time, to {@code
   * sink} with the index of its file.
   *
   * @throws IOException if a file cannot be read; the message names it
   */
  public static ReadStats read(LogReader reader, List<Path> files,
      ObjIntConsumer<TrafficRecord> sink) throws IOException {
    int batchSize = Math.max(64, RECORDS_IN_FLIGHT / Math.max(1, files.size()));
    List<Source> sources = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      Source s = new Source(i);
      Path file = files.get(i);
      sources.add(s);
      Thread t = new Thread(() -> produce(reader, file, s.queue, batchSize),
          "preheat-simulate-read-" + i);
      t.setDaemon(true);
      threads.add(t);
    }
    threads.forEach(Thread::start);
    ReadStats stats = ReadStats.empty();
    try {
      PriorityQueue<Source> heads = new PriorityQueue<>((a, b) -> {
        int c = Long.compare(a.headTime(), b.headTime());
        return c != 0 ? c : Integer.compare(a.index, b.index);
      });
      ReadStats[] ends = new ReadStats[files.size()];
      for (Source s : sources) {
        if (advance(s, ends)) {
          heads.add(s);
        }
      }
      while (!heads.isEmpty()) {
        Source s = heads.poll();
        // Take from this file while it stays the earliest.
        Source second = heads.peek();
        do {
          sink.accept(s.head(), s.index);
          s.pos++;
          if (s.pos == s.batch.size && !advance(s, ends)) {
            s = null;
            break;
          }
        } while (second == null || s.headTime() < second.headTime()
            || (s.headTime() == second.headTime() && s.index < second.index));
        if (s != null) {
          heads.add(s);
        }
      }
      for (ReadStats e : ends) {
        stats = stats.merge(e);
      }
      return stats;
    } finally {
      threads.forEach(Thread::interrupt);
    }
  }

  /** Moves to the next non-empty batch; false at the end of the file. */
  private static boolean advance(Source s, ReadStats[] ends) throws IOException {
    while (true) {
      Batch b;
      try {
        b = s.queue.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("simulation interrupted", e);
      }
      if (b.error != null) {
        if (b.error instanceof IOException io) {
          throw io;
        }
        if (b.error instanceof UncheckedIOException io) {
          throw io.getCause();
        }
        if (b.error instanceof RuntimeException re) {
          throw re;
        }
        if (b.error instanceof Error err) {
          throw err;
        }
        throw new IllegalStateException(b.error);
      }
      if (b.stats != null) {
        ends[s.index] = b.stats;
        s.batch = null;
        return false;
      }
      if (b.size > 0) {
        s.batch = b;
        s.pos = 0;
        return true;
      }
    }
  }

  private static void produce(LogReader reader, Path file, BlockingQueue<Batch> queue,
      int batchSize) {
    Batch[] current = {new Batch(batchSize)};
    Batch end = new Batch(0);
    try {
      end.stats = reader.read(List.of(file), r -> {
        Batch b = current[0];
        b.records[b.size++] = r;
        if (b.size == batchSize) {
          put(queue, b);
          current[0] = new Batch(batchSize);
        }
      });
      put(queue, current[0]);
    } catch (Stopped e) {
      return;
    } catch (Throwable e) {
      end.error = e;
    }
    try {
      queue.put(end);
    } catch (InterruptedException e) {
      // The merge stopped; nobody waits for this file any more.
    }
  }

  private static void put(BlockingQueue<Batch> queue, Batch b) {
    try {
      queue.put(b);
    } catch (InterruptedException e) {
      throw new Stopped();
    }
  }
}
