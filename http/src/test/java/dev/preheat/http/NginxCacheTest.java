package dev.preheat.http;

import dev.preheat.http.testing.NginxServer;
import dev.preheat.http.testing.ServerProcess;

/** {@link CachingProxyContract} against a real nginx {@code proxy_cache}. */
class NginxCacheTest extends CachingProxyContract {

  @Override
  ServerProcess startCache(int originPort) {
    return NginxServer.start(originPort);
  }

  @Override
  String statusHeader() {
    return "X-Cache-Status";
  }
}
