package dev.preheat.http.internal;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** Checks the http module's builders share for their settings. */
public final class Settings {

  private Settings() {}

  /**
   * Refuses a setting given twice.
   *
   * @throws IllegalStateException naming the setting and its current value if it is set
   */
  public static void requireUnset(@Nullable Object current, String setting) {
    if (current != null) {
      throw new IllegalStateException(setting + " was already set to " + current);
    }
  }

  /**
   * Returns {@code d} if it is positive.
   *
   * @throws IllegalArgumentException naming the setting if {@code d} is zero or negative
   */
  public static Duration positive(Duration d, String setting) {
    Objects.requireNonNull(d, setting);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(setting + " must be > 0 but was " + d);
    }
    return d;
  }
}
