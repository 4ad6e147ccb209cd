package dev.preheat.cli;

import java.io.PrintWriter;
import java.util.function.DoubleFunction;

/**
 * One status line on stderr, redrawn twice a second by a daemon thread from a function of the
 * seconds elapsed, and erased on {@link #close()}. Only for people watching a terminal: callers
 * check {@link Terminal#stderrIsTerminal()} first.
 */
final class ProgressLine implements AutoCloseable {

  static final long REDRAW_MILLIS = 500;

  private final PrintWriter err;
  private final DoubleFunction<String> line;
  private final long started = System.nanoTime();
  private final Thread printer;

  ProgressLine(PrintWriter err, String threadName, DoubleFunction<String> line) {
    this.err = err;
    this.line = line;
    this.printer = new Thread(this::print, threadName);
    printer.setDaemon(true);
    printer.start();
  }

  private void print() {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        Thread.sleep(REDRAW_MILLIS);
        err.print("\r" + line.apply((System.nanoTime() - started) / 1e9) + "\033[K");
        err.flush();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    printer.interrupt();
    try {
      printer.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    err.print("\r\033[K");
    err.flush();
  }
}
