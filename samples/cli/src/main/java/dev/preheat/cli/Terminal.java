package dev.preheat.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether a standard stream is attached to a terminal, so progress is shown only to people. */
final class Terminal {

  private Terminal() {}

  /**
   * Whether standard error is a terminal. Java 17 has no direct API for stderr; on Linux the file
   * descriptor's link tells ({@code /dev/pts/N}, {@code /dev/ttyN}); elsewhere the presence of a
   * console is the best available hint.
   */
  static boolean stderrIsTerminal() {
    if (System.getenv("PREHEAT_NO_PROGRESS") != null) {
      return false;
    }
    Path fd = Path.of("/proc/self/fd/2");
    if (Files.exists(fd, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      try {
        String target = Files.readSymbolicLink(fd).toString();
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
      } catch (IOException | UnsupportedOperationException e) {
        return false;
      }
    }
    return System.console() != null;
  }
}
