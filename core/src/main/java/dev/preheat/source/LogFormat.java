package dev.preheat.source;

import dev.preheat.internal.source.CountsLineParser;
import dev.preheat.internal.source.JsonLineParser;
import dev.preheat.internal.source.LineParser;
import dev.preheat.internal.source.PatternLineParser;
import dev.preheat.internal.source.W3cLineParser;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The layout of an access log a {@link LogReader} reads. Immutable and thread-safe.
 *
 * <ul>
 *   <li>{@link #combined()}: nginx/Apache combined; extra fields appended after the user agent
 *       are ignored
 *   <li>{@link #common()}: Apache common log format (no referer, no user agent)
 *   <li>{@link #nginx(String)}: any nginx {@code log_format}
 *   <li>{@link #cloudFront()}: CloudFront standard logs and other W3C extended logs
 *   <li>{@link #jsonLines(JsonLogFields)}: one JSON object per line
 *   <li>{@link #counts()}: {@code url,count[,bytes]} CSV exported from a warehouse
 * </ul>
 */
public final class LogFormat {

  private static final String SPEC_HELP =
      "combined, common, cloudfront, jsonl, jsonl:<role>=<field>,..., counts, nginx:<log_format>";

  private static final LogFormat COMBINED = pattern("combined", PatternLineParser.COMBINED, true);
  private static final LogFormat COMMON = pattern("common", PatternLineParser.COMMON, true);
  private static final LogFormat CLOUDFRONT = new LogFormat("cloudfront", W3cLineParser::new);
  private static final LogFormat COUNTS = new LogFormat("counts", CountsLineParser::new);

  private final String spec;
  private final Supplier<? extends LineParser> parsers;

  private LogFormat(String spec, Supplier<? extends LineParser> parsers) {
    this.spec = spec;
    this.parsers = parsers;
  }

  private static LogFormat pattern(String spec, String format, boolean allowTrailing) {
    PatternLineParser compiled = PatternLineParser.compile(format, allowTrailing);
    return new LogFormat(spec, compiled::copy);
  }

  /**
   * nginx's and Apache's combined format:
   * {@code $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent
   * "$http_referer" "$http_user_agent"}. Text after the user agent is ignored, so combined logs
   * with appended fields read too.
   */
  public static LogFormat combined() {
    return COMBINED;
  }

  /** Apache's common log format {@code %h %l %u %t "%r" %>s %b}; lines carry no user agent. */
  public static LogFormat common() {
    return COMMON;
  }

  /**
   * A format given as an nginx {@code log_format} string, e.g.
   * {@code $remote_addr [$time_local] "$request" $status $body_bytes_sent $request_time
   * $upstream_cache_status "$http_user_agent"}.
   *
   * <p>Understood variables: {@code $request} (or {@code $request_method} with
   * {@code $request_uri}, or {@code $uri} with {@code $args}), {@code $status},
   * {@code $body_bytes_sent} (preferred) or {@code $bytes_sent}, {@code $time_local},
   * {@code $time_iso8601} or {@code $msec}, {@code $upstream_cache_status},
   * {@code $http_user_agent}; with both {@code $scheme} and {@code $host} the URL is made
   * absolute. Every other variable ({@code $remote_addr}, {@code $request_time},
   * {@code $http_referer}, ...) is matched and ignored. Literal text between variables must match
   * exactly; a variable runs up to the literal text that follows it, so values inside quotes may
   * contain spaces. The line must end where the format ends.
   *
   * @throws IllegalArgumentException if the format has no request variable ({@code $request},
   *     {@code $request_uri} or {@code $uri}), or two variables without text between them
   */
  public static LogFormat nginx(String logFormat) {
    Objects.requireNonNull(logFormat, "logFormat");
    return pattern("nginx:" + logFormat, logFormat, false);
  }

  /**
   * CloudFront standard logs and W3C extended logs in general: {@code #Fields:} lines name the
   * columns (the CloudFront v1.0 field list is assumed before the first one), values are
   * tab-separated (space-separated when a line has no tab). Read: {@code cs-method},
   * {@code cs-uri-stem} with {@code cs-uri-query} ({@code -} = none), {@code date} and
   * {@code time} (UTC), {@code sc-status}, {@code sc-bytes}, {@code cs(User-Agent)}
   * (URL-decoded, for filters) and {@code x-edge-result-type} as cache status. Files of this
   * format are not split, since lines depend on the {@code #Fields:} line before them.
   */
  public static LogFormat cloudFront() {
    return CLOUDFRONT;
  }

  /** JSON lines with the {@linkplain JsonLogFields#defaults() default field names}. */
  public static LogFormat jsonLines() {
    return jsonLines(JsonLogFields.defaults());
  }

  /**
   * JSON lines, one object per line, with the given field names.
   *
   * @throws NullPointerException if {@code fields} is null
   */
  public static LogFormat jsonLines(JsonLogFields fields) {
    Objects.requireNonNull(fields, "fields");
    return new LogFormat("jsonl", () -> new JsonLineParser(fields.candidates()));
  }

  /**
   * Counts CSV: rows {@code url,count[,bytes]}, fields optionally double-quoted, an optional
   * header row (a first line whose count is not a number). Each row becomes one GET record with
   * {@link TrafficRecord#count()} set, no status and no timestamp.
   */
  public static LogFormat counts() {
    return COUNTS;
  }

  /**
   * Parses a format name as given on the command line: {@code combined}, {@code common},
   * {@code cloudfront} (alias {@code w3c}), {@code jsonl}, {@code jsonl:url=request.uri,
   * time=ts} (roles as in {@link JsonLogFields.Builder#field}), {@code counts}, or
   * {@code nginx:<log_format string>}. Names are case-insensitive.
   *
   * @throws IllegalArgumentException if the spec names no known format, or its nginx format or
   *     JSON mapping is invalid; the message lists the valid specs
   */
  public static LogFormat parse(String spec) {
    Objects.requireNonNull(spec, "spec");
    String s = spec.strip();
    int colon = s.indexOf(':');
    String name = (colon < 0 ? s : s.substring(0, colon)).toLowerCase(Locale.ROOT);
    String arg = colon < 0 ? "" : s.substring(colon + 1);
    switch (name) {
      case "combined":
        return noArg(name, arg, COMBINED);
      case "common":
        return noArg(name, arg, COMMON);
      case "cloudfront":
      case "w3c":
        return noArg(name, arg, CLOUDFRONT);
      case "counts":
        return noArg(name, arg, COUNTS);
      case "nginx":
        if (arg.isBlank()) {
          throw new IllegalArgumentException(
              "format 'nginx:' needs a log_format string, e.g. nginx:$remote_addr [$time_local] \"$request\" $status");
        }
        return nginx(arg);
      case "jsonl":
      case "json":
        return colon < 0 ? jsonLines() : jsonLines(mapping(arg));
      default:
        throw new IllegalArgumentException(
            "unknown log format '" + spec + "'; expected one of " + SPEC_HELP);
    }
  }

  private static LogFormat noArg(String name, String arg, LogFormat format) {
    if (!arg.isEmpty()) {
      throw new IllegalArgumentException("format '" + name + "' takes no ':" + arg + "' argument");
    }
    return format;
  }

  private static JsonLogFields mapping(String arg) {
    JsonLogFields.Builder b = JsonLogFields.builder();
    for (String pair : arg.split(",")) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("JSON field mapping '" + pair
            + "' must look like role=field (e.g. jsonl:url=request.uri,time=ts)");
      }
      b.field(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip().split("\\|"));
    }
    return b.build();
  }

  /** Creates a parser for one worker. */
  LineParser newParser() {
    return parsers.get();
  }

  /** The spec {@link #parse} accepts for this format. */
  @Override
  public String toString() {
    return spec;
  }
}
