package dev.preheat.http.testing;

import java.nio.file.Path;
import java.util.List;

/**
 * Varnish in front of an origin, with {@code X-Cache: HIT|MISS} set in {@code vcl_deliver} from
 * {@code obj.hits}. Runs in the foreground ({@code -F}) with a private work dir and {@code -j
 * none} (no privilege separation: the unix jail needs a {@code varnish} user and root, and the
 * test needs neither), {@code -T none} (no management port) and a 64 MiB malloc store. Requires
 * the {@code varnish} package (and a C compiler for the VCL, which it depends on).
 *
 * <p>{@code http_gzip_support} is switched off so Varnish stores what the origin sends per
 * {@code Vary} instead of normalizing {@code Accept-Encoding} to {@code gzip}; that way a gzip
 * and an identity variant are separate cache entries, as on most CDNs.
 */
public final class VarnishServer extends ServerProcess {

  private VarnishServer() {
    super("varnish");
  }

  /** Starts varnishd proxying to {@code originPort} on 127.0.0.1. */
  public static VarnishServer start(int originPort) {
    return start(originPort, "");
  }

  /**
   * Starts varnishd proxying to {@code originPort} on 127.0.0.1, with {@code extraVcl} (imports,
   * ACLs, more subroutines; same-named subroutines are concatenated) after the default VCL.
   */
  public static VarnishServer start(int originPort, String extraVcl) {
    Path binary = requireBinary("varnishd", "varnish");
    VarnishServer server = new VarnishServer();
    int port = freePort();
    Path vcl = server.write("default.vcl", """
        vcl 4.1;
        backend origin {
          .host = "127.0.0.1";
          .port = "%d";
        }
        sub vcl_deliver {
          if (obj.hits > 0) {
            set resp.http.X-Cache = "HIT";
          } else {
            set resp.http.X-Cache = "MISS";
          }
        }
        """.formatted(originPort) + extraVcl);
    try {
      server.start(List.of(binary.toString(), "-F", "-j", "none", "-T", "none",
          "-a", "127.0.0.1:" + port, "-f", vcl.toString(), "-n", server.dir.resolve("work")
              .toString(), "-s", "malloc,64m", "-p", "http_gzip_support=off"), port);
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }
}
