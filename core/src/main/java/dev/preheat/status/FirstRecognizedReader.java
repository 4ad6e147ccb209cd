package dev.preheat.status;

import dev.preheat.status.CacheStatus.Kind;
import dev.preheat.warm.WarmResponse;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** See {@link CacheStatusReader#firstOf(List)}. */
final class FirstRecognizedReader implements CacheStatusReader {

  private final List<CacheStatusReader> readers;

  FirstRecognizedReader(List<CacheStatusReader> readers) {
    this.readers = List.copyOf(readers);
  }

  @Override
  public CacheStatus read(WarmResponse response) {
    @Nullable CacheStatus firstWithHeader = null;
    for (CacheStatusReader reader : readers) {
      CacheStatus status = reader.read(response);
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
