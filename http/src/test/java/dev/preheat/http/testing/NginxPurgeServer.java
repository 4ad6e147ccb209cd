package dev.preheat.http.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * nginx as a caching reverse proxy with the ngx_cache_purge module (Debian package {@code
 * libnginx-mod-http-cache-purge}) in a separate purge location: any method on {@code
 * /purge<path>} from loopback purges the key {@code $scheme$host<path>}. (The module's
 * same-location form, {@code proxy_cache_purge PURGE from ...} in the caching location, crashes
 * the worker with SIGSEGV on Debian 12's nginx 1.22 and module 2.3, so it is not used.) Reports
 * {@code X-Cache-Status}. Skipped locally, failed under {@code CI=true}, when nginx or the module
 * is missing.
 */
public final class NginxPurgeServer extends ServerProcess {

  /** Where Debian installs the module. */
  static final Path MODULE = Path.of("/usr/lib/nginx/modules/ngx_http_cache_purge_module.so");

  private NginxPurgeServer() {
    super("nginx-purge");
  }

  /** Starts nginx with the purge module, proxying to {@code originPort} on 127.0.0.1. */
  public static NginxPurgeServer start(int originPort) {
    Path binary = requireBinary("nginx", "nginx-light");
    if (!Files.isRegularFile(MODULE)) {
      String message = MODULE + " not found; install it with: apt-get install -y"
          + " libnginx-mod-http-cache-purge";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        Assertions.fail(message + " (CI=true: missing binaries fail the build)");
      }
      Assumptions.abort(message + " (test skipped; set CI=true to make this a failure)");
    }
    NginxPurgeServer server = new NginxPurgeServer();
    int port = freePort();
    String d = server.dir.toString();
    String user = "root".equals(System.getProperty("user.name")) ? "user root;\n" : "";
    Path conf = server.write("nginx.conf", "load_module " + MODULE + ";\n" + user + """
        worker_processes 1;
        error_log %1$s/error.log warn;
        pid %1$s/nginx.pid;
        events { worker_connections 256; }
        http {
          access_log %1$s/access.log;
          client_body_temp_path %1$s/client_body;
          proxy_temp_path %1$s/proxy_temp;
          fastcgi_temp_path %1$s/fastcgi_temp;
          uwsgi_temp_path %1$s/uwsgi_temp;
          scgi_temp_path %1$s/scgi_temp;
          proxy_cache_path %1$s/cache levels=1:2 keys_zone=warm:4m max_size=64m inactive=10m
              use_temp_path=off;
          server {
            listen 127.0.0.1:%2$d;
            location ~ ^/purge(/.*)$ {
              allow 127.0.0.1;
              deny all;
              proxy_cache_purge warm $scheme$host$1$is_args$args;
            }
            location / {
              proxy_pass http://127.0.0.1:%3$d;
              proxy_http_version 1.1;
              proxy_set_header Connection "";
              proxy_cache warm;
              proxy_cache_key $scheme$host$request_uri;
              add_header X-Cache-Status $upstream_cache_status always;
            }
          }
        }
        """.formatted(d, port, originPort));
    try {
      server.start(List.of(binary.toString(), "-p", d, "-c", conf.toString(),
          "-e", d + "/error.log", "-g", "daemon off;"), port);
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }
}
