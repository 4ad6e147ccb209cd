package dev.preheat.spring;

/**
 * Receives verified webhook changes. Declare a bean to decide what happens (e.g. purge the tags at
 * the CDN, then re-warm); without one, Preheat starts a re-warm round. Called on the request
 * thread after the webhook has been verified, before the 202 answer: hand long work to an
 * executor.
 */
@FunctionalInterface
public interface ContentChangeListener {

  /** {@code change} was announced by a correctly signed, fresh, not replayed webhook. */
  void changed(ContentChange change);
}
