package dev.preheat.internal.source;

import dev.preheat.key.UrlCanonicalizer;
import dev.preheat.source.TrafficRecord;
import dev.preheat.source.TrafficSink;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.jspecify.annotations.Nullable;

/**
 * Reads access-log files line by line and turns them into records: plain files are split into
 * chunks at newline boundaries and parsed in parallel, gzip files (detected by their magic bytes)
 * are streamed one thread per file. Memory is bounded by the per-worker buffer and caches,
 * whatever the input size. Immutable and thread-safe; each scan uses its own workers.
 */
public final class LogScanner {

  /** Bytes read from a file per call; larger means fewer system calls. */
  static final int READ_BUFFER_BYTES = 1 << 20;

  /** The least read past a chunk's end, enough for the tail of a typical last line. */
  static final int MIN_READ_BYTES = 8 * 1024;

  /**
   * Lines parsed before their targets are looked up together (see {@link Worker#flush}): enough
   * for the memory loads of that many lookups to overlap, few enough to stay in the L1 cache.
   */
  static final int BATCH = 16;

  /** Characters of a malformed line kept as its excerpt. */
  static final int EXCERPT_BYTES = 120;

  /** Bytes scanned at the end of a plain file first when looking for its latest timestamp. */
  static final int TAIL_WINDOW_BYTES = 64 * 1024;

  private static final int GZIP_MAGIC_1 = 0x1f;
  private static final int GZIP_MAGIC_2 = 0x8b;

  private final Supplier<? extends LineParser> parsers;
  private final @Nullable UserAgentFilter filter;
  private final UrlCanonicalizer canonicalizer;
  private final int maxLineLength;
  private final int maxSamples;
  private final long chunkBytes;
  private final int cacheEntries;
  private final long cacheKeyBytes;

  /**
   * Creates a scanner.
   *
   * @param parsers creates one parser per worker
   * @param filter drops lines whose user agent matches, or null to keep all
   * @param canonicalizer turns request targets into canonical URLs
   * @param maxLineLength longer lines are skipped and counted as oversized
   * @param maxSamples how many malformed lines to keep as samples
   * @param chunkBytes plain files are split into chunks of about this size
   * @param cacheEntries the most distinct targets a worker's URL cache holds before it is cleared
   * @param cacheKeyBytes the most target bytes a worker's URL cache holds before it is cleared
   */
  public LogScanner(Supplier<? extends LineParser> parsers, @Nullable UserAgentFilter filter,
      UrlCanonicalizer canonicalizer, int maxLineLength, int maxSamples, long chunkBytes,
      int cacheEntries, long cacheKeyBytes) {
    this.parsers = parsers;
    this.filter = filter;
    this.canonicalizer = canonicalizer;
    this.maxLineLength = maxLineLength;
    this.maxSamples = maxSamples;
    this.chunkBytes = chunkBytes;
    this.cacheEntries = cacheEntries;
    this.cacheKeyBytes = cacheKeyBytes;
  }

  /** One unit of work: a chunk of a plain file, or a whole file. */
  private static final class Task {
    final int file;
    final Path path;
    final long start;
    final long end;
    final long size;
    final boolean gzip;
    @Nullable TaskResult result;

    Task(int file, Path path, long start, long end, long size, boolean gzip) {
      this.file = file;
      this.path = path;
      this.start = start;
      this.end = end;
      this.size = size;
      this.gzip = gzip;
    }
  }

  private static final class TaskResult {
    long lines;
    long records;
    long malformed;
    long oversized;
    long filtered;
    long latest = Long.MIN_VALUE;
    final List<ScanResult.Sample> samples = new ArrayList<>();
  }

