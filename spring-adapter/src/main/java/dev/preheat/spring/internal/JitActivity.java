package dev.preheat.spring.internal;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Whether this JVM's JIT compiler threads are at work right now, and how much CPU they have
 * used. On Linux from {@code /proc/self/task}: a compiler thread that is running or runnable
 * (state {@code R}) is compiling, one that sleeps waits for its queue; their CPU time from
 * {@code schedstat}. Elsewhere a coarser fallback: the JVM's total compilation time, which only
 * moves when a compilation ends. Not thread-safe; one user at a time.
 */
final class JitActivity {

  private static final Path TASKS = Path.of("/proc/self/task");

  private final @Nullable CompilationMXBean jit;
  private List<Path> threads = List.of();

  private JitActivity(@Nullable CompilationMXBean jit) {
    this.jit = jit;
  }

  /**
   * The probe for this JVM, or null when there is no way to tell (no compiler threads found
   * and no compilation time monitoring).
   */
  static @Nullable JitActivity of() {
    CompilationMXBean bean = ManagementFactory.getCompilationMXBean();
    JitActivity a = new JitActivity(
        bean != null && bean.isCompilationTimeMonitoringSupported() ? bean : null);
    a.rescan();
    return a.threads.isEmpty() && a.jit == null ? null : a;
  }

  /** Finds the compiler threads again (HotSpot starts and stops them with the queue length). */
  void rescan() {
    List<Path> found = new ArrayList<>();
    if (Files.isDirectory(TASKS)) {
      try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
        for (Path task : tasks) {
          String comm = read(task.resolve("comm"));
          // HotSpot names them "C1 CompilerThread0", "C2 CompilerThread0", "JVMCI CompilerThread0"
          if (comm != null && comm.contains("Compiler")) {
            found.add(task);
          }
        }
      } catch (IOException | RuntimeException e) {
        found.clear();
      }
    }
    threads = found;
  }

  /** Whether the per-thread view (Linux) is in use, rather than the compilation-time fallback. */
  boolean perThread() {
    return !threads.isEmpty();
  }

  /**
   * CPU time the compiler threads have used, in nanoseconds (per-thread view), or the JVM's
   * total compilation time in nanoseconds (fallback). Only differences are meaningful.
   */
  long busyNanos() {
    if (threads.isEmpty()) {
      return jit == null ? 0 : jit.getTotalCompilationTime() * 1_000_000L;
    }
    long sum = 0;
    for (Path t : threads) {
      String s = read(t.resolve("schedstat"));
      if (s != null) {
        int sp = s.indexOf(' ');
        try {
          sum += Long.parseLong(sp < 0 ? s.trim() : s.substring(0, sp));
        } catch (NumberFormatException e) {
          // a thread that went away between the directory listing and this read
        }
      }
    }
    return sum;
  }

  /** Whether a compiler thread is compiling now (per-thread view; false in the fallback). */
  boolean compiling() {
    for (Path t : threads) {
      String s = read(t.resolve("stat"));
      if (s != null) {
        int close = s.lastIndexOf(')');
        if (close > 0 && close + 2 < s.length() && s.charAt(close + 2) == 'R') {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Waits until the compilers are idle: no compiler thread running in two polls 1 ms apart
   * (per-thread view), or the total compilation time unchanged over two polls 10 ms apart
   * (fallback), or {@code deadlineNanos} ({@link System#nanoTime()}) passes. Returns the
   * nanoseconds waited.
   */
  long awaitIdle(long deadlineNanos) throws InterruptedException {
    long start = System.nanoTime();
    int quiet = 0;
    long last = busyNanos();
    boolean perThread = perThread();
    while (quiet < 2 && System.nanoTime() < deadlineNanos) {
      boolean busy;
      if (perThread) {
        busy = compiling();
        if (busy || quiet == 0) {
          Thread.sleep(1);
        }
      } else {
        Thread.sleep(10);
        long now = busyNanos();
        busy = now != last;
        last = now;
      }
      quiet = busy ? 0 : quiet + 1;
    }
    return System.nanoTime() - start;
  }

  private static @Nullable String read(Path p) {
    try {
      return new String(Files.readAllBytes(p), StandardCharsets.US_ASCII).trim();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
