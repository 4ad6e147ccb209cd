package dev.preheat.internal.json;

import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Preheat's shared Jackson 3 mappers. Jackson 3 mappers are immutable and thread-safe, so one
 * instance serves every reader and writer; every file, API response and webhook body Preheat
 * parses goes through {@link #MAPPER} and therefore through {@link #READ_LIMITS}.
 */
public final class Json {

  /**
   * Read limits for input Preheat does not control (state files, CDN API answers, webhook
   * bodies): Jackson 3's defaults (nesting depth 500, numbers of at most 1000 digits, names of
   * at most 50,000 characters) except the longest string, which Jackson 3 raised to 100,000,000
   * characters; it stays at Jackson 2's 20,000,000.
   */
  public static final StreamReadConstraints READ_LIMITS =
      StreamReadConstraints.builder().maxStringLength(20_000_000).build();

  /** A JSON mapper with {@link #READ_LIMITS}; compact output. */
  public static final JsonMapper MAPPER =
      JsonMapper.builder(JsonFactory.builder().streamReadConstraints(READ_LIMITS).build())
          .build();

  /**
   * {@link #MAPPER} indenting its output (two spaces, {@code "name" : value}), as Jackson 2's
   * default pretty printer did; also for streaming: {@code PRETTY.createGenerator(out)}.
   */
  public static final JsonMapper PRETTY =
      MAPPER.rebuild().enable(SerializationFeature.INDENT_OUTPUT).build();

  private Json() {}

  /**
   * The node's scalar value as text, or "" for a missing node, JSON null, an object or an array
   * (Jackson 3's {@code asString()} throws for objects and arrays; this never throws).
   */
  public static String text(JsonNode node) {
    return node.asString("");
  }
}
