package dev.preheat.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CacheKeyTest {

  @Test
  void hasAStableDocumentedStringForm() {
    CacheKey key =
        CacheKey.of("Example.com", "/a?b=1", Map.of("Accept-Language", "de", "accept-encoding", "br"));
    assertThat(key.toString()).isEqualTo("example.com/a?b=1|accept-encoding=br|accept-language=de");
    assertThat(CacheKey.of("example.com:8080", "/", Variant.none()).toString()).isEqualTo("example.com:8080/");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = ' ',
      value = {
        "example.com/a?b=1|accept-encoding=br|accept-language=de",
        "example.com/",
        "example.com:8080/a/b%2Fc?q=%7C|x-tag=a%7Cb%25c",
        "[2001:db8::1]/a|x-empty=",
        "shop.example.com/p?x=a=b|x-device-class=mobile",
      })
  void parsesItsOwnStringFormBack(String text) {
    CacheKey key = CacheKey.parse(text);
    assertThat(key.toString()).isEqualTo(text);
    assertThat(CacheKey.parse(key.toString())).isEqualTo(key).hasSameHashCodeAs(key);
  }

  @Test
  void escapesPipesAndPercentInHeaderValues() {
    CacheKey key = CacheKey.of("example.com", "/a", Map.of("x-tag", "a|b%c"));
    assertThat(key.toString()).isEqualTo("example.com/a|x-tag=a%7Cb%25c");
    assertThat(CacheKey.parse(key.toString()).headers()).containsEntry("x-tag", "a|b%c");
  }

  @Test
  void equalityIgnoresHeaderOrderAndNameCaseButNotValues() {
    CacheKey a = CacheKey.of("example.com", "/a", Map.of("Accept-Encoding", "br", "X-Device-Class", "mobile"));
    CacheKey b = CacheKey.of("EXAMPLE.COM", "/a", Map.of("x-device-class", "mobile", "accept-encoding", "br"));
    CacheKey c = CacheKey.of("example.com", "/a", Map.of("accept-encoding", "gzip", "x-device-class", "mobile"));
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(c);
    assertThat(a).isNotEqualTo(CacheKey.of("example.com", "/b", a.variant()));
  }

  @Test
  void buildsFromAbsoluteUrlsThroughTheCanonicalizer() {
    CacheKey key =
        CacheKey.forUrl(
            UrlCanonicalizer.defaults(),
            "HTTPS://Example.com:443/a/../b?utm_source=x&id=1#top",
            Variant.of(Map.of("accept-encoding", "br")));
    assertThat(key.toString()).isEqualTo("example.com/b?id=1|accept-encoding=br");
    assertThat(key.host()).isEqualTo("example.com");
    assertThat(key.target()).isEqualTo("/b?id=1");
  }

  @Test
  void endToEndFromRawRequestToKey() {
    HeaderNormalizer normalizer = HeaderNormalizer.builder().supportedLanguages("en", "de").build();
    Map<String, String> normalized =
        normalizer.normalize(
            Map.of(
                "Accept-Encoding", List.of("gzip, deflate, br, zstd"),
                "Accept-Language", List.of("de-DE,de;q=0.9"),
                "Cookie", List.of("session=abc")));
    Variant variant = VaryPolicy.defaults().variant("Accept-Encoding, Accept-Language", normalized);
    CacheKey key = CacheKey.of("example.com", UrlCanonicalizer.defaults().canonicalize("/a?utm_medium=m&b=1"), variant);
    assertThat(key.toString()).isEqualTo("example.com/a?b=1|accept-encoding=br|accept-language=de");
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @CsvSource(
      delimiter = ';',
      value = {
        "/a;no host",
        "example.com;no host",
        "example.com/a|novalue;pair without 'name='",
        "exa$mple.com/a;contains the character '$'",
        "example.com/a|bad name=v;RFC 9110 token",
        "example.com/a|x=1\\r\\n;carriage return",
      })
  void rejectsMalformedStrings(String text, String problem) {
    assertThatThrownBy(() -> CacheKey.parse(UrlCanonicalizerTest.unescape(text)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(problem);
  }

  @ParameterizedTest
  @CsvSource(delimiter = ' ', value = {"/a|b", "/a#f", "/a\\u0020b", "a", "/a\\nb"})
  void rejectsTargetsThatAreNotCanonical(String target) {
    String t = UrlCanonicalizerTest.unescape(target.replace("\\u0020", " "));
    assertThatThrownBy(() -> CacheKey.of("example.com", t, Variant.none()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cache key target");
  }

  @Test
  void rejectsHeaderInjectionInKeyHeaders() {
    assertThatThrownBy(() -> CacheKey.of("example.com", "/", Map.of("x-a", "1\r\nX-Evil: 2")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'x-a'")
        .hasMessageContaining("carriage return");
  }
}
