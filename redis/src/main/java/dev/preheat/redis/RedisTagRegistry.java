package dev.preheat.redis;

import dev.preheat.purge.PurgeRequest;
import dev.preheat.purge.TagRegistry;
import io.lettuce.core.ScriptOutputType;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The tag → URL registry in Redis, shared by every instance: one set of tags per URL and one set
 * of URLs per tag, kept consistent by a Lua script per {@link #put} (the old tags of the URL lose
 * it, the new ones gain it, atomically). All keys share the hash tag {@code {<name>}}, so the
 * registry lives in one slot and works on a Redis Cluster too.
 *
 * <p>Bounded per URL: at most {@code maxTagsPerUrl} tags are kept (extra tags are dropped, as the
 * in-memory registry does). Redis errors are thrown as {@link RedisUnavailableException}.
 * Thread-safe.
 */
public final class RedisTagRegistry implements TagRegistry {

  /** The registry name unless set: {@value}. */
  public static final String DEFAULT_NAME = "preheat-tags";

  /** Tags kept per URL unless set: {@value}. */
  public static final int DEFAULT_MAX_TAGS_PER_URL = 256;

  // KEYS[1] url->tags set, KEYS[2] set of all URLs; ARGV[1] the URL, ARGV[2] the tag key prefix,
  // ARGV[3..] the new tags.
  private static final String PUT =
      "local old = redis.call('smembers', KEYS[1]) "
          + "for _, t in ipairs(old) do redis.call('srem', ARGV[2] .. t, ARGV[1]) end "
          + "redis.call('del', KEYS[1]) "
          + "if #ARGV < 3 then redis.call('srem', KEYS[2], ARGV[1]) return 0 end "
          + "for i = 3, #ARGV do redis.call('sadd', KEYS[1], ARGV[i]) "
          + "redis.call('sadd', ARGV[2] .. ARGV[i], ARGV[1]) end "
          + "redis.call('sadd', KEYS[2], ARGV[1]) return #ARGV - 2";

  private final RedisEndpoint endpoint;
  private final String prefix;
  private final int maxTagsPerUrl;

  private RedisTagRegistry(RedisEndpoint endpoint, String name, int maxTagsPerUrl) {
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    if (Objects.requireNonNull(name, "name").isBlank() || name.contains("{")
        || name.contains("}")) {
      throw new IllegalArgumentException("registry name must be non-blank without braces but was '"
          + name + "'");
    }
    if (maxTagsPerUrl < 1) {
      throw new IllegalArgumentException("maxTagsPerUrl must be >= 1 but was " + maxTagsPerUrl);
    }
    this.prefix = "{" + name + "}:";
    this.maxTagsPerUrl = maxTagsPerUrl;
  }

  /** The registry {@value #DEFAULT_NAME} with the default bound. */
  public static RedisTagRegistry create(RedisEndpoint endpoint) {
    return new RedisTagRegistry(endpoint, DEFAULT_NAME, DEFAULT_MAX_TAGS_PER_URL);
  }

  /**
   * The registry {@code name} keeping at most {@code maxTagsPerUrl} tags per URL.
   *
   * @throws IllegalArgumentException if the name is blank or has braces, or the bound is {@code < 1}
   */
  public static RedisTagRegistry create(RedisEndpoint endpoint, String name, int maxTagsPerUrl) {
    return new RedisTagRegistry(endpoint, name, maxTagsPerUrl);
  }

  private String urlKey(String url) {
    return prefix + "url:" + url;
  }

  private String tagPrefix() {
    return prefix + "tag:";
  }

  private String allKey() {
    return prefix + "urls";
  }

  private <T> T await(io.lettuce.core.RedisFuture<T> f, String what) {
    try {
      return f.get(endpoint.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RedisUnavailableException(what + " interrupted", e);
    } catch (Exception e) {
      throw new RedisUnavailableException(what + " on " + endpoint + " failed: "
          + RedisEndpoint.rootMessage(e), e);
    }
  }

  @Override
  public void put(URI url, Collection<String> tags) {
    String u = PurgeRequest.checkUrl(url).toString();
    Set<String> unique = new LinkedHashSet<>();
    for (String t : tags) {
      PurgeRequest.checkTag(t);
      if (unique.size() < maxTagsPerUrl) {
        unique.add(t);
      }
    }
    List<byte[]> args = new ArrayList<>(unique.size() + 2);
    args.add(u.getBytes(StandardCharsets.UTF_8));
    args.add(tagPrefix().getBytes(StandardCharsets.UTF_8));
    unique.forEach(t -> args.add(t.getBytes(StandardCharsets.UTF_8)));
    await(endpoint.shared().async().eval(PUT, ScriptOutputType.INTEGER,
        new String[] {urlKey(u), allKey()}, args.toArray(new byte[0][])), "recording tags of " + u);
  }

  @Override
  public Set<URI> urls(String tag) {
    PurgeRequest.checkTag(tag);
    Set<byte[]> raw = await(endpoint.shared().async().smembers(tagPrefix() + tag),
        "reading URLs of tag " + tag);
    Set<URI> out = new HashSet<>();
    raw.forEach(b -> out.add(URI.create(new String(b, StandardCharsets.UTF_8))));
    return Set.copyOf(out);
  }

  @Override
  public Set<String> tags(URI url) {
    String u = url.toString();
    Set<byte[]> raw = await(endpoint.shared().async().smembers(urlKey(u)), "reading tags of " + u);
    Set<String> out = new HashSet<>();
    raw.forEach(b -> out.add(new String(b, StandardCharsets.UTF_8)));
    return Set.copyOf(out);
  }

  @Override
  public void remove(URI url) {
    put(url, List.of());
  }

  @Override
  public int size() {
    return (int) Math.min(Integer.MAX_VALUE,
        await(endpoint.shared().async().scard(allKey()), "counting URLs"));
  }

  @Override
  public String toString() {
    return "RedisTagRegistry[" + prefix + " on " + endpoint + "]";
  }
}
