package dev.preheat.simulate;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * How long the simulated cache keeps URLs matching a pattern fresh: a {@code max-age} for a class
 * of URLs ({@code \.css$} for a week, {@code ^/api/} for a minute). The pattern is searched in the
 * canonical URL ({@link java.util.regex.Matcher#find()} semantics). Immutable.
 *
 * @param pattern the pattern searched in the URL
 * @param maxAge how long a stored copy stays fresh; {@link Duration#ZERO} means never stored
 */
public record TtlRule(Pattern pattern, Duration maxAge) {

  /**
   * Validates the components.
   *
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if {@code maxAge} is negative
   */
  public TtlRule {
    Objects.requireNonNull(pattern, "pattern");
    Objects.requireNonNull(maxAge, "maxAge");
    if (maxAge.isNegative()) {
      throw new IllegalArgumentException("maxAge must be >= 0 but was " + maxAge + " for " + pattern);
    }
  }

  /**
   * A rule from a regular expression.
   *
   * @throws IllegalArgumentException if {@code regex} does not compile (the message names it) or
   *     {@code maxAge} is negative
   */
  public static TtlRule of(String regex, Duration maxAge) {
    Objects.requireNonNull(regex, "regex");
    try {
      return new TtlRule(Pattern.compile(regex), maxAge);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("TTL rule pattern '" + regex
          + "' is not a valid regular expression: " + e.getDescription(), e);
    }
  }

  /** Whether this rule applies to {@code url}. */
  public boolean matches(String url) {
    return pattern.matcher(url).find();
  }

  @Override
  public String toString() {
    return pattern.pattern() + "=" + maxAge;
  }
}
