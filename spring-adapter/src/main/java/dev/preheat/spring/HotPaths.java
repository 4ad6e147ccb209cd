package dev.preheat.spring;

import java.io.IOException;
import java.util.List;

/**
 * The hot paths configured under {@code preheat.hotset.*} (explicit paths first, then those mined
 * from the access logs), the same ones the HTTP and self-warming tasks request. Inject it to derive
 * the keys of a {@link CacheWarmer} or a {@link RedisWarmer} from the same hotset. Reads the
 * sources on every call: call it when warming starts, never during context refresh.
 */
public interface HotPaths {

  /**
   * The hot paths or URLs, hottest first, without duplicates; empty when nothing is configured.
   *
   * @throws IOException if a configured log cannot be read
   */
  List<String> read() throws IOException;
}
