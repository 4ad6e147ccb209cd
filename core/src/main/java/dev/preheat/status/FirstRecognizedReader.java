package dev.preheat.status;

import dev.preheat.status.CacheStatus.Kind;
import dev.preheat.warm.WarmResponse;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** See {@link CacheStatusReader#firstOf(List)}. */
final class FirstRecognizedReader implements CacheStatusReader {

  private final List<CacheStatusReader> readers;
  /**
   * Per reader, the one header it reads when it is one of this package's dialect readers, else
   * null. Such a reader answers {@code UNKNOWN} without a header when its header is absent, a
   * result this reader ignores, so it is not asked then (saving its {@code Age} parse).
   */
  private final @Nullable String[] onlyHeader;

  FirstRecognizedReader(List<CacheStatusReader> readers) {
    this.readers = List.copyOf(readers);
    this.onlyHeader = new String[this.readers.size()];
    for (int i = 0; i < onlyHeader.length; i++) {
      onlyHeader[i] = onlyHeaderOf(this.readers.get(i));
    }
  }

  private static @Nullable String onlyHeaderOf(CacheStatusReader reader) {
    if (reader instanceof KeywordReader k) {
      return k.header();
    }
    if (reader instanceof Rfc9211Reader) {
      return Rfc9211Reader.HEADER;
    }
    if (reader instanceof XCacheReader) {
      return XCacheReader.HEADER;
    }
    return null;
  }

  @Override
  public CacheStatus read(WarmResponse response) {
    @Nullable CacheStatus firstWithHeader = null;
    for (int i = 0; i < onlyHeader.length; i++) {
      String only = onlyHeader[i];
      if (only != null && response.headers(only).isEmpty()) {
        continue;
      }
      CacheStatus status = readers.get(i).read(response);
      if (status.kind() != Kind.UNKNOWN) {
        return status;
      }
      if (firstWithHeader == null && status.header() != null) {
        firstWithHeader = status;
      }
    }
    if (firstWithHeader != null) {
      return firstWithHeader;
    }
    return new CacheStatus(Kind.UNKNOWN, null, null, Dialects.ageSeconds(response));
  }

  @Override
  public String toString() {
    return "CacheStatusReader.firstOf" + readers;
  }
}
