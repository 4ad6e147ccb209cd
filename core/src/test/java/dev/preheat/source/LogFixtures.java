package dev.preheat.source;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;

/** Shared helpers for the log-reader tests: files, readers and record collection. */
final class LogFixtures {

  /** A canonicalizer that keeps targets as they are but rejects what the real one rejects. */
  static final dev.preheat.key.UrlCanonicalizer IDENTITY = url -> {
    for (int i = 0; i < url.length(); i++) {
      char c = url.charAt(i);
      if (c <= ' ' || c == 0x7f) {
        throw new IllegalArgumentException("URL contains whitespace or a control character");
      }
    }
    return url;
  };

  private LogFixtures() {}

  static Path realLog() {
    try {
      return Path.of(LogFixtures.class.getResource("/logs/apache-combined-10k.log").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Path write(Path dir, String name, String content) throws IOException {
    return write(dir, name, content.getBytes(StandardCharsets.UTF_8));
  }

  static Path write(Path dir, String name, byte[] content) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, content);
    return p;
  }

  static Path gzip(Path dir, String name, byte[] content) throws IOException {
    Path p = dir.resolve(name);
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(p))) {
      out.write(content);
    }
    return p;
  }

  static LogReader.Builder reader(LogFormat format) {
    return LogReader.builder().format(format).canonicalizer(IDENTITY);
  }

  /** Records of a sequential read, in order. */
  static final class Collected {
    final List<TrafficRecord> records = new ArrayList<>();
    final ReadStats stats;

    Collected(LogReader reader, List<Path> files) throws IOException {
      stats = reader.read(files, records::add);
    }

    TrafficRecord only() {
      if (records.size() != 1) {
        throw new AssertionError("expected one record but got " + records + " " + stats);
      }
      return records.get(0);
    }
  }

  static Collected read(LogReader reader, Path... files) throws IOException {
    return new Collected(reader, List.of(files));
  }

  static Collected read(LogFormat format, String content, Path dir) throws IOException {
    return read(reader(format).build(), write(dir, "access.log", content));
  }

  /** Per-URL request counts of a parallel read, merged from the per-worker sinks. */
  static Map<String, Long> countParallel(LogReader reader, List<Path> files, ReadStats[] stats)
      throws IOException {
    List<Map<String, Long>> sinks = Collections.synchronizedList(new ArrayList<>());
    stats[0] = reader.read(files, () -> {
      Map<String, Long> m = new TreeMap<>();
      sinks.add(m);
      return r -> m.merge(r.url(), r.count(), Long::sum);
    });
    Map<String, Long> total = new TreeMap<>();
    for (Map<String, Long> m : sinks) {
      m.forEach((k, v) -> total.merge(k, v, Long::sum));
    }
    return total;
  }

  static Map<String, Long> countSequential(LogReader reader, List<Path> files, ReadStats[] stats)
      throws IOException {
    Map<String, Long> total = new TreeMap<>();
    stats[0] = reader.read(files, r -> total.merge(r.url(), r.count(), Long::sum));
    return total;
  }
}
