package dev.preheat.internal.warm;

import dev.preheat.internal.json.Json;
import dev.preheat.spi.BudgetLedger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Per region, the usage of its latest day: {@code {"eu":{"day":"2026-11-23","requests":120,
 * "bytes":4096}}}. Without a path it lives in memory only. Usage of an older day is replaced when
 * a newer day is added.
 */
public final class FileBudgetLedger implements BudgetLedger {

  private static final Logger LOG = LoggerFactory.getLogger(FileBudgetLedger.class);

  private record Day(LocalDate day, long requests, long bytes) {}

  private final @Nullable Path path;
  private final Map<String, Day> regions = new TreeMap<>();

  private FileBudgetLedger(@Nullable Path path) {
    this.path = path;
  }

  /** A ledger that is not persisted. */
  public static FileBudgetLedger inMemory() {
    return new FileBudgetLedger(null);
  }

  /**
   * Opens {@code path} (a missing file is an empty ledger). Unreadable entries are ignored with a
   * warning: a budget ledger must not stop a warm.
   *
   * @throws IOException if the file exists but cannot be read
   */
  public static FileBudgetLedger open(Path path) throws IOException {
    FileBudgetLedger ledger = new FileBudgetLedger(path);
    if (Files.exists(path)) {
      String text = Files.readString(path, StandardCharsets.UTF_8);
      JsonNode root;
      try {
        root = text.isBlank() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(text);
      } catch (JacksonException e) {
        LOG.warn("budget ledger {} is not valid JSON ({}); starting from zero usage", path,
            e.getMessage());
        root = Json.MAPPER.createObjectNode();
      }
      for (Map.Entry<String, JsonNode> e : root.properties()) {
        try {
          JsonNode n = e.getValue();
          ledger.regions.put(e.getKey(), new Day(LocalDate.parse(Json.text(n.path("day"))),
              Math.max(0, n.path("requests").asLong(0)), Math.max(0, n.path("bytes").asLong(0))));
        } catch (DateTimeParseException bad) {
          LOG.warn("budget ledger {}: entry of region '{}' has no valid day; ignored", path,
              e.getKey());
        }
      }
    }
    return ledger;
  }

  @Override
  public synchronized Usage used(String region, LocalDate day) {
    Day d = regions.get(region);
    return d == null || !d.day().equals(day) ? Usage.NONE : new Usage(d.requests(), d.bytes());
  }

  @Override
  public synchronized void add(String region, LocalDate day, long requests, long bytes) {
    Day d = regions.get(region);
    if (d != null && d.day().isAfter(day)) {
      return;
    }
    Day next = d == null || !d.day().equals(day) ? new Day(day, requests, bytes)
        : new Day(day, d.requests() + requests, d.bytes() + bytes);
    regions.put(region, next);
    if (path != null) {
      write(path);
    }
  }

  private void write(Path file) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    regions.forEach((r, d) -> root.putObject(r).put("day", d.day().toString())
        .put("requests", d.requests()).put("bytes", d.bytes()));
    try {
      Path dir = file.toAbsolutePath().getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, root.toPrettyString() + "\n", StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write budget ledger " + file + ": " + e, e);
    }
  }

  @Override
  public String toString() {
    return path == null ? "BudgetLedger.inMemory()" : "BudgetLedger.file(" + path + ")";
  }
}
