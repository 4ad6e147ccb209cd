package dev.preheat.spring;

/** What happens when warming passes {@code preheat.startup.timeout}. */
public enum OnTimeout {
  /** Fail open: cancel what is left, log, record a degraded report, and start anyway. */
  PROCEED,
  /** Startup fails with an exception naming the tasks that did not finish. */
  FAIL
}
