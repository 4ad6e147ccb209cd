package dev.preheat.http;

import dev.preheat.http.testing.ServerProcess;
import dev.preheat.http.testing.VarnishServer;

/** {@link CachingProxyContract} against a real Varnish. */
class VarnishCacheTest extends CachingProxyContract {

  @Override
  ServerProcess startCache(int originPort) {
    return VarnishServer.start(originPort);
  }

  @Override
  String statusHeader() {
    return "X-Cache";
  }
}
