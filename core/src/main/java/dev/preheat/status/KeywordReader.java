package dev.preheat.status;

import dev.preheat.status.CacheStatus.Kind;
import dev.preheat.warm.WarmResponse;
import java.util.Map;

/**
 * Reads a header whose value is a single keyword (nginx, Cloudflare, Vercel). Matching ignores
 * case and surrounding spaces; with repeated header lines the last one wins, as it was added by
 * the cache closest to the client.
 */
final class KeywordReader implements CacheStatusReader {

  private final String header;
  private final Map<String, Kind> kinds;

  KeywordReader(String header, Map<String, Kind> kinds) {
    this.header = header;
    this.kinds = Map.copyOf(kinds);
  }

  /** The header this reader reads. */
  String header() {
    return header;
  }

  @Override
  public CacheStatus read(WarmResponse response) {
    long age = Dialects.ageSeconds(response);
    var values = response.headers(header);
    if (values.isEmpty()) {
      return new CacheStatus(Kind.UNKNOWN, null, null, age);
    }
    String raw = Dialects.joined(response, header);
    String last = values.get(values.size() - 1);
    Kind kind = kinds.getOrDefault(Dialects.upper(last), Kind.UNKNOWN);
    return new CacheStatus(kind, header, raw, age);
  }

  @Override
  public String toString() {
    return "CacheStatusReader[" + header + "]";
  }
}
