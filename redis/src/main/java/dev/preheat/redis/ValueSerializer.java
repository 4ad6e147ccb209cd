package dev.preheat.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Turns a loaded value into the bytes stored in Redis. Implementations are stateless and
 * thread-safe; a serializer that throws fails only that key (the report names it).
 *
 * @param <V> the value type the loader returns
 */
@FunctionalInterface
public interface ValueSerializer<V> {

  /** The bytes to store for {@code value}. */
  byte[] serialize(V value) throws Exception;

  /** UTF-8 strings, as {@code StringRedisSerializer} in Spring Data Redis writes them. */
  static ValueSerializer<String> strings() {
    return s -> s.getBytes(StandardCharsets.UTF_8);
  }

  /** Bytes stored as they are. */
  static ValueSerializer<byte[]> bytes() {
    return b -> b;
  }

  /** JSON written by {@code mapper} (Jackson), e.g. to match a Spring Cache JSON serializer. */
  static <V> ValueSerializer<V> json(ObjectMapper mapper) {
    Objects.requireNonNull(mapper, "mapper");
    return value -> {
      try {
        return mapper.writeValueAsBytes(value);
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("cannot write " + value.getClass().getName()
            + " as JSON: " + e.getOriginalMessage(), e);
      }
    };
  }

  /** JSON written by a default {@link ObjectMapper}. */
  static <V> ValueSerializer<V> json() {
    return json(new ObjectMapper().findAndRegisterModules());
  }
}
