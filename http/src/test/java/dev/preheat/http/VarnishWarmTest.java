package dev.preheat.http;

import dev.preheat.http.testing.VarnishServer;
import dev.preheat.http.testing.ServerProcess;

/** {@link WarmThroughCacheContract} against a real Varnish cache. */
class VarnishWarmTest extends WarmThroughCacheContract {

  @Override
  ServerProcess startCache(int originPort) {
    return VarnishServer.start(originPort);
  }
}
