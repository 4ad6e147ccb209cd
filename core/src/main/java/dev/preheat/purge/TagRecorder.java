package dev.preheat.purge;

import dev.preheat.spi.WarmListener;
import dev.preheat.warm.WarmResponse;
import dev.preheat.warm.WarmTarget;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link WarmListener} that feeds a {@link TagRegistry} from the tag headers of the 2xx
 * responses seen while warming: {@code Surrogate-Key} (Fastly, Varnish), {@code Cache-Tag}
 * (Cloudflare) and {@code xkey} (Varnish's xkey vmod) by default.
 *
 * <p>Values are split on whitespace and commas, so {@code Surrogate-Key: a b} and {@code
 * Cache-Tag: a,b} both give tags {@code a} and {@code b}. A 2xx response without any tag header
 * forgets the URL's tags (its content no longer carries them); other statuses change nothing.
 * Malformed tags are skipped (logged once). Fast and non-blocking, as listeners must be.
 *
 * <pre>{@code
 * TagRegistry tags = TagRegistry.inMemory(100_000);
 * Warmer warmer = Warmer.builder().transport(t).listener(TagRecorder.of(tags)).build();
 * }</pre>
 */
public final class TagRecorder implements WarmListener {

  /** The headers read by default. */
  public static final List<String> DEFAULT_HEADERS = List.of("Surrogate-Key", "Cache-Tag", "xkey");

  private static final Logger LOG = LoggerFactory.getLogger(TagRecorder.class);

  private final TagRegistry registry;
  private final List<String> headers;
  private final AtomicBoolean warned = new AtomicBoolean();

  private TagRecorder(TagRegistry registry, List<String> headers) {
    this.registry = Objects.requireNonNull(registry, "registry");
    if (headers.isEmpty()) {
      throw new IllegalArgumentException("at least one tag header name is required");
    }
    for (String h : headers) {
      if (h.isBlank()) {
        throw new IllegalArgumentException("tag header names must not be blank");
      }
    }
    this.headers = List.copyOf(headers);
  }

  /** A recorder reading {@link #DEFAULT_HEADERS} into {@code registry}. */
  public static TagRecorder of(TagRegistry registry) {
    return new TagRecorder(registry, DEFAULT_HEADERS);
  }

  /**
   * A recorder reading the named response headers (case-insensitive) into {@code registry}.
   *
   * @throws IllegalArgumentException if no header or a blank one is named
   */
  public static TagRecorder of(TagRegistry registry, List<String> headerNames) {
    return new TagRecorder(registry, headerNames);
  }

  /** The tags {@code response} carries in this recorder's headers, in order, without duplicates. */
  public List<String> tagsOf(WarmResponse response) {
    LinkedHashSet<String> tags = new LinkedHashSet<>();
    for (String name : headers) {
      for (String value : response.headers(name)) {
        for (String token : value.split("[\\s,]+")) {
          if (!token.isEmpty()) {
            tags.add(token);
          }
        }
      }
    }
    List<String> valid = new ArrayList<>(tags.size());
    for (String t : tags) {
      try {
        valid.add(PurgeRequest.checkTag(t));
      } catch (IllegalArgumentException e) {
        if (warned.compareAndSet(false, true)) {
          LOG.warn("skipping a malformed tag in a response header: {}", e.getMessage());
        }
      }
    }
    return valid;
  }

  @Override
  public void responseReceived(WarmTarget target, WarmResponse response) {
    if (response.status() < 200 || response.status() > 299) {
      return;
    }
    registry.put(target.entry().url(), tagsOf(response));
  }

  @Override
  public String toString() {
    return "TagRecorder" + headers + " -> " + registry;
  }
}
