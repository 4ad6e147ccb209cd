package dev.preheat.redis;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Computes values from the source of truth (a database, a service) for the keys being primed.
 * Implement {@link #loadAll} when the source can answer many keys in one call (a SQL {@code IN},
 * a batch API): the primer calls it once per batch. Otherwise use {@link #of(Single)}.
 *
 * <p>A key missing from the result (or mapped to null) has no value in the source: it is not
 * written and is reported {@code UNCACHEABLE} with the reason. A thrown exception fails the keys
 * of that call ({@code FAILED} with the message); the run goes on. Called from the thread that
 * runs {@link RedisPrimer#prime}, one call at a time.
 *
 * @param <V> the value type
 */
@FunctionalInterface
public interface KeyLoader<V> {

  /** The values of {@code keys}; see the class contract. */
  Map<String, V> loadAll(List<String> keys) throws Exception;

  /**
   * Loads one key.
   *
   * @param <V> the value type
   */
  @FunctionalInterface
  interface Single<V> {
    /** The value of {@code key}, or null when the source has none. */
    @Nullable V load(String key) throws Exception;
  }

  /**
   * A batch loader calling {@code single} per key. A key whose call throws fails alone: the
   * exception is rethrown for that key only, as a {@link KeyFailure} in the map.
   */
  static <V> KeyLoader<V> of(Single<V> single) {
    Objects.requireNonNull(single, "single");
    return new KeyLoader<>() {
      @Override
      public Map<String, V> loadAll(List<String> keys) {
        throw new UnsupportedOperationException("use loadEach");
      }

      @Override
      public Map<String, Object> loadEach(List<String> keys) {
        Map<String, Object> out = new HashMap<>();
        for (String k : keys) {
          try {
            Object v = single.load(k);
            if (v != null) {
              out.put(k, v);
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.put(k, new KeyFailure(e));
            break;
          } catch (Exception e) {
            out.put(k, new KeyFailure(e));
          }
        }
        return out;
      }
    };
  }

  /**
   * Values or per-key {@link KeyFailure}s. The default calls {@link #loadAll}; a failure of the
   * whole call becomes a failure of each key. Not meant to be overridden by users.
   */
  default Map<String, Object> loadEach(List<String> keys) {
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> values = (Map<String, Object>) (Map<String, ?>) loadAll(keys);
      return values == null ? Map.of() : values;
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      KeyFailure f = new KeyFailure(e);
      Map<String, Object> out = new HashMap<>();
      keys.forEach(k -> out.put(k, f));
      return out;
    }
  }

  /**
   * The failure of one key's load.
   *
   * @param cause what the loader threw
   */
  record KeyFailure(Exception cause) {
    /** A one-line description. */
    public String describe() {
      String m = cause.getMessage();
      return "loader threw " + cause.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
  }
}
