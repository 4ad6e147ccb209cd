package dev.preheat.spring;

/**
 * One thing to warm before the app admits traffic: a CDN plan, the app's own endpoints, a Spring
 * cache, a connection pool. Declare a bean of this type to add your own; Preheat runs every task
 * bean in parallel under the global deadline ({@code preheat.startup.timeout}) and each under its
 * own ({@code preheat.startup.task-timeout}).
 *
 * <p>Contract: {@link #warm} does the I/O (never the constructor: nothing may be read or
 * connected during context refresh). It should check {@link WarmTaskContext#isCancelled()} between
 * items and return promptly when interrupted; it is interrupted at its deadline and on shutdown.
 * One bad item must not stop the task: count it in {@link TaskOutcome#failures()} and go on.
 */
public interface WarmTask {

  /** A short name for logs, metrics and the report, e.g. {@code cache:catalog}. */
  String name();

  /**
   * Whether the task needs the web server listening (it requests the app over HTTP). Such tasks
   * are skipped, with a warning, in {@link StartupMode#BEFORE_PORT}.
   */
  default boolean needsWebServer() {
    return false;
  }

  /**
   * Warms.
   *
   * @param context the deadline, cancellation and the app's port
   * @return what was warmed
   * @throws Exception when the task as a whole failed; the report records the message
   */
  TaskOutcome warm(WarmTaskContext context) throws Exception;
}
