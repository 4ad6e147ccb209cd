package dev.preheat.cli;

import dev.preheat.internal.warm.Redactor;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the CLI prints about URLs it read or sent: query values replaced by the keyed hashes the
 * warm engine uses ({@code /feed?token=~3fa9c2d1}, see {@link Redactor}), never shown in clear,
 * so a token in a URL list, a log or a purge request does not end up in a terminal or CI log.
 */
final class QueryValues {

  /** A quoted text, or an unquoted absolute URL or path with a query. */
  private static final Pattern URL_IN_TEXT =
      Pattern.compile("'([^']*)'|((?:[a-zA-Z][a-zA-Z0-9+.-]*://|/)[^\\s'\"]*\\?[^\\s'\"]*)");

  private QueryValues() {}

  /** {@code url} with its query values hashed. */
  static String hashed(String url) {
    return Redactor.QUERY_VALUES.redact(url);
  }

  /**
   * {@code text} (an input problem, an error message) with the query values of every URL in it
   * hashed: quoted ones ({@code 'x?a=1'}) and unquoted absolute URLs or paths with a query.
   */
  static String hashedIn(String text) {
    return URL_IN_TEXT.matcher(text).replaceAll(m -> Matcher.quoteReplacement(m.group(1) != null
        ? "'" + hashed(m.group(1)) + "'" : hashed(m.group(2))));
  }
}
