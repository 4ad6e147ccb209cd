package dev.preheat.internal.warm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.preheat.warm.WarmResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ResponseHeadersTest {

  @Test
  void looksUpIgnoringCaseAndKeepsArrivalOrderOfValues() {
    ResponseHeaders h = ResponseHeaders.builder(4)
        .add("Set-Cookie", "a=1")
        .add("Content-Type", "text/html")
        .add("set-cookie", "b=2")
        .add("SET-COOKIE", "c=3")
        .build();
    assertThat(h).hasSize(2);
    assertThat(h.get("set-cookie")).containsExactly("a=1", "b=2", "c=3");
    assertThat(h.get("CONTENT-TYPE")).containsExactly("text/html");
    assertThat(h.containsKey("content-type")).isTrue();
    assertThat(h.containsKey("Content-Length")).isFalse();
    assertThat(h.get("Content-Typ")).isNull();
    assertThat(h.get(null)).isNull();
    assertThat(h.get(42)).isNull();
    // the first line's spelling names the entry; names iterate in case-insensitive order
    assertThat(h.keySet()).containsExactly("Content-Type", "Set-Cookie");
  }

  @Test
  void isImmutable() {
    ResponseHeaders h = ResponseHeaders.builder(1).add("A", "1").add("a", "2").build();
    assertThatThrownBy(() -> h.put("B", List.of("x")))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> h.remove("A")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(h::clear).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> h.computeIfAbsent("A", k -> List.of()))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> h.merge("A", List.of(), (x, y) -> x))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> h.entrySet().iterator().next().setValue(List.of()))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> h.get("a").add("3")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> h.keySet().remove("A"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void rejectsNulls() {
    ResponseHeaders.Builder b = ResponseHeaders.builder(0);
    assertThatThrownBy(() -> b.add(null, "v")).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> b.add("n", null)).isInstanceOf(NullPointerException.class);
    Map<String, List<String>> withNull = new LinkedHashMap<>();
    withNull.put("A", Arrays.asList("1", null));
    assertThatThrownBy(() -> ResponseHeaders.of(withNull))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> ResponseHeaders.builder(-1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void ofKeepsItselfAndCopiesOtherMaps() {
    ResponseHeaders built = ResponseHeaders.builder(1).add("Age", "3").build();
    assertThat(ResponseHeaders.of(built)).isSameAs(built);
    List<String> mutable = new ArrayList<>(List.of("1"));
    Map<String, List<String>> in = new LinkedHashMap<>();
    in.put("X-A", mutable);
    in.put("x-a", List.of("2"));
    in.put("Empty", List.of());
    ResponseHeaders copy = ResponseHeaders.of(in);
    mutable.add("changed");
    assertThat(copy.get("x-A")).containsExactly("1", "2");
    assertThat(copy.get("empty")).isEmpty();
    assertThat(copy.containsKey("EMPTY")).isTrue();
    assertThat(ResponseHeaders.of(Map.of())).isSameAs(ResponseHeaders.empty()).isEmpty();
  }

  /** Same entries, order, equality and hash as the TreeMap copy WarmResponse used to make. */
  @Test
  void behavesLikeACaseInsensitiveTreeMapForSmallAndLargeHeaderSets() {
    Random random = new Random(7);
    String[] pool = {"Age", "age", "Cache-Status", "X-Cache", "x-cache", "Vary", "ETag", "Etag",
        "Content-Length", "Date", "Server", "Set-Cookie", "set-cookie", "Via", "Last-Modified",
        "X-Cache-Status", "CF-Cache-Status", "x-vercel-cache", "Connection", "Expires", "Link",
        "Cache-Control", "Accept-Ranges", "Content-Type", "X-Served-By", "X-Timer"};
    for (int round = 0; round < 300; round++) {
      int lines = random.nextInt(40);
      ResponseHeaders.Builder b = ResponseHeaders.builder(random.nextInt(8));
      TreeMap<String, List<String>> expected = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      for (int i = 0; i < lines; i++) {
        String name = pool[random.nextInt(pool.length)];
        String value = "v" + i;
        b.add(name, value);
        expected.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
      }
      ResponseHeaders actual = b.build();
      assertThat(actual).isEqualTo(expected);
      assertThat(expected).isEqualTo(actual);
      assertThat(actual.hashCode()).isEqualTo(expected.hashCode());
      assertThat(new ArrayList<>(actual.keySet())).isEqualTo(new ArrayList<>(expected.keySet()));
      for (String name : pool) {
        assertThat(actual.get(name)).isEqualTo(expected.get(name));
        assertThat(actual.get(name.toUpperCase())).isEqualTo(expected.get(name));
        assertThat(actual.containsKey(name.toLowerCase())).isEqualTo(expected.containsKey(name));
      }
      assertThat(actual.get("Missing")).isNull();
    }
  }

  @Test
  void warmResponseKeepsATransportsMapAndCopiesAnyOther() {
    ResponseHeaders built = ResponseHeaders.builder(2).add("X-Cache", "HIT").build();
    WarmResponse kept = new WarmResponse(200, built, 0, Duration.ZERO, Duration.ZERO, "http/1.1");
    assertThat(kept.headers()).isSameAs(built);
    Map<String, List<String>> plain = new LinkedHashMap<>();
    plain.put("x-cache", new ArrayList<>(List.of("MISS")));
    WarmResponse copied =
        new WarmResponse(200, plain, 0, Duration.ZERO, Duration.ZERO, "http/1.1");
    plain.get("x-cache").add("HIT");
    assertThat(copied.headers("X-CACHE")).containsExactly("MISS");
    assertThat(copied.header("x-Cache")).isEqualTo("MISS");
    assertThat(copied.hasHeader("X-Cache")).isTrue();
    assertThat(copied.headers("Age")).isEmpty();
    assertThat(copied.headers()).isEqualTo(Collections.singletonMap("x-cache", List.of("MISS")));
  }
}
