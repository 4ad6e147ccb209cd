package dev.preheat.http;

import dev.preheat.http.testing.NginxServer;
import dev.preheat.http.testing.ServerProcess;

/** {@link WarmThroughCacheContract} against a real nginx {@code proxy_cache}. */
class NginxWarmTest extends WarmThroughCacheContract {

  @Override
  ServerProcess startCache(int originPort) {
    return NginxServer.start(originPort);
  }
}
