package dev.preheat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A {@code preheat warm} process stopped by a signal still reports and saves what it learned. */
class WarmInterruptTest {

  @StartStop private final MockWebServer server = new MockWebServer();

  @TempDir Path tmp;

  @Test
  void terminatedRunCancelsReportsSavesValidatorsAndResumes() throws Exception {
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return new MockResponse.Builder().addHeader("ETag", "\"" + request.getTarget() + "\"")
            .addHeader("Cache-Control", "max-age=60").body("x")
            .headersDelay(100, TimeUnit.MILLISECONDS).build();
      }
    });
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      lines.add("/p" + i);
    }
    Path urls = Files.write(tmp.resolve("urls.txt"), lines);
    Path checkpoint = tmp.resolve("cp.jsonl");
    Path validators = tmp.resolve("validators.json");
    String base = server.url("/").toString();
    List<String> command = List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "warm", "--urls", urls.toString(), "--base-url", base.substring(0, base.length() - 1),
        "--variant", "Accept-Encoding: gzip", "--concurrency", "1",
        "--checkpoint", checkpoint.toString(), "--validators", validators.toString());
    Process process = new ProcessBuilder(command)
        .redirectOutput(tmp.resolve("out.txt").toFile())
        .redirectError(tmp.resolve("err.txt").toFile())
        .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (server.getRequestCount() < 5 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    process.destroy(); // SIGTERM
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("process ended").isTrue();

    String out = Files.readString(tmp.resolve("out.txt"), StandardCharsets.UTF_8);
    assertThat(out).as(Files.readString(tmp.resolve("err.txt"))).contains("stopped: cancelled");
    assertThat(out).containsPattern("outcomes: warmed [0-9]+, cancelled [0-9]+");
    long finished = Files.readAllLines(checkpoint).stream().filter(l -> !l.isBlank()).count();
    assertThat(finished).isBetween(1L, 39L);
    assertThat(validators).exists();

    Thread.sleep(300); // let the server finish reading anything the dead process had sent
    int before = server.getRequestCount();
    StringWriterResult resumed = StringWriterResult.run("warm", "--urls", urls.toString(),
        "--base-url", base.substring(0, base.length() - 1), "--variant", "Accept-Encoding: gzip",
        "--concurrency", "8", "--checkpoint", checkpoint.toString(),
        "--validators", validators.toString());
    assertThat(resumed.exit()).as(resumed.err()).isZero();
    assertThat(resumed.out()).contains("checkpointed " + finished);
    assertThat(server.getRequestCount() - before).isEqualTo(40 - (int) finished);
  }

  /** Runs the CLI in this JVM. */
  record StringWriterResult(int exit, String out, String err) {
    static StringWriterResult run(String... args) throws IOException {
      java.io.StringWriter out = new java.io.StringWriter();
      java.io.StringWriter err = new java.io.StringWriter();
      int exit = Main.run(args, new java.io.PrintWriter(out), new java.io.PrintWriter(err));
      return new StringWriterResult(exit, out.toString(), err.toString());
    }
  }
}
