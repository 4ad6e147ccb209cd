package dev.preheat.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UrlCanonicalizerTest {

  private final UrlCanonicalizer canon = UrlCanonicalizer.defaults();

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = ' ',
      value = {
        // scheme and host case, default ports
        "HTTPS://Example.COM/a https://example.com/a",
        "http://example.com:80/a http://example.com/a",
        "https://example.com:443/a https://example.com/a",
        "http://example.com:443/a http://example.com:443/a",
        "https://example.com:80/a https://example.com:80/a",
        "https://example.com:8443/a https://example.com:8443/a",
        "https://example.com:/a https://example.com/a",
        "https://example.com:0443/a https://example.com/a",
        "https://[2001:DB8::1]:443/a https://[2001:db8::1]/a",
        "https://bücher.example/a https://xn--bcher-kva.example/a",
        // empty path of an absolute URL
        "https://example.com https://example.com/",
        "https://example.com?x=1 https://example.com/?x=1",
        "https://example.com#top https://example.com/",
        // dot segments (RFC 3986 5.2.4)
        "/a/b/../c /a/c",
        "/a/./b /a/b",
        "/../a /a",
        "/a/b/.. /a/",
        "/a/b/. /a/b/",
        "/a/.b/..c /a/.b/..c",
        "/a/%2E%2E/b /b",
        "/a/.%2e/b /b",
        "https://example.com/a/../../b https://example.com/b",
        "/a/..?x=/../ /?x=/../",
        // percent-encoding
        "/%7euser /~user",
        "/%41%62%63 /Abc",
        "/a%2fb /a%2Fb",
        "/a%2Fb /a%2Fb",
        "/a?q=%3d%26 /a?q=%3D%26",
        "/caf%c3%a9 /caf%C3%A9",
        "/café /caf%C3%A9",
        "/a|b /a%7Cb",
        "/a{b} /a%7Bb%7D",
        "/a?x=[1] /a?x=%5B1%5D",
        // fragments
        "/a#frag /a",
        "/a?b=1#frag /a?b=1",
        // empty queries and pairs
        "/a? /a",
        "/a?# /a",
        "/a?&&b=1&&c=2& /a?b=1&c=2",
        // tracking parameters removed, order preserved
        "/p?utm_source=x&b=2&a=1 /p?b=2&a=1",
        "/p?b=2&gclid=1&fbclid=2&msclkid=3&mc_cid=4&mc_eid=5&_ga=6&a=1 /p?b=2&a=1",
        "/p?utm_medium=x&utm_campaign=y /p",
        "/p?utm%5Fsource=x&z=1 /p?z=1",
        "/p?UTM_SOURCE=x /p?UTM_SOURCE=x",
        "/p?gclidx=1 /p?gclidx=1",
        // already canonical
        "/ /",
        "/a/b?c=d&e /a/b?c=d&e",
        "/a;b=c/@x:y /a;b=c/@x:y",
        "/search?q=a+b&x=%2F /search?q=a+b&x=%2F",
      })
  void canonicalizes(String input, String expected) {
    assertThat(canon.canonicalize(input)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "/a b|space",
        "/a\\tb|control character",
        "/a\\nb|line feed",
        "/a\\rb|carriage return",
        "/a\\0b|NUL",
        "/a\\x85b|control character",
        "/a%zz|bad percent escape '%zz'",
        "/a%4|bad percent escape '%4'",
        "/a%|bad percent escape '%'",
        "https:///a|no host",
        "https://:8080/a|no host",
        "https://user:pw@example.com/a|userinfo",
        "https://example.com:99999/a|port",
        "https://example.com:8x/a|invalid port",
        "https://exa mple.com/a|space",
        "https://exa$mple.com/a|in its host",
        "ftp://example.com/a|unsupported scheme 'ftp'",
        "example.com/a|neither an absolute",
        "*|neither an absolute",
        "http:/example.com|missing '//'",
        "https://[::1/a|IPv6",
      })
  void rejectsInvalidInput(String escapedInput, String message) {
    String input = unescape(escapedInput);
    assertThatThrownBy(() -> canon.canonicalize(input))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message)
        .hasMessageNotContaining("\n")
        .hasMessageNotContaining("\r");
  }

  /** Control characters cannot be written literally in a CSV table. */
  static String unescape(String s) {
    return s.replace("\\t", "\t")
        .replace("\\n", "\n")
        .replace("\\r", "\r")
        .replace("\\0", "\u0000")
        .replace("\\x85", "\u0085");
  }

  @Test
  void rejectsEmptyInput() {
    assertThatThrownBy(() -> canon.canonicalize(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty");
  }

  @Test
  void returnsTheSameInstanceWhenAlreadyCanonical() {
    String target = new String("/products/42?color=red&size=m");
    String absolute = new String("https://example.com:8443/a/b?x=%2F");
    assertThat(canon.canonicalize(target)).isSameAs(target);
    assertThat(canon.canonicalize(absolute)).isSameAs(absolute);
  }

  @ParameterizedTest(name = "{0}: {1} -> {2}")
  @CsvSource(
      delimiter = ' ',
      value = {
        "keepAll /p?utm_source=x&b=1 /p?utm_source=x&b=1",
        "keepAll /p?b=1&&a=2 /p?b=1&a=2",
        "removeTracking /p?utm_source=x&b=1 /p?b=1",
        "removeTrackingPlus /p?sid=1&utm_source=x&ref_a=1&b=1 /p?b=1",
        "removeOnly /p?sid=1&utm_source=x&b=1 /p?utm_source=x&b=1",
        "keepOnly /p?b=1&page=2&utm_source=x&sort=asc /p?page=2&sort=asc",
        "keepOnly /p?b=1 /p",
        "drop /p?b=1&c=2 /p",
        "drop https://example.com?b=1 https://example.com/",
      })
  void appliesQueryPolicy(String policy, String input, String expected) {
    QueryPolicy p =
        switch (policy) {
          case "keepAll" -> QueryPolicy.keepAll();
          case "removeTracking" -> QueryPolicy.removeTracking();
          case "removeTrackingPlus" -> QueryPolicy.removeTracking("sid", "ref_*");
          case "removeOnly" -> QueryPolicy.removeParameters(List.of("sid"));
          case "keepOnly" -> QueryPolicy.keepOnly(List.of("page", "sort"));
          default -> QueryPolicy.dropQuery();
        };
    UrlCanonicalizer c = UrlCanonicalizer.builder().queryPolicy(p).build();
    assertThat(c.canonicalize(input)).isEqualTo(expected);
    assertThat(c.canonicalize(expected)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = ' ',
      value = {
        "/p?b=2&a=1&c=3 /p?a=1&b=2&c=3",
        "/p?b=2&a=9&a=1 /p?a=9&a=1&b=2",
        "/p?a=1&b=2 /p?a=1&b=2",
        "/p?ab=1&a=2 /p?a=2&ab=1",
        "/p?z&utm_source=1&y= /p?y=&z",
      })
  void sortsParametersStablyByNameWhenAsked(String input, String expected) {
    UrlCanonicalizer sorted = UrlCanonicalizer.builder().sortParameters(true).build();
    assertThat(sorted.canonicalize(input)).isEqualTo(expected);
  }

  @Test
  void preservesParameterOrderByDefault() {
    assertThat(canon.canonicalize("/p?z=1&a=2&m=3")).isEqualTo("/p?z=1&a=2&m=3");
  }

  @Test
  void builderRejectsSettingsGivenTwice() {
    UrlCanonicalizer.Builder b = UrlCanonicalizer.builder().queryPolicy(QueryPolicy.keepAll());
    assertThatThrownBy(() -> b.queryPolicy(QueryPolicy.dropQuery()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("query policy was already set to QueryPolicy.keepAll()");
    b.sortParameters(true);
    assertThatThrownBy(() -> b.sortParameters(false))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("sortParameters was already set");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"''|must not be empty", "*|'*'", "a=b|'='", "a b|space"})
  void queryPolicyRejectsBadNames(String name, String message) {
    assertThatThrownBy(() -> QueryPolicy.removeParameters(List.of(name)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void keepOnlyNeedsANAme() {
    assertThatThrownBy(() -> QueryPolicy.keepOnly(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dropQuery()");
  }

  /** Canonicalization is idempotent over many generated, messy inputs, for every policy. */
  @Test
  void isIdempotentOverGeneratedInputs() {
    List<UrlCanonicalizer> canonicalizers =
        List.of(
            canon,
            UrlCanonicalizer.builder().sortParameters(true).build(),
            UrlCanonicalizer.builder().queryPolicy(QueryPolicy.keepAll()).build(),
            UrlCanonicalizer.builder().queryPolicy(QueryPolicy.keepOnly(List.of("a", "B"))).build(),
            UrlCanonicalizer.builder().queryPolicy(QueryPolicy.dropQuery()).build());
    Random random = new Random(20261123L);
    int checked = 0;
    for (int n = 0; n < 5_000; n++) {
      String url = randomUrl(random);
      for (UrlCanonicalizer c : canonicalizers) {
        String once = c.canonicalize(url);
        // The fast path must recognize every canonical output and return it unchanged.
        assertThat(c.canonicalize(once)).as("canon(canon(%s)) with %s", url, c).isSameAs(once);
        assertThat(once).doesNotContain("#", "/./", "/../", " ").doesNotEndWith("?");
        checked++;
      }
    }
    assertThat(checked).isEqualTo(25_000);
  }

  /**
   * The one-pass path for targets whose only fault is in their query gives exactly what the
   * general path gives, whenever it applies, for every policy; and it does apply to the usual
   * tracking-parameter case.
   */
  @Test
  void prunedTargetMatchesTheGeneralPath() {
    List<StandardUrlCanonicalizer> canonicalizers =
        List.of(
            new StandardUrlCanonicalizer(QueryPolicy.removeTracking(), false),
            new StandardUrlCanonicalizer(QueryPolicy.keepAll(), false),
            new StandardUrlCanonicalizer(QueryPolicy.keepOnly(List.of("a", "B")), false),
            new StandardUrlCanonicalizer(QueryPolicy.removeTracking("ref_*"), false),
            new StandardUrlCanonicalizer(QueryPolicy.dropQuery(), false));
    Random random = new Random(20261124L);
    int applied = 0;
    for (int n = 0; n < 20_000; n++) {
      String url = randomUrl(random);
      int slash = url.indexOf('/', url.indexOf("//") < 0 ? 0 : url.indexOf("//") + 2);
      String target = slash < 0 ? "/" + url : url.substring(slash);
      for (StandardUrlCanonicalizer c : canonicalizers) {
        String pruned = c.prunedTarget(target);
        String general;
        try {
          general = c.generalTarget(target);
        } catch (IllegalArgumentException e) {
          assertThat(pruned).as("%s with %s", target, c).isNull();
          continue;
        }
        if (pruned != null) {
          assertThat(pruned).as("%s with %s", target, c).isEqualTo(general);
          assertThat(c.canonicalize(target)).isEqualTo(general);
          applied++;
        }
      }
    }
    assertThat(applied).isGreaterThan(1_000);
    StandardUrlCanonicalizer tracking = new StandardUrlCanonicalizer(QueryPolicy.removeTracking(), false);
    assertThat(tracking.prunedTarget("/p/1?id=3&utm_source=news")).isEqualTo("/p/1?id=3");
    assertThat(tracking.prunedTarget("/p?utm_source=news")).isEqualTo("/p");
    assertThat(tracking.prunedTarget("/p?&a=1&&b&")).isEqualTo("/p?a=1&b");
    assertThat(tracking.prunedTarget("/p?")).isEqualTo("/p");
    assertThat(tracking.prunedTarget("/p?a=1&b")).isEqualTo("/p?a=1&b");
    assertThat(tracking.prunedTarget("/p?a=1&utm_source=x&b")).isEqualTo("/p?a=1&b");
    assertThat(tracking.prunedTarget("/p?a=1&b&utm_source=x")).isEqualTo("/p?a=1&b");
    assertThat(tracking.prunedTarget("/p?a=1&b&")).isEqualTo("/p?a=1&b");
    String canonical = "/p/q.html?a=1&b=%2F";
    assertThat(tracking.prunedTarget(canonical)).isSameAs(canonical);
    assertThat(tracking.prunedTarget("/p/q")).isSameAs("/p/q");
    assertThat(tracking.prunedTarget("/a/./b?utm_source=x")).isNull();
    assertThat(tracking.prunedTarget("/a%7e?utm_source=x")).isNull();
    assertThat(tracking.prunedTarget("/a?b=%2f&utm_source=x")).isNull();
    assertThat(tracking.prunedTarget("/a?b=1#f")).isNull();
    assertThat(new StandardUrlCanonicalizer(QueryPolicy.removeTracking(), true)
        .prunedTarget("/p?b=1&utm_source=x")).isNull();
  }

  private static final String[] SEGMENTS = {
    "a", "B", ".", "..", "%2e", "%2E%2e", "", "x.y", "%7E", "%7e", "%2f", "%2F", "%41", "~u",
    "caf%c3%a9", "é", "a|b", "@", ":", ";p=1", "%25", "+", "[x]"
  };
  private static final String[] PARAMS = {
    "a=1", "B=2", "utm_source=x", "UTM_Medium=y", "utm%5Fcampaign=z", "gclid=g", "fbclid=f",
    "_ga=1", "a", "", "b=%2f", "c=%3D", "d=?/", "a=2", "e=%7e", "f=é", "z=%41"
  };

  private static String randomUrl(Random r) {
    StringBuilder sb = new StringBuilder();
    switch (r.nextInt(4)) {
      case 0 -> sb.append(r.nextBoolean() ? "https://" : "HTTP://")
          .append(r.nextBoolean() ? "Example.COM" : "shop.example.com")
          .append(new String[] {"", ":80", ":443", ":8080", ":"}[r.nextInt(5)]);
      case 1 -> sb.append("https://[2001:DB8::1]").append(r.nextBoolean() ? ":443" : "");
      default -> { }
    }
    int segments = r.nextInt(6);
    if (sb.length() == 0 || segments > 0) {
      for (int i = 0; i <= segments; i++) {
        sb.append('/').append(SEGMENTS[r.nextInt(SEGMENTS.length)]);
      }
    }
    if (r.nextInt(3) > 0) {
      sb.append('?');
      int params = r.nextInt(5);
      for (int i = 0; i < params; i++) {
        if (i > 0) {
          sb.append('&');
        }
        sb.append(PARAMS[r.nextInt(PARAMS.length)]);
      }
    }
    if (r.nextInt(4) == 0) {
      sb.append('#').append(SEGMENTS[r.nextInt(SEGMENTS.length)]);
    }
    return sb.toString();
  }
}
