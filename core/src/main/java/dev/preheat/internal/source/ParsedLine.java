package dev.preheat.internal.source;

import org.jspecify.annotations.Nullable;

/**
 * The mutable result of parsing one line, reused for every line a worker parses so the hot path
 * allocates nothing. The request target and user agent are byte ranges into the line buffer (or
 * into a parser's scratch buffer when they had to be assembled or decoded).
 */
public final class ParsedLine {

  private static final byte[] NONE = new byte[0];

  String method = "GET";
  byte[] target = NONE;
  int targetOff;
  int targetLen;
  int status;
  long bytes;
  long epochMillis;
  @Nullable String cacheStatus;
  long count;
  byte @Nullable [] userAgent;
  int userAgentOff;
  int userAgentLen;
  String error = "";

  /** Creates an empty line result. */
  public ParsedLine() {
    reset();
  }

  void reset() {
    method = "GET";
    target = NONE;
    targetOff = 0;
    targetLen = 0;
    status = dev.preheat.source.TrafficRecord.UNKNOWN_STATUS;
    bytes = 0;
    epochMillis = dev.preheat.source.TrafficRecord.NO_TIMESTAMP;
    cacheStatus = null;
    count = 1;
    userAgent = null;
    userAgentOff = 0;
    userAgentLen = 0;
    error = "";
  }

  void target(byte[] buf, int off, int len) {
    target = buf;
    targetOff = off;
    targetLen = len;
  }

  void userAgent(byte[] buf, int off, int len) {
    userAgent = buf;
    userAgentOff = off;
    userAgentLen = len;
  }

  int malformed(String reason) {
    error = reason;
    return LineParser.MALFORMED;
  }
}
