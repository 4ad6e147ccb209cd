package dev.preheat.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HeaderValidationTest {

  @ParameterizedTest
  @ValueSource(strings = {"Accept-Encoding", "x-device-class", "!#$%&'*+-.^_`|~", "A1"})
  void acceptsTokens(String name) {
    assertThat(HeaderValidation.requireValidName(name)).isSameAs(name);
    assertThat(HeaderValidation.isValidName(name)).isTrue();
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "''|empty",
        "X Y|a space (U+0020)",
        "X:Y|':'",
        "X\\rY|carriage return (CR, U+000D)",
        "X\\nY|line feed (LF, U+000A)",
        "X\\0Y|NUL",
        "(x)|'('",
        "Ä|'Ä'",
      })
  void rejectsNamesThatAreNotTokens(String name, String problem) {
    String n = UrlCanonicalizerTest.unescape(name);
    assertThat(HeaderValidation.isValidName(n)).isFalse();
    assertThatThrownBy(() -> HeaderValidation.requireValidName(n))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(problem)
        .hasMessageNotContaining("\r")
        .hasMessageNotContaining("\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "gzip, br", "a\tb", "caf\u00e9", "\"quoted\"", "x=1; y=2"})
  void acceptsValues(String value) {
    assertThat(HeaderValidation.requireValidValue("X-A", value)).isSameAs(value);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "a\\rb|carriage return",
        "a\\nb|line feed",
        "a\\r\\nSet-Cookie: x=1|carriage return",
        "a\\0b|NUL",
        "a\\x85b|control character (U+0085)",
      })
  void rejectsControlCharactersInValuesNamingTheHeader(String value, String problem) {
    assertThatThrownBy(() -> HeaderValidation.requireValidValue("X-Forwarded-Host", UrlCanonicalizerTest.unescape(value)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("value of header 'X-Forwarded-Host'")
        .hasMessageContaining(problem)
        .hasMessageNotContaining("\r")
        .hasMessageNotContaining("\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"\u007f", "\u20ac"})
  void rejectsDeleteAndCharactersBeyondLatin1(String value) {
    assertThatThrownBy(() -> HeaderValidation.requireValidValue("X-A", value)).isInstanceOf(IllegalArgumentException.class);
  }
}
