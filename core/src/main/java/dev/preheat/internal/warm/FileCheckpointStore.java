package dev.preheat.internal.warm;

import dev.preheat.internal.json.Json;
import dev.preheat.spi.CheckpointStore;
import dev.preheat.warm.Outcome;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.core.io.JsonStringEncoder;
import tools.jackson.databind.JsonNode;

/**
 * JSON lines {@code {"plan":hash,"key":targetKey,"outcome":"WARMED"}}, appended as targets finish
 * and written out at least every 50 ms and on {@link #close()} (not per record: a write system
 * call per target cost several microseconds per URL of a fast warm). A crash loses at most the
 * records of its last 50 ms, whose targets a restart warms again. On open, unreadable lines (a
 * torn last line after a crash) are skipped and counted.
 */
public final class FileCheckpointStore implements CheckpointStore {

  private static final Logger LOG = LoggerFactory.getLogger(FileCheckpointStore.class);

  /** Buffered records are written out once the oldest of them is this old, or on close. */
  static final long FLUSH_INTERVAL_NANOS = 50_000_000L;
  private static final int BUFFER_CHARS = 1 << 16;

  private long lastFlushNanos = System.nanoTime();

  private final Path path;
  private final Map<String, Set<String>> byPlan = new HashMap<>();
  private BufferedWriter out;
  private boolean closed;

  private FileCheckpointStore(Path path, BufferedWriter out) {
    this.path = path;
    this.out = out;
  }

  /**
   * Opens (creating if needed) the checkpoint file and loads its records.
   *
   * @throws IOException if the file cannot be read or opened for appending
   */
  public static FileCheckpointStore open(Path path) throws IOException {
    Path dir = path.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    Map<String, Set<String>> loaded = new HashMap<>();
    boolean endsWithNewline = true;
    if (Files.exists(path)) {
      int bad = 0;
      int lineNo = 0;
      try (BufferedReader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          lineNo++;
          if (line.isBlank()) {
            continue;
          }
          try {
            JsonNode n = Json.MAPPER.readTree(line);
            String plan = Json.text(n.path("plan"));
            String key = Json.text(n.path("key"));
            if (plan.isEmpty() || key.isEmpty()) {
              throw new IOException("missing plan or key");
            }
            loaded.computeIfAbsent(plan, p -> new HashSet<>()).add(key);
          } catch (IOException | JacksonException e) {
            bad++;
            if (bad == 1) {
              LOG.warn("checkpoint file {} line {} is unreadable and ignored (a torn write after a"
                  + " crash is expected on the last line): {}", path, lineNo, e.getMessage());
            }
          }
        }
      }
      long size = Files.size(path);
      if (size > 0) {
        byte[] last = new byte[1];
        try (var ch = Files.newByteChannel(path)) {
          ch.position(size - 1);
          ch.read(java.nio.ByteBuffer.wrap(last));
        }
        endsWithNewline = last[0] == '\n';
      }
    }
    BufferedWriter out = appender(path);
    if (!endsWithNewline) {
      // Terminate a torn last line so the next record starts on a line of its own.
      out.write('\n');
      out.flush();
    }
    FileCheckpointStore store = new FileCheckpointStore(path, out);
    store.byPlan.putAll(loaded);
    return store;
  }

  @Override
  public synchronized Set<String> finished(String planHash) {
    return Set.copyOf(byPlan.getOrDefault(planHash, Set.of()));
  }

  @Override
  public synchronized void record(String planHash, String targetKey, Outcome outcome) {
    if (closed) {
      throw new IllegalStateException("checkpoint store " + path + " is closed");
    }
    byPlan.computeIfAbsent(planHash, p -> new HashSet<>()).add(targetKey);
    try {
      writeLine(out, planHash, targetKey, outcome);
      long now = System.nanoTime();
      if (now - lastFlushNanos >= FLUSH_INTERVAL_NANOS) {
        out.flush();
        lastFlushNanos = now;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to checkpoint file " + path + ": " + e, e);
    }
  }

  /**
   * Drops the plan's records: the other plans' records are written to a temporary file that then
   * replaces this one, so a crash leaves either the old or the new file, never a mix.
   */
  @Override
  public synchronized void clear(String planHash) {
    if (closed) {
      throw new IllegalStateException("checkpoint store " + path + " is closed");
    }
    if (byPlan.remove(planHash) == null) {
      return;
    }
    try {
      out.close();
      Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
      try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        for (Map.Entry<String, Set<String>> e : byPlan.entrySet()) {
          for (String key : e.getValue()) {
            writeLine(w, e.getKey(), key, null);
          }
        }
      }
      Files.move(tmp, path, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      out = appender(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot rewrite checkpoint file " + path + ": " + e, e);
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      out.close();
    } catch (IOException e) {
      LOG.warn("closing checkpoint file {} failed: {}", path, e.toString());
    }
  }

  /**
   * One record: the line Jackson's {@code ObjectNode.toString()} writes, without building a tree
   * per record (or loading the mapper's classes at all on a first run).
   */
  private static void writeLine(java.io.Writer w, String planHash, String targetKey,
      @Nullable Outcome outcome) throws IOException {
    w.write("{\"plan\":\"");
    writeQuoted(w, planHash);
    w.write("\",\"key\":\"");
    writeQuoted(w, targetKey);
    if (outcome != null) {
      w.write("\",\"outcome\":\"");
      w.write(outcome.name());
    }
    w.write("\"}\n");
  }

  /**
   * Writes {@code s} as the inside of a JSON string, as Jackson's {@link JsonStringEncoder}
   * quotes it; a string with nothing to escape (a plan hash, almost every key) is written as it
   * is, without the encoder's copy.
   */
  static void writeQuoted(java.io.Writer w, String s) throws IOException {
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == '"' || c == '\\') {
        w.write(JsonStringEncoder.getInstance().quoteAsCharArray(s));
        return;
      }
    }
    w.write(s);
  }

  private static BufferedWriter appender(Path path) throws IOException {
    return new BufferedWriter(new java.io.OutputStreamWriter(Files.newOutputStream(path,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND), StandardCharsets.UTF_8),
        BUFFER_CHARS);
  }

  @Override
  public String toString() {
    return "CheckpointStore.file(" + path + ")";
  }
}
