package dev.preheat.internal.warm;

/**
 * Hides query values in URLs and target keys before they reach logs or listener-facing strings:
 * {@code /search?q=secret&page=2} becomes {@code /search?q=***&page=***}. Names stay visible so
 * people can still tell the URLs apart.
 */
public final class Redactor {

  /** A redactor that hides query values. */
  public static final Redactor QUERY_VALUES = new Redactor(true);

  /** A redactor that shows URLs as they are (explicitly enabled by the user). */
  public static final Redactor NONE = new Redactor(false);

  private final boolean redact;

  private Redactor(boolean redact) {
    this.redact = redact;
  }

  /** {@code text} (a URL or a target key) with query values replaced by {@code ***}. */
  public String redact(String text) {
    int q = text.indexOf('?');
    if (!redact || q < 0) {
      return text;
    }
    int hash = text.indexOf('#', q);
    int end = hash < 0 ? text.length() : hash;
    StringBuilder b = new StringBuilder(text.length()).append(text, 0, q + 1);
    int i = q + 1;
    while (i <= end) {
      int amp = text.indexOf('&', i);
      int stop = amp < 0 || amp > end ? end : amp;
      String pair = text.substring(i, stop);
      int eq = pair.indexOf('=');
      b.append(eq < 0 ? pair : pair.substring(0, eq + 1) + "***");
      if (stop < end) {
        b.append('&');
      }
      i = stop + 1;
    }
    return b.append(text, end, text.length()).toString();
  }
}
