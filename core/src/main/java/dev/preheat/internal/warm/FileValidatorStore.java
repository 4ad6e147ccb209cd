package dev.preheat.internal.warm;

import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import dev.preheat.internal.json.Json;
import dev.preheat.spi.ValidatorStore;
import dev.preheat.spi.Validators;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Validators in memory, persisted as one JSON object {@code {"format":"preheat-validators",
 * "version":1,"entries":{key:{etag,lastModified,uncacheable}}}} written to a temp file in the
 * same directory and renamed over the target, so a crash leaves the old or the new file, never a
 * torn one.
 */
public final class FileValidatorStore implements ValidatorStore {

  private static final String FORMAT = "preheat-validators";

  // Replacing a file another process holds open fails transiently on some platforms.
  private static final RetryPolicy<Object> MOVE_RETRY = RetryPolicy.builder()
      .handle(IOException.class)
      .abortOn(AtomicMoveNotSupportedException.class)
      .withMaxRetries(3)
      .withDelay(Duration.ofMillis(20))
      .build();

  private final Path path;
  private final Map<String, Validators> entries = new ConcurrentHashMap<>();
  private final AtomicBoolean dirty = new AtomicBoolean();

  private FileValidatorStore(Path path) {
    this.path = path;
  }

  /**
   * Opens the store, loading {@code path} when it exists.
   *
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException if the file is not a validator store
   */
  public static FileValidatorStore open(Path path) throws IOException {
    FileValidatorStore store = new FileValidatorStore(path.toAbsolutePath());
    if (Files.exists(path)) {
      JsonNode root;
      try {
        root = Json.MAPPER.readTree(Files.readAllBytes(path)); // I/O errors stay IOException
      } catch (JacksonException e) {
        throw new IllegalArgumentException("validator store " + path + " is not valid JSON ("
            + e.getOriginalMessage() + "); delete it to start without validators", e);
      }
      if (root == null || !FORMAT.equals(Json.text(root.path("format")))) {
        throw new IllegalArgumentException("validator store " + path
            + " is not a preheat validator file (no \"format\":\"" + FORMAT
            + "\"); point the store at another path or delete the file");
      }
      for (Map.Entry<String, JsonNode> e : root.path("entries").properties()) {
        JsonNode v = e.getValue();
        store.entries.put(e.getKey(), new Validators(text(v, "etag"), text(v, "lastModified"),
            text(v, "uncacheable")));
      }
    }
    return store;
  }

  private static @Nullable String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : Json.text(v);
  }

  @Override
  public @Nullable Validators get(String key) {
    return entries.get(key);
  }

  @Override
  public void put(String key, Validators validators) {
    entries.put(key, validators);
    dirty.set(true);
  }

  @Override
  public synchronized void flush() {
    if (!dirty.getAndSet(false)) {
      return;
    }
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("format", FORMAT);
    root.put("version", 1);
    ObjectNode out = root.putObject("entries");
    new TreeMap<>(entries).forEach((k, v) -> {
      ObjectNode n = out.putObject(k);
      if (v.etag() != null) {
        n.put("etag", v.etag());
      }
      if (v.lastModified() != null) {
        n.put("lastModified", v.lastModified());
      }
      if (v.uncacheableReason() != null) {
        n.put("uncacheable", v.uncacheableReason());
      }
    });
    Path dir = path.getParent();
    try {
      if (dir != null) {
        Files.createDirectories(dir);
      }
      Path tmp = Files.createTempFile(dir, path.getFileName().toString(), ".tmp");
      try {
        Files.write(tmp, Json.MAPPER.writeValueAsBytes(root));
        Failsafe.with(MOVE_RETRY).run(() -> Files.move(tmp, path,
            StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING));
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      dirty.set(true);
      throw new UncheckedIOException("cannot write validator store " + path + ": " + e, e);
    } catch (dev.failsafe.FailsafeException e) {
      dirty.set(true);
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new UncheckedIOException("cannot replace validator store " + path + ": " + cause,
          cause instanceof IOException io ? io : new IOException(cause));
    }
  }

  @Override
  public String toString() {
    return "ValidatorStore.file(" + path + ")";
  }
}
