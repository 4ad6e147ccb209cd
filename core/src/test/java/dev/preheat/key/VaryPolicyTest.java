package dev.preheat.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VaryPolicyTest {

  private final VaryPolicy policy = VaryPolicy.defaults();
  private final Map<String, String> normalized =
      Map.of("accept-encoding", "br", "accept-language", "de", "x-device-class", "mobile");

  @ParameterizedTest(name = "Vary: {0} -> {1}")
  @CsvSource(
      delimiter = ';',
      nullValues = "NULL",
      value = {
        "Accept-Encoding;accept-encoding=br",
        "accept-language, Accept-Encoding;accept-encoding=br|accept-language=de",
        "Accept-Encoding,Accept-Language,accept-encoding;accept-encoding=br|accept-language=de",
        "X-Device-Class, Origin;x-device-class=mobile",
        "*;''",
        "'';''",
        "NULL;''",
      })
  void computesTheVariantInAStableOrder(String vary, String expected) {
    assertThat(policy.variant(vary, normalized).toString()).isEqualTo(expected);
  }

  @ParameterizedTest(name = "Vary: {0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "*|*|no cache can reuse",
        "Cookie|cookie|per user or session",
        "User-Agent, Accept-Encoding|user-agent|device class",
        "Authorization|authorization|Cache-Control: private",
        "X-Forwarded-For|x-forwarded-for|unbounded values",
        "accept-encoding, traceparent|traceparent|unbounded values",
      })
  void flagsVaryExplosions(String vary, String header, String explanationPart) {
    List<VaryFinding> findings = policy.findings(vary);
    assertThat(findings).extracting(VaryFinding::header).containsExactly(header);
    VaryFinding f = findings.get(0);
    assertThat(f.explanation() + " " + f.fix()).contains(explanationPart);
    assertThat(f.fix()).isNotBlank();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"Accept-Encoding", "Accept-Encoding, Accept-Language", "''", "Origin"})
  void harmlessVaryHasNoFindings(String vary) {
    assertThat(policy.findings(vary)).isEmpty();
  }

  @Test
  void reportsEveryExplosionInNameOrder() {
    assertThat(policy.findings("User-Agent, Cookie, *"))
        .extracting(VaryFinding::header)
        .containsExactly("*", "cookie", "user-agent");
  }

  @Test
  void explosiveSetCanBeReplacedOrExtended() {
    assertThat(VaryPolicy.flaggingAlso("X-Session").findings("x-session, cookie"))
        .extracting(VaryFinding::header)
        .containsExactly("cookie", "x-session");
    assertThat(VaryPolicy.flagging(List.of("X-Session")).findings("x-session, cookie, *"))
        .extracting(VaryFinding::header)
        .containsExactly("*", "x-session");
  }

  @Test
  void flagsVaryHeadersThatAreNotKeyHeaders() {
    List<VaryFinding> findings =
        policy.findings("Accept-Encoding, Accept-Language, Cookie", HeaderNormalizer.defaults().keyHeaders());
    assertThat(findings).extracting(VaryFinding::header).containsExactly("cookie", "accept-language");
    assertThat(findings.get(1).fix()).contains("keyHeaders");
  }

  @Test
  void rejectsInjectionInVary() {
    assertThatThrownBy(() -> policy.findings("Accept-Encoding\r\nX-Evil: 1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'Vary'");
    assertThatThrownBy(() -> policy.variant("Accept Encoding", normalized))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("RFC 9110 token");
  }
}
