package dev.preheat.purge;

import dev.preheat.spi.Purger;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What one {@link Purger} did with a {@link PurgeRequest}: one {@link Item} per URL and per tag
 * of the request, in request order (URLs first), so nothing is silent.
 *
 * @param purger the purger's {@link Purger#name() name}
 * @param items one result per requested URL and tag
 */
public record PurgeResult(String purger, List<Item> items) {

  /** Whether an item is a URL or a tag. */
  public enum Kind {
    /** An absolute URL. */
    URL,
    /** A surrogate key / cache tag. */
    TAG
  }

  /** How an item ended. */
  public enum Status {
    /** The cache accepted the purge (or had nothing stored for it). */
    PURGED,
    /** The purge failed after the allowed attempts; the detail says why. */
    FAILED,
    /** This purger cannot purge this kind of item (e.g. tags on nginx). */
    UNSUPPORTED
  }

  /**
   * The result for one URL or tag.
   *
   * @param kind URL or tag
   * @param value the URL (as given) or the tag
   * @param status how it ended
   * @param detail the cache's answer or the failure reason (never holds credentials), or null
   * @param attempts requests sent for it (0 when unsupported); batched items share requests
   */
  public record Item(Kind kind, String value, Status status, @Nullable String detail,
      int attempts) {

    /** Validates the components. */
    public Item {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(value, "value");
      Objects.requireNonNull(status, "status");
      if (attempts < 0) {
        throw new IllegalArgumentException("attempts must be >= 0 but was " + attempts);
      }
    }

    /** Whether the item was purged. */
    public boolean purged() {
      return status == Status.PURGED;
    }
  }

  /** Validates and copies the components. */
  public PurgeResult {
    Objects.requireNonNull(purger, "purger");
    items = List.copyOf(items);
  }

  /** Whether every URL and tag was purged. */
  public boolean allPurged() {
    return items.stream().allMatch(Item::purged);
  }

  /** The items that were not purged (failed or unsupported). */
  public List<Item> notPurged() {
    return items.stream().filter(i -> !i.purged()).toList();
  }

  /** The result for URL {@code url}, or null when the request did not hold it. */
  public @Nullable Item url(URI url) {
    return find(Kind.URL, url.toString());
  }

  /** The result for tag {@code tag}, or null when the request did not hold it. */
  public @Nullable Item tag(String tag) {
    return find(Kind.TAG, tag);
  }

  private @Nullable Item find(Kind kind, String value) {
    for (Item i : items) {
      if (i.kind() == kind && i.value().equals(value)) {
        return i;
      }
    }
    return null;
  }

  /** A result with every item of {@code request} in status {@code status} and {@code detail}. */
  public static PurgeResult all(String purger, PurgeRequest request, Status status,
      @Nullable String detail, int attempts) {
    List<Item> items = new ArrayList<>();
    for (URI u : request.urls()) {
      items.add(new Item(Kind.URL, u.toString(), status, detail, attempts));
    }
    for (String t : request.tags()) {
      items.add(new Item(Kind.TAG, t, status, detail, attempts));
    }
    return new PurgeResult(purger, items);
  }
}
