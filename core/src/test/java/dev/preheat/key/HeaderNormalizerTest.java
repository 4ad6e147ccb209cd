package dev.preheat.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HeaderNormalizerTest {

  static final String CHROME_DESKTOP =
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
  static final String SAFARI_IPHONE =
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1";

  private final HeaderNormalizer defaults = HeaderNormalizer.defaults();
  private final HeaderNormalizer full =
      HeaderNormalizer.builder()
          .keyHeaders("Accept-Encoding", "X-Country")
          .supportedLanguages("en", "en-US", "de", "fr-CH")
          .defaultLanguage("en")
          .deviceClassHeader(HeaderNormalizer.DEFAULT_DEVICE_CLASS_HEADER)
          .build();

  @ParameterizedTest(name = "''{0}'' -> {1}")
  @CsvSource(
      delimiter = '|',
      nullValues = "NULL",
      value = {
        // real browsers
        "gzip, deflate, br, zstd|br",
        "gzip, deflate, br|br",
        "gzip, deflate|gzip",
        "deflate|identity",
        // q-values
        "gzip;q=1, br;q=0|gzip",
        "br;q=0.5, gzip;q=0.8|gzip",
        "br;q=0.8, gzip;q=0.8|br",
        "BR;Q=0.9, GZIP;Q=0.1|br",
        "gzip;q=0.001|gzip",
        "gzip;q=0|identity",
        "gzip ; q=0.5 , br ; q=0.4|gzip",
        // identity and *
        "*|br",
        "*;q=0|identity",
        "*;q=0.5, br;q=0|gzip",
        "identity;q=1, gzip;q=0.5|identity",
        "identity;q=0, gzip|gzip",
        // malformed q-values are ignored, not fatal
        "br;q=abc, gzip|gzip",
        "br;q=1.5, gzip|gzip",
        // missing or empty header
        "NULL|identity",
        "''|identity",
      })
  void negotiatesAcceptEncoding(String header, String expected) {
    assertThat(defaults.negotiateEncoding(header)).contains(expected);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"identity;q=0, *;q=0", "*;q=0, identity;q=0", "gzip;q=0, br;q=0, identity;q=0"})
  void refusesEverythingWhenIdentityIsRefusedToo(String header) {
    assertThat(defaults.negotiateEncoding(header)).isEmpty();
    assertThat(defaults.normalize(Map.of("Accept-Encoding", List.of(header)))).doesNotContainKey("accept-encoding");
  }

  @Test
  void usesServerPreferenceOrderOfConfiguredCodings() {
    HeaderNormalizer zstdFirst = HeaderNormalizer.builder().supportedEncodings("zstd", "gzip").build();
    assertThat(zstdFirst.negotiateEncoding("gzip, deflate, br, zstd")).contains("zstd");
    assertThat(zstdFirst.negotiateEncoding("gzip, deflate, br")).contains("gzip");
    assertThat(zstdFirst.negotiateEncoding("br")).contains("identity");
  }

  @ParameterizedTest(name = "''{0}'' -> {1}")
  @CsvSource(
      delimiter = '|',
      nullValues = "NULL",
      value = {
        "de-DE,de;q=0.9,en;q=0.8|de",
        "en-US,en;q=0.9|en-US",
        "en-GB,en;q=0.9|en",
        "fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5|fr-CH",
        "fr-FR,fr;q=0.9|en",
        "de;q=0.5, en-US;q=0.7|en-US",
        "de;q=0, en-US|en-US",
        "de;q=0|en",
        "ja, *|en",
        "EN-us|en-US",
        "de-CH-1996|de",
        "NULL|en",
        "''|en",
        "de;q=zz|en",
      })
  void negotiatesAcceptLanguage(String header, String expected) {
    assertThat(full.negotiateLanguage(header)).isEqualTo(expected);
  }

  @Test
  void normalizesAMultimapToTheKeyHeadersOnly() {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    headers.put("Accept-Encoding", List.of("gzip, deflate, br, zstd"));
    headers.put("Accept-Language", List.of("de-DE,de;q=0.9,en;q=0.8"));
    headers.put("User-Agent", List.of(SAFARI_IPHONE));
    headers.put("Cookie", List.of("session=secret; _ga=GA1.2"));
    headers.put("Authorization", List.of("Bearer abc"));
    headers.put("traceparent", List.of("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
    headers.put("Date", List.of("Tue, 15 Nov 1994 08:12:31 GMT"));
    headers.put("x-country", List.of(" DE "));
    headers.put("X-Country", List.of("AT"));

    assertThat(full.normalize(headers))
        .containsExactly(
            Map.entry("accept-encoding", "br"),
            Map.entry("accept-language", "de"),
            Map.entry("x-country", "DE, AT"),
            Map.entry("x-device-class", "mobile"));
  }

  @Test
  void missingHeadersGetDefaultsAndAbsentPassThroughHeadersStayAbsent() {
    assertThat(full.normalize(Map.of()))
        .containsExactly(
            Map.entry("accept-encoding", "identity"),
            Map.entry("accept-language", "en"),
            Map.entry("x-device-class", "desktop"));
  }

  @Test
  void defaultsKeepOnlyAcceptEncoding() {
    assertThat(defaults.keyHeaders()).containsExactly("accept-encoding");
    assertThat(defaults.normalize(Map.of("User-Agent", List.of(CHROME_DESKTOP), "Cookie", List.of("a=b"))))
        .containsExactly(Map.entry("accept-encoding", "identity"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "X-Forwarded-For|1.2.3.4\\r\\nX-Injected: 1|X-Forwarded-For",
        "Cookie|a=b\\nSet-Cookie: c=d|Cookie",
        "Accept-Encoding|gzip\\0|Accept-Encoding",
        "Bad Name|v|Bad Name",
        "Bad\\r\\nName|v|Bad\\u000D\\u000AName",
        "X:Colon|v|X:Colon",
      })
  void rejectsInjectionInAnyHeaderNamingIt(String name, String value, String named) {
    Map<String, List<String>> headers =
        Map.of(UrlCanonicalizerTest.unescape(name), List.of(UrlCanonicalizerTest.unescape(value)));
    assertThatThrownBy(() -> full.normalize(headers))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + named + "'")
        .hasMessageNotContaining("\r")
        .hasMessageNotContaining("\n");
  }

  @Test
  void allowsHorizontalTabInValues() {
    assertThat(full.normalize(Map.of("X-Country", List.of("DE\tAT")))).containsEntry("x-country", "DE\tAT");
  }

  @Test
  void builderFailsFast() {
    assertThatThrownBy(() -> HeaderNormalizer.builder().keyHeaders("accept-language").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("supportedLanguages");
    assertThatThrownBy(() -> HeaderNormalizer.builder().supportedLanguages("en").defaultLanguage("de").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("default language de is not one of the supported languages [en]");
    assertThatThrownBy(() -> HeaderNormalizer.builder().supportedEncodings("gzip").supportedEncodings("br"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already set");
    assertThatThrownBy(() -> HeaderNormalizer.builder().supportedEncodings("gzip", "GZIP"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("distinct");
    assertThatThrownBy(() -> HeaderNormalizer.builder().supportedLanguages("not a tag"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("BCP 47");
    assertThatThrownBy(() -> HeaderNormalizer.builder().keyHeaders("x y"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("RFC 9110 token");
  }

  @ParameterizedTest
  @CsvSource({"Cookie", "authorization", "Proxy-Authorization", "set-cookie"})
  void neverLetsCredentialsIntoTheKey(String header) {
    assertThatThrownBy(() -> HeaderNormalizer.builder().keyHeaders("accept-encoding", header))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(header + " cannot be a key header")
        .hasMessageContaining("CohortCookie");
  }

  @Test
  void identityIsAlwaysSupported() {
    assertThat(HeaderNormalizer.builder().supportedEncodings("gzip").build().toString())
        .contains("encodings=[gzip, identity]");
  }
}
