package dev.preheat.spring.internal;

/** A task that may turn out to have nothing to do; the preheater then leaves it out. */
public interface MaybeEmpty {

  /** Whether there is nothing to warm. */
  boolean isEmpty();
}
