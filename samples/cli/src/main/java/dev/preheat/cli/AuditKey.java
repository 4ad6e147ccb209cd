package dev.preheat.cli;

import dev.preheat.cli.Main.UsageError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The secret key under which {@code --audit-log} (and the report of that run) hash query values:
 * 32 random bytes in hex, created on first use with owner-only permissions, so the same value
 * gets the same hash in every run and an auditor holding the key can check a URL.
 */
final class AuditKey {

  private AuditKey() {}

  static byte[] load(Path file) {
    try {
      if (Files.exists(file)) {
        byte[] key = HexFormat.of().parseHex(Files.readString(file).trim());
        if (key.length < 16) {
          throw new UsageError("audit key " + file + " is shorter than 16 bytes; delete it to"
              + " make a new one");
        }
        return key;
      }
      byte[] key = new byte[32];
      new SecureRandom().nextBytes(key);
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, HexFormat.of().formatHex(key) + "\n");
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException notPosix) {
        // best effort on file systems without POSIX permissions
      }
      Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return key;
    } catch (IOException | IllegalArgumentException e) {
      throw new UsageError("cannot read or create the audit key " + file + ": " + e.getMessage());
    }
  }
}