  /**
   * Reads {@code files} in order, feeding each worker's records to its sink.
   *
   * @param workers the most worker threads; 1 means the calling thread does all the work
   * @param sinks called in the calling thread once per worker actually used (at least once)
   * @throws IOException if a file is missing, unreadable or fails while read; the message names it
   */
  public ScanResult scan(List<Path> files, int workers, Supplier<? extends TrafficSink> sinks)
      throws IOException {
    List<Task> tasks = plan(files, true);
    int used = Math.min(workers, Math.max(1, tasks.size()));
    if (used <= 1) {
      Worker w = new Worker(sinks.get(), false);
      try {
        for (Task t : tasks) {
          t.result = w.run(t, null);
        }
        w.finish(w.aggregate);
      } finally {
        w.close();
      }
    } else {
      List<TrafficSink> perWorker = new ArrayList<>();
      for (int i = 0; i < used; i++) {
        perWorker.add(Objects.requireNonNull(sinks.get(), "sink supplier returned null"));
      }
      runParallel(tasks, perWorker);
    }
    return combine(files.size(), tasks);
  }

  /**
   * The latest timestamp in {@code files}, or null if no line has one. For plain files of a
   * splittable format only the end of each file is read (growing the window until a timestamp is
   * found); gzip files and other formats are read whole.
   *
   * @throws IOException if a file is missing or unreadable; the message names it
   */
  public @Nullable Long latest(List<Path> files) throws IOException {
    Worker w = new Worker(r -> { }, true);
    try {
      return latest(w, plan(files, false));
    } finally {
      w.close();
    }
  }

  private @Nullable Long latest(Worker w, List<Task> wholeFiles) throws IOException {
    long latest = Long.MIN_VALUE;
    for (Task whole : wholeFiles) {
      long found = Long.MIN_VALUE;
      if (whole.gzip || !w.parser.splittable()) {
        found = w.run(whole, null).latest;
      } else {
        long window = TAIL_WINDOW_BYTES;
        while (true) {
          long start = Math.max(0, whole.size - window);
          Task tail = new Task(whole.file, whole.path, start, whole.size, whole.size, false);
          found = w.run(tail, null).latest;
          if (found != Long.MIN_VALUE || start == 0) {
            break;
          }
          window *= 4;
        }
      }
      latest = Math.max(latest, found);
    }
    return latest == Long.MIN_VALUE ? null : latest;
  }

  private List<Task> plan(List<Path> files, boolean split) throws IOException {
    List<Task> tasks = new ArrayList<>();
    boolean splittable = split && parsers.get().splittable();
    for (int f = 0; f < files.size(); f++) {
      Path path = Objects.requireNonNull(files.get(f), "files must not contain null");
      check(path);
      long size = Files.size(path);
      boolean gzip = isGzip(path);
      if (gzip || !splittable || size <= chunkBytes) {
        tasks.add(new Task(f, path, 0, size, size, gzip));
      } else {
        for (long start = 0; start < size; start += chunkBytes) {
          tasks.add(new Task(f, path, start, Math.min(size, start + chunkBytes), size, false));
        }
      }
    }
    return tasks;
  }

  private static void check(Path path) throws IOException {
    if (!Files.exists(path)) {
      throw new NoSuchFileException(path.toString(), null,
          "access log does not exist (check the path)");
    }
    if (Files.isDirectory(path)) {
      throw new IOException("access log " + path + " is a directory; pass the log files in it");
    }
    if (!Files.isReadable(path)) {
      throw new AccessDeniedException(path.toString(), null,
          "access log is not readable by this process (check its permissions)");
    }
  }

