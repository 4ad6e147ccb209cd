package dev.preheat.internal.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import tools.jackson.core.exc.StreamConstraintsException;

class JsonTest {

  @Test
  void readLimitsAreJackson2sOrStricter() {
    // Jackson 2: strings up to 20,000,000 chars, nesting 1000; Jackson 3 alone: 100,000,000, 500.
    assertThat(Json.READ_LIMITS.getMaxStringLength()).isEqualTo(20_000_000);
    assertThat(Json.READ_LIMITS.getMaxNestingDepth()).isLessThanOrEqualTo(1000);
    assertThat(Json.READ_LIMITS.getMaxNumberLength()).isLessThanOrEqualTo(1000);
    assertThat(Json.READ_LIMITS.getMaxNameLength()).isLessThanOrEqualTo(50_000);
    String longString = "\"" + "a".repeat(20_000_001) + "\"";
    assertThatThrownBy(() -> Json.MAPPER.readTree(longString))
        .isInstanceOf(StreamConstraintsException.class);
    assertThatThrownBy(() -> Json.PRETTY.readTree("[".repeat(1001)))
        .isInstanceOf(StreamConstraintsException.class);
    assertThat(Json.MAPPER.readTree("\"" + "a".repeat(1000) + "\"").asString()).hasSize(1000);
  }

  @Test
  void textNeverThrowsAndKeepsScalars() {
    var n = Json.MAPPER.readTree("{\"s\":\"x\",\"n\":12,\"b\":true,\"o\":{},\"a\":[1],\"z\":null}");
    assertThat(Json.text(n.path("s"))).isEqualTo("x");
    assertThat(Json.text(n.path("n"))).isEqualTo("12");
    assertThat(Json.text(n.path("b"))).isEqualTo("true");
    assertThat(Json.text(n.path("o"))).isEmpty();
    assertThat(Json.text(n.path("a"))).isEmpty();
    assertThat(Json.text(n.path("z"))).isEmpty();
    assertThat(Json.text(n.path("missing"))).isEmpty();
  }

  @Test
  void prettyOutputIsJackson2sDefaultPrettyPrinter() {
    var n = Json.MAPPER.createObjectNode().put("a", 1);
    n.putArray("e");
    n.putObject("o");
    assertThat(Json.PRETTY.writeValueAsString(n))
        .isEqualTo("{\n  \"a\" : 1,\n  \"e\" : [ ],\n  \"o\" : { }\n}");
  }
}
