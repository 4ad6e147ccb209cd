package dev.preheat.internal.sitemap;

import java.io.IOException;

/** Thrown by {@link LimitedInputStream} when more bytes were read than its cap allows. */
public final class LimitExceededException extends IOException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was exceeded, in the user's words
   */
  public LimitExceededException(String message) {
    super(message);
  }
}