  private static boolean isGzip(Path path) throws IOException {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      ByteBuffer head = ByteBuffer.allocate(2);
      while (head.hasRemaining() && ch.read(head) > 0) {
        // Read until two bytes or end of file.
      }
      return head.position() == 2 && (head.get(0) & 0xff) == GZIP_MAGIC_1
          && (head.get(1) & 0xff) == GZIP_MAGIC_2;
    } catch (IOException e) {
      throw new IOException("cannot open access log " + path + ": " + e.getMessage(), e);
    }
  }

  private void runParallel(List<Task> tasks, List<? extends TrafficSink> sinks) throws IOException {
    // Whole files (gzip) first: they are the longest tasks, chunks then fill the gaps.
    List<Task> order = new ArrayList<>(tasks);
    order.sort((a, b) -> Boolean.compare(b.gzip, a.gzip));
    AtomicInteger next = new AtomicInteger();
    AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    List<Worker> workers = new ArrayList<>();
    for (TrafficSink sink : sinks) {
      workers.add(new Worker(sink, false));
    }
    // When every worker counts per target (the sinks of one tally), the counts are handed over by
    // shard: once all workers are done reading, worker i gives its own sink the URLs of shard i
    // from every worker's cache, so the hand-over runs on all threads at once and each URL ends up
    // in one sink only. Otherwise each worker hands its own counts to its own sink.
    boolean sharded = workers.stream().allMatch(w -> w.aggregate != null && w.windows == workers.get(0).windows);
    int shards = workers.size();
    CountDownLatch reading = new CountDownLatch(shards);
    int[][] perShard = new int[shards][];
    for (int i = 0; i < shards; i++) {
      Worker w = workers.get(i);
      int shard = i;
      Thread t = new Thread(() -> {
        boolean done = false;
        try {
          int k;
          while (failure.get() == null && (k = next.getAndIncrement()) < order.size()) {
            Task task = order.get(k);
            task.result = w.run(task, failure);
          }
          if (sharded) {
            perShard[shard] = w.cache.assignShards(shards);
            reading.countDown();
            done = true;
            reading.await();
            if (failure.get() == null) {
              // Safe to read the other workers' caches: they wrote them before counting down.
              int expected = 0;
              for (int[] counts : perShard) {
                expected += counts[shard];
              }
              Objects.requireNonNull(w.aggregate).expect(expected, shards);
              for (Worker from : workers) {
                from.cache.drainShard(shard, w);
              }
            }
          } else if (failure.get() == null) {
            w.finish(w.aggregate);
          }
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        } finally {
          if (!done) {
            reading.countDown();
          }
          try {
            w.close();
          } catch (IOException e) {
            failure.compareAndSet(null, e);
          }
        }
      }, "preheat-log-reader-" + i);
      t.setDaemon(true);
      threads.add(t);
    }
    for (Thread t : threads) {
      t.start();
    }
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        failure.compareAndSet(null, e);
        for (Thread other : threads) {
          other.interrupt();
        }
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while reading access logs");
      }
    }
    if (sharded && failure.get() == null
        && workers.stream().allMatch(w -> w.cache.clears() == 0)) {
      // No cache was drained while reading (into its own worker's sink, whatever the shard), so
      // the sinks hold disjoint sets of URLs.
      for (Worker w : workers) {
        Objects.requireNonNull(w.aggregate).disjoint();
      }
    }
    Throwable e = failure.get();
    if (e instanceof IOException) {
      throw (IOException) e;
    } else if (e instanceof RuntimeException) {
      throw (RuntimeException) e;
    } else if (e instanceof Error) {
      throw (Error) e;
    } else if (e != null) {
      throw new IllegalStateException(e);
    }
  }

  private ScanResult combine(int fileCount, List<Task> tasks) {
    long lines = 0;
    long records = 0;
    long malformed = 0;
    long oversized = 0;
    long filtered = 0;
    long bytes = 0;
    List<ScanResult.Sample> samples = new ArrayList<>();
    int file = -1;
    long lineOffset = 0;
    for (Task t : tasks) {
      TaskResult r = Objects.requireNonNull(t.result);
      if (t.file != file) {
        file = t.file;
        lineOffset = 0;
      }
      for (ScanResult.Sample s : r.samples) {
        if (samples.size() < maxSamples) {
          samples.add(new ScanResult.Sample(s.source(), lineOffset + s.line(), s.reason(), s.excerpt()));
        }
      }
      lineOffset += r.lines;
      lines += r.lines;
      records += r.records;
      malformed += r.malformed;
      oversized += r.oversized;
      filtered += r.filtered;
      bytes += t.end - t.start;
    }
    return new ScanResult(fileCount, lines, records, malformed, oversized, filtered, bytes,
        List.copyOf(samples));
  }

  /** Where a task's bytes come from. */
  private interface Input {
    int read(byte[] b, int off, int len) throws IOException;
  }

  /**
   * One worker's parser, caches and buffer; used by one thread. When its sink is an
   * {@link AggregateSink}, lines of count 1 are counted in the target cache (one lookup per line)
   * and the sums reach the sink when the cache fills and when the worker {@link #finish}es.
   */
  private final class Worker implements TargetCache.Drain {
    final LineParser parser = parsers.get();
    final ParsedLine line = new ParsedLine();
    final @Nullable AggregateSink aggregate;
    /** Where drained sums go: {@link #aggregate} until {@link #finish}. */
    @Nullable AggregateSink drainTo;
    final int windows;
    final TargetCache cache;
    final UserAgentFilter.@Nullable Memo agents = filter == null ? null : filter.newMemo();
    final byte[] buf = new byte[Math.max(READ_BUFFER_BYTES, maxLineLength + 2)];
    final TrafficSink sink;
    final boolean timestampsOnly;
    TaskResult result = new TaskResult();
    String source = "";
    boolean firstChunk;
    @Nullable FileChannel channel;
    @Nullable Path channelPath;
    /** Whether combined lines are parsed into {@link #batch} and counted by {@link #flush}. */
    final boolean batched;
    final ParsedLine[] batch = new ParsedLine[BATCH];
    final int[] batchStarts = new int[BATCH];
    final int[] batchEnds = new int[BATCH];
    final long[] batchLineNos = new long[BATCH];
    final int[] batchHashes = new int[BATCH];
    final long[] batchSlots = new long[BATCH];
    final int[] batchKeys = new int[BATCH];
    final boolean[] batchFiltered = new boolean[BATCH];
    /** Lines in {@link #batch} not counted yet. */
    int pending;
    /** Sums {@link #entry} buffered for {@link #end}: URL, window, requests, bytes. */
    final String[] handUrls = new String[BATCH];
    final int[] handWindows = new int[BATCH];
    final long[] handRequests = new long[BATCH];
    final long[] handBytes = new long[BATCH];
    /** Sums in the hand-over buffer. */
    int handed;
    /** Sums the bytes the lookahead loads, so that the loads are not optimized away. */
    int peeked;

    Worker(TrafficSink sink, boolean timestampsOnly) {
      this.sink = sink;
      this.timestampsOnly = timestampsOnly;
      int w = !timestampsOnly && sink instanceof AggregateSink
          ? Math.min(((AggregateSink) sink).windows(), AggregateSink.MAX_WINDOWS) : 0;
      this.aggregate = w > 0 ? (AggregateSink) sink : null;
      this.drainTo = aggregate;
      this.windows = w;
      this.cache = w > 0
          ? new TargetCache(cacheEntries, cacheKeyBytes, 2 * w, this)
          : new TargetCache(cacheEntries, cacheKeyBytes);
      this.batched = aggregate != null;
      for (int k = 0; k < BATCH; k++) {
        batch[k] = new ParsedLine();
      }
    }

    /**
     * Hands the counts still in the target cache to {@code target} (this worker's sink, or
     * another worker's once all workers are done); the worker's last act.
     */
    void finish(@Nullable AggregateSink target) {
      drainTo = target;
      cache.drainAll();
    }

    @Override
    public void entry(Object url, long[] counts, int at) {
      for (int w = 0; w < windows; w++) {
        long requests = counts[at + 2 * w];
        if (requests != 0) {
          int k = handed++;
          handUrls[k] = (String) url;
          handWindows[k] = w;
          handRequests[k] = requests;
          handBytes[k] = counts[at + 2 * w + 1];
          if (k + 1 == BATCH) {
            end();
          }
        }
      }
    }

    /** Hands the buffered sums to {@link #drainTo}, in the order they came. */
    @Override
    public void end() {
      int n = handed;
      if (n > 0) {
        handed = 0;
        Objects.requireNonNull(drainTo).addAll(handUrls, handWindows, handRequests, handBytes, n);
        Arrays.fill(handUrls, 0, n, null);
      }
    }

    TaskResult run(Task task, @Nullable AtomicReference<@Nullable Throwable> failure)
        throws IOException {
      result = new TaskResult();
      source = task.path.toString();
      firstChunk = task.start == 0;
      parser.startFile();
      if (task.gzip) {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(task.path), 1 << 16)) {
          scan(in::read, 0, false, Long.MAX_VALUE, failure);
        } catch (ZipException | EOFException e) {
          // A truncated or corrupt archive (often a log rotated while written) ends this file
          // only; the records before the damage stand.
          result.malformed++;
          sample(result.lines + 1, "gzip data is corrupt or truncated (" + e.getMessage()
              + "); the rest of this file was skipped", new byte[0], 0, 0);
        } catch (IOException e) {
          throw new IOException("cannot read access log " + task.path + ": " + e.getMessage(), e);
        }
        return result;
      }
      try {
        FileChannel ch = channel(task.path);
        long[] position = {task.start == 0 ? 0 : task.start - 1};
        Input in = (b, off, len) -> {
          int n = ch.read(ByteBuffer.wrap(b, off, len), position[0]);
          if (n > 0) {
            position[0] += n;
          }
          return n;
        };
        scan(in, position[0], task.start > 0, task.end, failure);
      } catch (IOException e) {
        throw new IOException("cannot read access log " + task.path + ": " + e.getMessage(), e);
      }
      return result;
    }

    /** The open channel for {@code path}, reused while a worker takes chunks of one file. */
    private FileChannel channel(Path path) throws IOException {
      if (channel != null && path.equals(channelPath)) {
        return channel;
      }
      close();
      channel = FileChannel.open(path, StandardOpenOption.READ);
      channelPath = path;
      return channel;
    }

    void close() throws IOException {
      FileChannel open = channel;
      channel = null;
      channelPath = null;
      if (open != null) {
        open.close();
      }
    }

    /**
     * Scans lines that start before {@code end}. When {@code skipFirst}, the input starts one
     * byte before the chunk and everything up to the first newline belongs to the previous chunk.
     */
    private void scan(Input in, long base, boolean skipFirst, long end,
        @Nullable AtomicReference<@Nullable Throwable> failure) throws IOException {
      byte[] b = buf;
      int len = 0;
      int p = 0;
      int from = 0;
      boolean eof = false;
      boolean skipping = skipFirst;
      PatternLineParser through = parser instanceof PatternLineParser && !timestampsOnly
          ? (PatternLineParser) parser : null;
      while (true) {
        if (through != null && from == p && !skipping && (!firstChunk || result.lines > 0)) {
          // Parse the line and find its end in one pass; a line it cannot read goes the long way.
          ParsedLine pl = batched ? batch[pending] : line;
          pl.reset();
          int end1 = through.parseThroughNewline(b, p, len, pl);
          if (end1 >= 0 && end1 - p <= maxLineLength) {
            TaskResult r = result;
            long lineNo = ++r.lines;
            int lineEnd = end1 > p && b[end1 - 1] == '\r' ? end1 - 1 : end1;
            if (batched) {
              int k = pending++;
              batchStarts[k] = p;
              batchEnds[k] = lineEnd;
              batchLineNos[k] = lineNo;
              if (k + 1 == BATCH) {
                flush(b);
              }
            } else {
              record(pl, b, p, lineEnd, lineNo);
            }
            p = end1 + 1;
            from = p;
            if (base + p >= end) {
              flush(b);
              return;
            }
            continue;
          }
        }
        // The batched lines point into the buffer: count them before it moves or is refilled,
        // and before any other line (so lines are counted, and reported, in order).
        flush(b);
        int nl = Bytes.indexOfNewline(b, from, len);
        if (nl >= 0) {
          if (skipping) {
            skipping = false;
          } else {
            handle(b, p, nl);
          }
          p = nl + 1;
          from = p;
          if (base + p >= end) {
            return;
          }
          continue;
        }
        if (eof) {
          if (!skipping && p < len) {
            handle(b, p, len);
          }
          return;
        }
        if (skipping) {
          base += len;
          p = 0;
          len = 0;
        } else if (len - p > maxLineLength) {
          oversized(b, p, len);
          skipping = true;
          base += len;
          p = 0;
          len = 0;
        } else if (p > 0) {
          System.arraycopy(b, p, b, 0, len - p);
          base += p;
          len -= p;
          p = 0;
        }
        from = len;
        if (failure != null && failure.get() != null) {
          return;
        }
        // Read little past the chunk end: only the tail of its last line is needed from there.
        long toEnd = end - (base + len);
        int want = (int) Math.min(b.length - len, Math.max(MIN_READ_BYTES, toEnd + MIN_READ_BYTES));
        int n = in.read(b, len, want);
        if (n < 0) {
          eof = true;
        } else {
          len += n;
        }
      }
    }

    private void oversized(byte[] b, int s, int e) {
      TaskResult r = result;
      r.lines++;
      r.oversized++;
      sample(r.lines, "line longer than " + maxLineLength + " bytes, skipped", b, s, e);
    }

    private void handle(byte[] b, int s, int e) {
      TaskResult r = result;
      long lineNo = ++r.lines;
      if (e - s > maxLineLength) {
        r.oversized++;
        sample(lineNo, "line longer than " + maxLineLength + " bytes, skipped", b, s, e);
        return;
      }
      if (e > s && b[e - 1] == '\r') {
        e--;
      }
      boolean firstLine = firstChunk && lineNo == 1;
      if (firstLine && e - s >= 3 && b[s] == (byte) 0xEF && b[s + 1] == (byte) 0xBB
          && b[s + 2] == (byte) 0xBF) {
        s += 3; // A UTF-8 byte order mark, as spreadsheet and warehouse exports write.
      }
      if (e == s) {
        return;
      }
      ParsedLine pl = line;
      pl.reset();
      int outcome = parser.parse(b, s, e, firstLine, pl);
      if (outcome == LineParser.SKIP) {
        return;
      }
      if (outcome != LineParser.RECORD) {
        malformed(lineNo, pl.error, b, s, e);
        return;
      }
      if (timestampsOnly) {
        r.latest = Math.max(r.latest, pl.epochMillis);
        return;
      }
      record(pl, b, s, e, lineNo);
    }

    /**
     * Counts the lines in {@link #batch} exactly as {@link #record} would one by one, in order,
     * after first loading, for all of them, the cache slots, then the entry records, then the
     * first key bytes their lookups will read: the processor then waits for the loads of up to
     * {@link #BATCH} lookups at once instead of one after the other.
     */
    private void flush(byte[] b) {
      int n = pending;
      if (n == 0) {
        return;
      }
      pending = 0;
      ParsedLine[] lines = batch;
      int[] hashes = batchHashes;
      long[] slots = batchSlots;
      int[] keys = batchKeys;
      boolean[] filtered = batchFiltered;
      TargetCache c = cache;
      UserAgentFilter.Memo memo = agents;
      for (int k = 0; k < n; k++) {
        ParsedLine pl = lines[k];
        byte[] ua = pl.userAgent;
        boolean drop = memo != null && ua != null
            && memo.matches(ua, pl.userAgentOff, pl.userAgentLen);
        filtered[k] = drop;
        if (drop) {
          continue;
        }
        int h = TargetCache.hash(pl.target, pl.targetOff, pl.targetLen);
        hashes[k] = h;
        slots[k] = c.peekSlot(h);
      }
      for (int k = 0; k < n; k++) {
        keys[k] = filtered[k] ? -1 : c.peekRecord(slots[k], hashes[k], lines[k].targetLen);
      }
      int sum = 0;
      for (int k = 0; k < n; k++) {
        sum += c.peekKey(keys[k]);
      }
      peeked += sum;
      TaskResult r = result;
      for (int k = 0; k < n; k++) {
        if (filtered[k]) {
          r.filtered++;
        } else {
          count(lines[k], hashes[k], b, batchStarts[k], batchEnds[k], batchLineNos[k]);
        }
      }
    }

    /** Filters, canonicalizes and counts (or hands on) the record parsed into {@code pl}. */
    private void record(ParsedLine pl, byte[] b, int s, int e, long lineNo) {
      byte[] ua = pl.userAgent;
      UserAgentFilter.Memo memo = agents;
      if (memo != null && ua != null && memo.matches(ua, pl.userAgentOff, pl.userAgentLen)) {
        result.filtered++;
        return;
      }
      count(pl, TargetCache.hash(pl.target, pl.targetOff, pl.targetLen), b, s, e, lineNo);
    }

    /** {@link #record} for a line that passed the user-agent filter, its target hashed to h. */
    private void count(ParsedLine pl, int h, byte[] b, int s, int e, long lineNo) {
      TaskResult r = result;
      byte[] t = pl.target;
      int to = pl.targetOff;
      int tl = pl.targetLen;
      AggregateSink a = aggregate;
      if (a != null && pl.count == 1 && cache.cacheable(tl)) {
        int entry = cache.find(t, to, tl, h);
        if (entry < 0) {
          Object canonical = canonicalize(t, to, tl);
          // The hand-over shards and counts URLs by their hash code: computed now, while the
          // string is in the processor's cache, String keeps it.
          if (canonical instanceof String) {
            canonical.hashCode();
          }
          entry = cache.add(t, to, tl, h, canonical,
              canonical instanceof String && a.excluded((String) canonical));
        }
        long[] rec = cache.recordPage(entry);
        int at = cache.recordAt(entry);
        long flags = rec[at];
        if ((flags & TargetCache.REJECTED) != 0) {
          malformed(lineNo, "invalid URL: " + ((TargetCache.Rejected) cache.value(entry)).reason,
              b, s, e);
          return;
        }
        r.records++;
        int w = a.admit(pl.method, pl.status, pl.epochMillis, (flags & TargetCache.FLAGGED) != 0);
        if (w >= 0) {
          at += 1 + 2 * w;
          rec[at]++;
          rec[at + 1] += pl.bytes;
        }
        return;
      }
      Object url = cache.get(t, to, tl, h);
      if (url == null) {
        url = canonicalize(t, to, tl);
        cache.put(t, to, tl, h, url);
      }
      if (url instanceof TargetCache.Rejected) {
        malformed(lineNo, "invalid URL: " + ((TargetCache.Rejected) url).reason, b, s, e);
        return;
      }
      sink.accept(new TrafficRecord(
          pl.method, (String) url, pl.status, pl.bytes, pl.epochMillis, pl.cacheStatus, pl.count));
      r.records++;
    }

    private Object canonicalize(byte[] t, int off, int len) {
      try {
        return Objects.requireNonNull(
            canonicalizer.canonicalize(TargetCache.decode(t, off, len)),
            "canonicalizer returned null");
      } catch (IllegalArgumentException e) {
        return new TargetCache.Rejected(String.valueOf(e.getMessage()));
      }
    }

    private void malformed(long lineNo, String reason, byte[] b, int s, int e) {
      result.malformed++;
      sample(lineNo, reason, b, s, e);
    }

    private void sample(long lineNo, String reason, byte[] b, int s, int e) {
      if (result.samples.size() < maxSamples) {
        result.samples.add(
            new ScanResult.Sample(source, lineNo, reason, Bytes.excerpt(b, s, e, EXCERPT_BYTES)));
      }
    }
  }
}
