package dev.preheat.warm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WarmPlanTest {

  @Test
  void hashIsIndependentOfBuildOrderAndOrderIsByWeight() {
    WarmPlan a = WarmPlan.builder().baseUrl(URI.create("https://shop.test"))
        .entry("/a", 1, "log").entry("/b", 5, "log").entry("https://cdn.test/c", 3, "sitemap")
        .variant(WarmVariant.of("gz", "Accept-Encoding", "gzip", "Accept-Language", "en"))
        .variant(WarmVariant.of("br", "Accept-Encoding", "br"))
        .build();
    WarmPlan b = WarmPlan.builder()
        .variant(WarmVariant.of("br", "Accept-Encoding", "br"))
        .entry("https://cdn.test/c", 3.0, "other")
        .variant(WarmVariant.of("gz", "Accept-Language", "en", "accept-encoding", "gzip"))
        .entry("https://shop.test/b", 5, "log").entry("https://shop.test/a", 1, "log")
        .build();
    assertThat(a.hash()).isEqualTo(b.hash()).hasSize(64);
    assertThat(a.entries()).extracting(e -> e.url().toString())
        .containsExactly("https://shop.test/b", "https://cdn.test/c", "https://shop.test/a");
    assertThat(a.targets()).hasSize(6).first()
        .satisfies(t -> assertThat(t.key()).isEqualTo("br https://shop.test/b"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "weight changes the hash, /a, 2, gzip",
      "url changes the hash, /z, 1, gzip",
      "header value changes the hash, /a, 1, br"})
  void contentChangesTheHash(String name, String path, double weight, String encoding) {
    WarmPlan base = WarmPlan.builder().baseUrl(URI.create("http://h.test")).entry("/a", 1, "t")
        .variant(WarmVariant.of("v", "Accept-Encoding", "gzip")).build();
    WarmPlan other = WarmPlan.builder().baseUrl(URI.create("http://h.test"))
        .entry(path, weight, "t").variant(WarmVariant.of("v", "Accept-Encoding", encoding)).build();
    assertThat(other.hash()).isNotEqualTo(base.hash());
  }

  @Test
  void duplicateEntriesKeepTheLargestWeightAndPlansWithoutVariantsGetTheDefault() {
    WarmPlan p = WarmPlan.builder().entry("http://h.test/a", 1, "x").entry("http://h.test/a", 4, "y")
        .build();
    assertThat(p.entries()).singleElement().satisfies(e -> {
      assertThat(e.weight()).isEqualTo(4);
      assertThat(e.provenance()).isEqualTo("y");
    });
    assertThat(p.variants()).containsExactly(WarmVariant.defaultVariant());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "relative path without slash | a/b | must be an absolute http(s) URL or a path starting with '/'",
      "path without base           | /a  | is a path but no baseUrl was set",
      "ftp URL                     | ftp://h.test/a | absolute http(s) URL with a host",
      "bad syntax                  | http://h.test/a b | not a valid URI"})
  void badEntriesAreNamedInTheError(String name, String entry, String message) {
    WarmPlan.Builder b = WarmPlan.builder().entry("http://h.test/ok", 1, "list.txt")
        .entry(entry, 1, "list.txt");
    assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("plan entry #2 '" + entry + "' (list.txt)")
        .hasMessageContaining(message);
  }

  @Test
  void negativeWeightIsRejected() {
    assertThatThrownBy(() -> WarmPlan.builder().entry("http://h.test/a", -1, "t").build())
        .hasMessageContaining("weight of http://h.test/a must be a finite number >= 0 but was -1.0");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "CRLF in value  | X-A | a\\r\\nX-Evil: 1 | a carriage return (CR, U+000D) at index 1",
      "LF in value    | X-A | a\\nb            | a line feed (LF, U+000A) at index 1",
      "NUL in value   | X-A | a\\u0000b        | a NUL character (U+0000)",
      "space in name  | X A | v                | header name 'X A' contains a space (U+0020) at index 1",
      "colon in name  | X:A | v                | contains the character ':'",
      "CR in name     | X\\rA | v              | a carriage return (CR, U+000D) at index 1"})
  void headersWithControlCharactersAreRejected(String name, String header, String value,
      String message) {
    String h = unescape(header);
    String v = unescape(value);
    assertThatThrownBy(() -> new WarmVariant("v1", Map.of(h, v)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("variant 'v1':")
        .hasMessageContaining(message);
  }

  @Test
  void tabsInValuesAndDuplicateVariantNames() {
    assertThat(WarmVariant.of("t", "X-A", "a\tb").headers()).containsEntry("X-A", "a\tb");
    assertThatThrownBy(() -> WarmPlan.builder().variant(WarmVariant.of("x"))
        .variant(WarmVariant.of("x", "A", "b"))).hasMessage("variant 'x' was already added");
    assertThatThrownBy(() -> WarmVariant.of("bad name")).hasMessageContaining("without spaces");
  }

  private static String unescape(String s) {
    return s.replace("\\r", "\r").replace("\\n", "\n").replace("\\u0000", "\u0000");
  }
}
