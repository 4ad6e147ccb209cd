package dev.preheat.redis;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

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

  /**
   * JSON written by {@code mapper} (Jackson 3, {@code tools.jackson}), e.g. to match a Spring Cache
   * JSON serializer such as Spring Data Redis's {@code GenericJacksonJsonRedisSerializer}.
   */
  static <V> ValueSerializer<V> json(ObjectMapper mapper) {
    Objects.requireNonNull(mapper, "mapper");
    return value -> {
      try {
        return mapper.writeValueAsBytes(value);
      } catch (JacksonException e) {
        throw new IllegalArgumentException("cannot write " + value.getClass().getName()
            + " as JSON: " + e.getOriginalMessage(), e);
      }
    };
  }

  /**
   * JSON written by a Jackson 3 mapper with Jackson 2's defaults ({@link
   * JsonMapper#builderWithJackson2Defaults()}: properties in declaration order, dates as
   * timestamps) and the modules found on the class path, so values are written as the Jackson 2
   * versions of Preheat wrote them.
   */
  static <V> ValueSerializer<V> json() {
    return json(JsonMapper.builderWithJackson2Defaults().findAndAddModules().build());
  }
}
