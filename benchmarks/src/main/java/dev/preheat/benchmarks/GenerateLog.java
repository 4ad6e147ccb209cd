package dev.preheat.benchmarks;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Writes a synthetic combined-format access log with Zipf-distributed URL popularity, for the
 * side-by-side hotset benchmark.
 *
 * <p>Usage: {@code GenerateLog OUT LINES DISTINCT [ZIPF_S] [SEED]}. Defaults: s = 1.0, seed 42.
 * Timestamps advance evenly over 48 hours ending at 2026-11-01T00:00Z, so windowed selection has
 * something to work with. About 2% of lines are from crawlers, 3% are 404s and 1% are POSTs, so
 * the demand filters have work to do. The same arguments always produce the same file.
 */
public final class GenerateLog {

  private static final String[] AGENTS = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
        + " Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like"
        + " Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)"
        + " Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
  };
  private static final String BOT =
      "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
  private static final String[] SECTIONS = {
    "articles", "products", "static/img", "static/js", "api/v1/items", "category", "tags", "docs"
  };

  private GenerateLog() {}

  /** Entry point; see the class documentation for arguments. */
  public static void main(String[] args) throws IOException {
    if (args.length < 3) {
      System.err.println("usage: GenerateLog OUT LINES DISTINCT [ZIPF_S] [SEED]");
      System.exit(2);
    }
    Path out = Path.of(args[0]);
    long lines = Long.parseLong(args[1]);
    int distinct = Integer.parseInt(args[2]);
    double s = args.length > 3 ? Double.parseDouble(args[3]) : 1.0;
    long seed = args.length > 4 ? Long.parseLong(args[4]) : 42L;
    write(out, lines, distinct, s, seed);
  }

  static void write(Path out, long lines, int distinct, double s, long seed) throws IOException {
    double[] cdf = new double[distinct];
    double sum = 0;
    for (int i = 0; i < distinct; i++) {
      sum += 1.0 / Math.pow(i + 1, s);
      cdf[i] = sum;
    }
    for (int i = 0; i < distinct; i++) {
      cdf[i] /= sum;
    }
    // Rank r maps to a URL through a fixed permutation so popular URLs are spread over sections.
    SplittableRandom random = new SplittableRandom(seed);
    long endSeconds = Instant.parse("2026-11-01T00:00:00Z").getEpochSecond();
    long span = 48L * 3600;
    DateTimeFormatter fmt =
        DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);
    long lastSecond = Long.MIN_VALUE;
    String stamp = "";
    StringBuilder line = new StringBuilder(256);
    try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(out), 1 << 20)) {
      for (long n = 0; n < lines; n++) {
        long second = endSeconds - span + (span * n) / Math.max(1, lines);
        if (second != lastSecond) {
          stamp = fmt.format(Instant.ofEpochSecond(second));
          lastSecond = second;
        }
        int rank = rank(cdf, random.nextDouble());
        double roll = random.nextDouble();
        String method = roll < 0.01 ? "POST" : "GET";
        int status = roll > 0.97 ? 404 : (roll > 0.90 ? 304 : 200);
        String agent = roll > 0.02 && roll < 0.04 ? BOT : AGENTS[random.nextInt(AGENTS.length)];
        long bytes = status == 200 ? 500 + (rank * 7919L) % 200_000 : 0;
        line.setLength(0);
        line.append(10 + random.nextInt(200)).append('.').append(random.nextInt(256)).append('.')
            .append(random.nextInt(256)).append('.').append(1 + random.nextInt(254))
            .append(" - - [").append(stamp).append("] \"").append(method).append(' ');
        appendUrl(line, rank);
        line.append(" HTTP/1.1\" ").append(status).append(' ').append(bytes)
            .append(" \"https://www.example.com/\" \"").append(agent).append("\"\n");
        os.write(line.toString().getBytes(StandardCharsets.US_ASCII));
      }
    }
  }

  private static int rank(double[] cdf, double u) {
    int lo = 0;
    int hi = cdf.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cdf[mid] < u) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private static void appendUrl(StringBuilder sb, int rank) {
    int id = (int) ((rank * 2654435761L) & 0x7fffffff) % 10_000_000;
    String section = SECTIONS[rank % SECTIONS.length];
    sb.append('/').append(section).append('/').append(id);
    switch (rank % 5) {
      case 0 -> sb.append(".html");
      case 1 -> sb.append("?page=").append(rank % 7);
      case 2 -> sb.append("/");
      case 3 -> sb.append(".jpg");
      default -> sb.append("?id=").append(rank).append("&utm_source=news");
    }
  }
}
