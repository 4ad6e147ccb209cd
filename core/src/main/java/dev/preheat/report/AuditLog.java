package dev.preheat.report;

import dev.preheat.internal.json.Json;
import dev.preheat.internal.warm.Redactor;
import dev.preheat.key.CohortCookie;
import dev.preheat.spi.WarmListener;
import dev.preheat.warm.TargetResult;
import dev.preheat.warm.WarmTarget;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * An audit trail of the warm requests that carried a cohort cookie: a {@link WarmListener} that
 * appends one JSON line per such target when it reaches its outcome:
 *
 * <pre>{@code
 * {"time":"2026-11-23T21:40:02.113Z","url":"https://shop.test/cart?step=~3fa9c2d1",
 *  "variant":"beta-br","cookie":"ab","cohort":"beta","outcome":"WARMED","status":200,"attempts":1}
 * }</pre>
 *
 * <p>What it never writes: query values (each is replaced by a short keyed hash, see {@link
 * #builder(Path)}), the cookie's value or signature (only the cookie name and the cohort id it
 * carries), any other cookie or header. Targets without a cohort cookie are not written at all.
 *
 * <p>The cohort id is read from the signed value ({@link CohortCookie} format {@code v1}); with
 * {@link Builder#verifier(CohortCookie)} it is taken only from a value whose signature, time
 * window and scope check out, else the line says {@code "cohort":"invalid:EXPIRED"} (the status).
 * A value that is not in the {@code v1} format is written as its keyed hash.
 *
 * <p>Callbacks only queue the line; one daemon thread writes and the file is flushed when a run
 * finishes and on {@link #close()}, so the engine's threads never block on the disk. Lines are
 * appended, so one file can hold many runs. Thread-safe.
 */
public final class AuditLog implements WarmListener, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);

  private final Path path;
  private final List<String> cookieNames;
  private final @Nullable CohortCookie verifier;
  private final Redactor redactor;
  private final Clock clock;
  private final BufferedWriter out;
  private final ExecutorService writer;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean failed = new AtomicBoolean();

  private AuditLog(Builder b, BufferedWriter out) {
    this.path = b.path;
    this.cookieNames = List.copyOf(b.cookieNames);
    this.verifier = b.verifier;
    this.redactor = b.key == null ? Redactor.QUERY_VALUES : Redactor.keyed(b.key);
    this.clock = b.clock == null ? Clock.systemUTC() : b.clock;
    this.out = out;
    this.writer = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "preheat-audit-log");
      t.setDaemon(true);
      return t;
    });
  }

  /** A builder writing to {@code file} (created if missing, appended to otherwise). */
  public static Builder builder(Path file) {
    return new Builder(Objects.requireNonNull(file, "file"));
  }

  @Override
  public void targetFinished(TargetResult result) {
    WarmTarget target = result.target();
    Map<String, String> cohorts = cohorts(target);
    if (cohorts.isEmpty() || closed.get()) {
      return;
    }
    String url = redactor.redact(target.entry().url().toString());
    String time = clock.instant().toString();
    for (Map.Entry<String, String> c : cohorts.entrySet()) {
      ObjectNode line = Json.MAPPER.createObjectNode()
          .put("time", time)
          .put("url", url)
          .put("variant", target.variant().name())
          .put("cookie", c.getKey())
          .put("cohort", c.getValue())
          .put("outcome", result.outcome().name());
      if (result.skipReason() != null) {
        line.put("skipReason", result.skipReason().name());
      }
      line.put("status", result.status()).put("attempts", result.attempts());
      if (result.detail() != null) {
        line.put("detail", redactor.redact(result.detail()));
      }
      String text = line.toString();
      writer.execute(() -> write(text));
    }
  }

  @Override
  public void runFinished(WarmReport report) {
    if (!closed.get()) {
      writer.execute(this::flush);
    }
  }

  /** The cohort cookies {@code target} carries: cookie name to cohort id (never the value). */
  private Map<String, String> cohorts(WarmTarget target) {
    Map<String, String> found = new LinkedHashMap<>();
    for (Map.Entry<String, String> h : target.variant().headers().entrySet()) {
      if (!h.getKey().equalsIgnoreCase("Cookie")) {
        continue;
      }
      for (String pair : h.getValue().split(";")) {
        String p = pair.trim();
        int eq = p.indexOf('=');
        if (eq <= 0) {
          continue;
        }
        String name = p.substring(0, eq).trim();
        if (cookieNames.contains(name)) {
          found.putIfAbsent(name, cohortOf(p.substring(eq + 1).trim(), target));
        }
      }
    }
    return found;
  }

  private String cohortOf(String value, WarmTarget target) {
    String v = value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
        ? value.substring(1, value.length() - 1) : value;
    if (verifier != null) {
      String scope = target.entry().host() + Objects.requireNonNullElse(
          target.entry().url().getRawPath(), "");
      CohortCookie.Verification check = verifier.verify(v, scope);
      return check.isValid() ? check.cohort() : "invalid:" + check.status();
    }
    String[] pieces = v.split("\\.", -1);
    if (pieces.length == 6 && pieces[0].equals("v1")) {
      try {
        String cohort = new String(Base64.getUrlDecoder().decode(pieces[1]),
            StandardCharsets.UTF_8);
        if (!cohort.isEmpty() && cohort.length() <= CohortCookie.MAX_FIELD_LENGTH
            && cohort.chars().noneMatch(Character::isISOControl)) {
          return cohort;
        }
      } catch (IllegalArgumentException notBase64) {
        // falls through to the hash: the raw value is never written
      }
    }
    return redactor.hash(v);
  }

  private void write(String line) {
    try {
      out.write(line);
      out.write('\n');
    } catch (IOException e) {
      failedOnce(e);
    }
  }

  private void flush() {
    try {
      out.flush();
    } catch (IOException e) {
      failedOnce(e);
    }
  }

  private void failedOnce(IOException e) {
    if (failed.compareAndSet(false, true)) {
      LOG.error("cannot write audit log {}: {}; audit lines are being lost", path, e.toString());
    }
  }

  /** Writes every queued line, flushes and closes the file. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    writer.shutdown();
    try {
      if (!writer.awaitTermination(30, TimeUnit.SECONDS)) {
        LOG.warn("audit log {}: writer did not finish within 30 s", path);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      out.close();
    } catch (IOException e) {
      failedOnce(e);
    }
  }

  @Override
  public String toString() {
    return "AuditLog(" + path + ", cookies=" + cookieNames + ")";
  }

  /** Builds an {@link AuditLog}. Not thread-safe. */
  public static final class Builder {

    private final Path path;
    private final List<String> cookieNames = new ArrayList<>();
    private byte @Nullable [] key;
    private @Nullable CohortCookie verifier;
    private @Nullable Clock clock;

    private Builder(Path path) {
      this.path = path;
    }

    /**
     * A cohort cookie whose requests are audited (the names the warmer allows with {@code
     * Warmer.Builder.cohortCookie}). At least one is required.
     *
     * @throws IllegalArgumentException if the name is blank or has invalid characters
     */
    public Builder cohortCookie(String name) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank() || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '='
          && c != ';')) {
        throw new IllegalArgumentException("cohort cookie name must be a cookie token but was '"
            + name + "'");
      }
      if (!cookieNames.contains(name)) {
        cookieNames.add(name);
      }
      return this;
    }

    /**
     * The secret key (at least 16 bytes) under which query values are hashed, so an auditor
     * holding it can check whether a given URL was warmed; default a random key per JVM (hashes
     * then cannot be linked across runs).
     *
     * @throws IllegalArgumentException if shorter than 16 bytes
     * @throws IllegalStateException if already set
     */
    public Builder queryValueKey(byte[] key) {
      if (this.key != null) {
        throw new IllegalStateException("queryValueKey was already set");
      }
      Redactor.keyed(key);
      this.key = key.clone();
      return this;
    }

    /**
     * Verifies cohort cookie values: only a valid value's cohort is written. Default: the cohort
     * is read from the value without checking its signature.
     *
     * @throws IllegalStateException if already set
     */
    public Builder verifier(CohortCookie verifier) {
      if (this.verifier != null) {
        throw new IllegalStateException("verifier was already set to " + this.verifier);
      }
      this.verifier = Objects.requireNonNull(verifier, "verifier");
      return this;
    }

    /**
     * The clock of the {@code time} field; default the system clock (UTC).
     *
     * @throws IllegalStateException if already set
     */
    public Builder clock(Clock clock) {
      if (this.clock != null) {
        throw new IllegalStateException("clock was already set to " + this.clock);
      }
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Opens the file for appending (creating it and its directory).
     *
     * @throws IllegalStateException if no cohort cookie was named
     * @throws UncheckedIOException if the file cannot be opened
     */
    public AuditLog build() {
      if (cookieNames.isEmpty()) {
        throw new IllegalStateException("an audit log needs at least one cohortCookie(name)");
      }
      try {
        Path dir = path.toAbsolutePath().getParent();
        if (dir != null) {
          Files.createDirectories(dir);
        }
        BufferedWriter out = Files.newBufferedWriter(path, StandardCharsets.UTF_8,
            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return new AuditLog(this, out);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot open audit log " + path + ": " + e.getMessage(), e);
      }
    }
  }
}
