package dev.preheat.http.testing;

import java.nio.file.Path;
import java.util.List;

/**
 * nginx as a caching reverse proxy ({@code proxy_cache}, {@code proxy_cache_revalidate on}) in
 * front of an origin, reporting {@code X-Cache-Status: $upstream_cache_status}. Every path
 * (pid, logs, temp and cache directories) lives in a private temp dir, so no privileges are
 * needed. Requires the {@code nginx-light} (or any nginx) package.
 *
 * <p>The upstream's own {@code X-Cache-Status} is hidden, so nginx can be chained (an edge in
 * front of a shield) and each answer carries the status of the cache that answered.
 */
public final class NginxServer extends ServerProcess {

  private NginxServer() {
    super("nginx");
  }

  /** Starts nginx proxying to {@code originPort} on 127.0.0.1. */
  public static NginxServer start(int originPort) {
    return start(originPort, "", "");
  }

  /**
   * Starts nginx proxying to {@code originPort} with extra configuration: {@code httpExtra} goes
   * into the {@code http} block (e.g. a {@code map}), {@code locationExtra} at the end of {@code
   * location /} (e.g. a different {@code proxy_cache_key}), so tests can misconfigure (or fix) the
   * cache on purpose.
   */
  public static NginxServer start(int originPort, String httpExtra, String locationExtra) {
    Path binary = requireBinary("nginx", "nginx-light");
    NginxServer server = new NginxServer();
    int port = freePort();
    String d = server.dir.toString();
    // As root, nginx workers would switch to "nobody", who cannot enter the private temp dir.
    String user = "root".equals(System.getProperty("user.name")) ? "user root;\n" : "";
    Path conf = server.write("nginx.conf", user + """
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
          %4$s
          server {
            listen 127.0.0.1:%2$d;
            location / {
              proxy_pass http://127.0.0.1:%3$d;
              proxy_http_version 1.1;
              proxy_set_header Connection "";
              proxy_cache warm;
              proxy_cache_revalidate on;
              proxy_hide_header X-Cache-Status;
              add_header X-Cache-Status $upstream_cache_status always;
              %5$s
            }
          }
        }
        """.formatted(d, port, originPort, httpExtra, locationExtra));
    try {
      server.start(List.of(binary.toString(), "-p", d, "-c", conf.toString(),
          "-e", d + "/error.log", "-g", "daemon off;"), port);
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  /** The access log (nginx's {@code combined} format), one line per request answered. */
  public Path accessLog() {
    return dir.resolve("access.log");
  }
}
