package dev.preheat.redis;

/**
 * Redis could not be reached or stopped answering. The message says which endpoint and what to
 * check.
 */
public final class RedisUnavailableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** With a message and the cause. */
  public RedisUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
