package dev.preheat.purge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.preheat.warm.WarmPlan;
import dev.preheat.warm.WarmResponse;
import dev.preheat.warm.WarmTarget;
import dev.preheat.warm.WarmVariant;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TagRegistryTest {

  static URI url(String path) {
    return URI.create("https://shop.test" + path);
  }

  static WarmTarget target(String path) {
    return new WarmTarget(new WarmPlan.Entry(url(path), 1, "t", 0),
        WarmVariant.defaultVariant());
  }

  static WarmResponse response(int status, Map<String, List<String>> headers) {
    return new WarmResponse(status, headers, 0, Duration.ZERO, Duration.ZERO, "http/1.1");
  }

  @Test
  void mapsUrlsAndTagsBothWaysAndReplacesOnPut() {
    TagRegistry r = TagRegistry.inMemory(10);
    r.put(url("/a"), List.of("x", "y"));
    r.put(url("/b"), List.of("y"));
    assertThat(r.urls("y")).containsExactlyInAnyOrder(url("/a"), url("/b"));
    r.put(url("/a"), List.of("z"));
    assertThat(r.urls("y")).containsExactly(url("/b"));
    assertThat(r.urls("x")).isEmpty();
    assertThat(r.tags(url("/a"))).containsExactly("z");
    r.put(url("/a"), List.of());
    assertThat(r.size()).isEqualTo(1);
    r.remove(url("/b"));
    assertThat(r.urls("y")).isEmpty();
    assertThat(r.size()).isZero();
  }

  @Test
  void isBoundedInUrlsAndTagsPerUrl() {
    TagRegistry r = TagRegistry.inMemory(3, 2);
    for (int i = 0; i < 5; i++) {
      r.put(url("/p" + i), List.of("all", "t" + i, "extra" + i));
    }
    assertThat(r.size()).isEqualTo(3);
    assertThat(r.urls("all")).containsExactlyInAnyOrder(url("/p2"), url("/p3"), url("/p4"));
    assertThat(r.urls("t0")).as("forgotten with its URL").isEmpty();
    assertThat(r.tags(url("/p4"))).containsExactlyInAnyOrder("all", "t4");
  }

  @Test
  void rejectsBadUrlsAndTags() {
    TagRegistry r = TagRegistry.inMemory(10);
    assertThatThrownBy(() -> r.put(URI.create("/a"), List.of("x")))
        .hasMessageContaining("absolute http(s) URL");
    assertThatThrownBy(() -> r.put(url("/a"), List.of("a\nb")))
        .hasMessageContaining("control character at index 1");
    assertThatThrownBy(() -> TagRegistry.inMemory(0)).hasMessage("maxUrls must be >= 1 but was 0");
  }

  @Test
  void recorderReadsSurrogateKeyCacheTagAndXkeyFromSuccessfulResponses() {
    TagRegistry r = TagRegistry.inMemory(10);
    TagRecorder rec = TagRecorder.of(r);
    rec.responseReceived(target("/a"), response(200, Map.of(
        "surrogate-key", List.of("p-1  p-2"), "Cache-Tag", List.of("c-1,c-2, p-1"),
        "xkey", List.of("x-1", "x-2"))));
    assertThat(r.tags(url("/a"))).containsExactlyInAnyOrder("p-1", "p-2", "c-1", "c-2", "x-1",
        "x-2");

    rec.responseReceived(target("/a"), response(503, Map.of()));
    assertThat(r.tags(url("/a"))).as("errors change nothing").hasSize(6);
    rec.responseReceived(target("/a"), response(200, Map.of()));
    assertThat(r.tags(url("/a"))).as("untagged content forgets the tags").isEmpty();
  }

  @Test
  void recorderReadsOnlyTheConfiguredHeaders() {
    TagRegistry r = TagRegistry.inMemory(10);
    TagRecorder rec = TagRecorder.of(r, List.of("X-Tags"));
    rec.responseReceived(target("/a"), response(200, Map.of(
        "Surrogate-Key", List.of("ignored"), "x-tags", List.of("kept"))));
    assertThat(r.tags(url("/a"))).containsExactly("kept");
  }
}
