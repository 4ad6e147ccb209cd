package dev.preheat.internal.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The per-worker verdict memo never changes a verdict: compared with the uncached search on the
 * user agents of the real 10k log and on generated crawler/non-crawler mixes far larger than the
 * memo, so slots collide and are overwritten all the time, including agents that differ only in
 * the bytes the memo's hash does not read.
 */
class UserAgentFilterTest {

  private static final UserAgentFilter FILTER =
      new UserAgentFilter(List.of("bot", "crawler", "spider", "Preheat/"));

  private static void assertSameVerdicts(List<byte[]> agents) {
    UserAgentFilter.Memo memo = FILTER.newMemo();
    for (int round = 0; round < 2; round++) {
      for (byte[] a : agents) {
        // looked up as a slice of a larger buffer, as the scanner does
        byte[] b = new byte[a.length + 6];
        System.arraycopy(a, 0, b, 3, a.length);
        assertThat(memo.matches(b, 3, a.length))
            .as("%s", new String(a, StandardCharsets.UTF_8))
            .isEqualTo(FILTER.matches(a, 0, a.length));
      }
    }
  }

  @Test
  void memoAgreesWithTheSearchOnTheRealLog() throws IOException {
    List<byte[]> agents = new ArrayList<>();
    try (InputStream in = Objects.requireNonNull(
        getClass().getResourceAsStream("/logs/apache-combined-10k.log"))) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        int end = line.lastIndexOf('"');
        int start = end > 0 ? line.lastIndexOf('"', end - 1) : -1;
        if (start >= 0) {
          agents.add(line.substring(start + 1, end).getBytes(StandardCharsets.UTF_8));
        }
      }
    }
    assertThat(agents).hasSizeGreaterThan(9_000);
    assertThat(agents.stream().filter(a -> FILTER.matches(a, 0, a.length)).count()).isPositive();
    assertSameVerdicts(agents);
  }

  @Test
  void memoAgreesWithTheSearchWhenSlotsCollide() {
    Random random = new Random(7);
    List<byte[]> agents = new ArrayList<>();
    String base = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) ";
    for (int i = 0; i < 40_000; i++) {
      String token = switch (random.nextInt(6)) {
        case 0 -> "Googlebot/2.1";
        case 1 -> "BOT";
        case 2 -> "Preheat/1.0";
        default -> "Chrome/" + random.nextInt(200);
      };
      // The same first, middle and last eight bytes with a token somewhere else: a memo hash that
      // reads only those would mix these up.
      String ua = base + "x".repeat(random.nextInt(3)) + token + " y" + i % 97 + base;
      agents.add(ua.getBytes(StandardCharsets.UTF_8));
      if (random.nextInt(50) == 0) {
        agents.add(("short" + i).getBytes(StandardCharsets.UTF_8)); // under 8 bytes or near
        agents.add("x".repeat(600 + i % 5).concat("bot").getBytes(StandardCharsets.UTF_8));
      }
    }
    assertThat(agents.size()).isGreaterThan(10 * UserAgentFilter.Memo.SLOTS);
    assertSameVerdicts(agents);
  }
}
