package dev.preheat.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HostileInputTest {

  @TempDir Path dir;

  private static final String GOOD =
      "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET /ok HTTP/1.1\" 200 5 \"-\" \"Mozilla\"\n";

  static Stream<Arguments> badLines() {
    return Stream.of(
        Arguments.of("CR in the request line",
            "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET /a\rX HTTP/1.1\" 200 5 \"-\" \"M\"",
            "control character 0xd"),
        Arguments.of("NUL in the request line",
            "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET /a\0 HTTP/1.1\" 200 5 \"-\" \"M\"",
            "control character 0x0"),
        Arguments.of("truncated line", "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET /a HT",
            "after $request"),
        Arguments.of("invalid month",
            "1.2.3.4 - - [17/Mai/2015:10:05:03 +0000] \"GET /a HTTP/1.1\" 200 5 \"-\" \"M\"",
            "invalid time"),
        Arguments.of("hour 25",
            "1.2.3.4 - - [17/May/2015:25:05:03 +0000] \"GET /a HTTP/1.1\" 200 5 \"-\" \"M\"",
            "invalid time"),
        Arguments.of("non-numeric status",
            "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET /a HTTP/1.1\" OK 5 \"-\" \"M\"",
            "status is not a three-digit number"),
        Arguments.of("TLS handshake logged as request",
            "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"\\x16\\x03\\x01\\x00\" 400 0 \"-\" \"-\"",
            "request line has no target"),
        Arguments.of("empty request", "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"-\" 408 0 \"-\" \"-\"",
            "request line is empty"),
        Arguments.of("lower-case method",
            "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"get /a HTTP/1.1\" 200 5 \"-\" \"M\"",
            "invalid request method"),
        Arguments.of("space in the target",
            "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET /a b HTTP/1.1\" 200 5 \"-\" \"M\"",
            "contains a space"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badLines")
  void badLineIsCountedAndTheRunGoesOn(String name, String bad, String reason) throws IOException {
    LogFixtures.Collected c = LogFixtures.read(LogFormat.combined(), GOOD + bad + "\n" + GOOD, dir);

    assertThat(c.records).extracting(TrafficRecord::url).containsExactly("/ok", "/ok");
    assertThat(c.stats.malformedLines()).isEqualTo(1);
    MalformedLine sample = c.stats.samples().get(0);
    assertThat(sample.lineNumber()).isEqualTo(2);
    assertThat(sample.reason()).contains(reason);
    assertThat(sample.excerpt()).doesNotContain("\r", "\0");
  }

  @Test
  void binaryGarbageNeverThrows() throws IOException {
    byte[] garbage = new byte[3 << 20];
    new Random(7).nextBytes(garbage);
    Path file = LogFixtures.write(dir, "garbage.log", garbage);
    LogReader reader = LogFixtures.reader(LogFormat.combined()).workers(2).chunkBytes(1 << 18)
        .maxLineLength(4096).build();

    ReadStats stats = reader.read(List.of(file), () -> r -> { });

    assertThat(stats.records()).isZero();
    // Blank lines (two newlines in a row) are counted as lines but are neither.
    assertThat(stats.malformedLines()).isPositive();
    assertThat(stats.malformedLines() + stats.oversizedLines()).isLessThanOrEqualTo(stats.lines());
    assertThat(stats.samples()).hasSize(LogReader.DEFAULT_MAX_MALFORMED_SAMPLES);
    assertThat(reader.latestTimestamp(List.of(file))).isEmpty();
  }

  @Test
  void twoMebibyteLineIsSkippedWithItsLineNumber() throws IOException {
    byte[] huge = new byte[2 << 20];
    Arrays.fill(huge, (byte) 'a');
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(GOOD.getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(huge);
    out.write('\n');
    out.writeBytes(GOOD.getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(huge); // the last line has no newline either
    Path file = LogFixtures.write(dir, "huge.log", out.toByteArray());

    for (long chunk : new long[] {1 << 20, 64 << 20}) {
      LogReader reader = LogFixtures.reader(LogFormat.combined()).workers(2).chunkBytes(chunk).build();
      ReadStats stats = reader.read(List.of(file), () -> r -> { });

      assertThat(stats.lines()).isEqualTo(4);
      assertThat(stats.records()).isEqualTo(2);
      assertThat(stats.oversizedLines()).isEqualTo(2);
      assertThat(stats.samples()).extracting(MalformedLine::lineNumber).containsExactly(2L, 4L);
      assertThat(stats.samples().get(0).reason()).contains("longer than 65536 bytes");
      assertThat(stats.samples().get(0).excerpt()).hasSizeLessThan(200);
    }
  }

  @Test
  void maxLineLengthIsConfigurable() throws IOException {
    LogFixtures.Collected c = LogFixtures.read(
        LogFixtures.reader(LogFormat.combined()).maxLineLength(40).build(),
        LogFixtures.write(dir, "a.log", GOOD + "/short\n"));

    assertThat(c.stats.oversizedLines()).isEqualTo(1);
    assertThat(c.stats.malformedLines()).isEqualTo(1);
    assertThat(c.stats.lines()).isEqualTo(2);
  }

  @Test
  void urlRejectedByTheCanonicalizerIsMalformed() throws IOException {
    LogReader reader = LogReader.builder().format(LogFormat.combined())
        .canonicalizer(u -> {
          if (u.contains("..")) {
            throw new IllegalArgumentException("path escapes the root: " + u);
          }
          return u;
        }).build();
    String evil = GOOD.replace("/ok", "/../etc/passwd");

    LogFixtures.Collected c =
        LogFixtures.read(reader, LogFixtures.write(dir, "a.log", evil + GOOD + evil));

    assertThat(c.records).hasSize(1);
    assertThat(c.stats.malformedLines()).isEqualTo(2);
    assertThat(c.stats.samples()).extracting(MalformedLine::lineNumber).containsExactly(1L, 3L);
    assertThat(c.stats.samples().get(1).reason()).isEqualTo("invalid URL: path escapes the root: /../etc/passwd");
  }

  @Test
  void missingFileFailsBeforeAnythingIsRead() throws IOException {
    Path good = LogFixtures.write(dir, "good.log", GOOD);
    Path missing = dir.resolve("nope.log");
    LogReader reader = LogFixtures.reader(LogFormat.combined()).build();
    List<TrafficRecord> seen = new java.util.ArrayList<>();

    assertThatThrownBy(() -> reader.read(List.of(good, missing), seen::add))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("does not exist");
    assertThat(seen).isEmpty();
    assertThatThrownBy(() -> reader.latestTimestamp(List.of(missing)))
        .isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void directoryIsRejectedWithAHint() {
    LogReader reader = LogFixtures.reader(LogFormat.combined()).build();

    assertThatThrownBy(() -> reader.read(List.of(dir), r -> { }))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(dir.toString())
        .hasMessageContaining("is a directory");
  }

  @Test
  void unreadableFileNamesTheFile() throws IOException {
    Path secret = LogFixtures.write(dir, "secret.log", GOOD);
    boolean changed = secret.toFile().setReadable(false, false);
    if (!changed || Files.isReadable(secret)) {
      return; // running as root: permissions are not enforced, nothing to test here
    }
    LogReader reader = LogFixtures.reader(LogFormat.combined()).build();

    assertThatThrownBy(() -> reader.read(List.of(secret), r -> { }))
        .isInstanceOf(AccessDeniedException.class)
        .hasMessageContaining(secret.toString());
  }

  @Test
  void sinkFailureStopsTheRunAndPropagates() throws IOException {
    Path file = LogFixtures.write(dir, "a.log", GOOD.repeat(50_000));
    LogReader reader = LogFixtures.reader(LogFormat.combined()).workers(2).chunkBytes(4096).build();

    assertThatThrownBy(() -> reader.read(List.of(file), () -> r -> {
      throw new IllegalStateException("sink is full");
    })).isInstanceOf(IllegalStateException.class).hasMessage("sink is full");
  }
}
