package dev.preheat.hotset;

/** Why a record did not count as demand in the selection window; see {@link Hotset#filtered()}. */
public enum FilterReason {
  /** The request method is not one of the configured demand methods (default GET, HEAD). */
  METHOD,
  /** The response status is not one of the configured demand statuses (default 200, 304). */
  STATUS,
  /** The URL path matched one of the configured exclude patterns. */
  EXCLUDED_PATH,
  /** The record is older than the oldest configured window. */
  BEFORE_WINDOW,
  /** The record is newer than the configured window end. */
  AFTER_WINDOW
}
