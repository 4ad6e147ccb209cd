package dev.preheat.hotset;

import java.util.Objects;

/**
 * A limit that cut or changed the selection, stated so that nothing is clamped silently.
 *
 * @param kind which limit applied
 * @param count how many entries (or URLs, for {@link Kind#EXPIRED_LIST}) it affected
 * @param message a human-readable sentence naming the limit, its value and the effect
 */
public record Clamp(Kind kind, long count, String message) {

  /** The kinds of limits a selection reports. */
  public enum Kind {
    /** The hard size cap ({@code max}) cut entries (from traffic and/or lists). */
    MAX,
    /** Sustained popularity ({@code sustain k/n}) skipped entries hot in fewer than k windows. */
    SUSTAIN,
    /** The cap on entries new since the previous window ({@code maxNewEntries}) dropped entries. */
    NEW_ENTRIES,
    /** The coverage target was not reached; the message names what stopped it. */
    COVERAGE_NOT_REACHED,
    /** A blend list was past its expiry instant and was ignored. */
    EXPIRED_LIST,
    /** The memory budget was reached; counting switched to a bounded sketch. */
    MEMORY_BUDGET
  }

  /**
   * Validates the components.
   *
   * @throws NullPointerException if {@code kind} or {@code message} is null
   * @throws IllegalArgumentException if {@code count < 0}
   */
  public Clamp {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(message, "message");
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0 but was " + count);
    }
  }

  @Override
  public String toString() {
    return kind + ": " + message;
  }
}
