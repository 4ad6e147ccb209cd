package dev.preheat.purge;

import dev.preheat.report.WarmReport;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The account of one coalesced batch of changes: what was purged by each purger (in order), which
 * URLs were re-warmed, and which failed and why. Every URL of the batch is in exactly one of
 * {@code warmed} and {@code failed}.
 *
 * @param startedAt when the batch started (the rewarmer's clock)
 * @param urls the URLs of the batch (changed URLs and URLs resolved from changed tags)
 * @param tags the changed tags
 * @param purges one result per purger, in purge order (shield first)
 * @param warmed URLs purged and then warmed (every variant ended well)
 * @param failed URLs that were not purged or not re-warmed, with the reason; a URL whose re-warm
 *     failed stays purged (a miss is better than stale content)
 * @param report the warm run's report, or null when nothing was warmed
 */
public record RewarmBatch(
    Instant startedAt,
    List<URI> urls,
    List<String> tags,
    List<PurgeResult> purges,
    List<URI> warmed,
    Map<URI, String> failed,
    @Nullable WarmReport report) {

  /** Copies the collections. */
  public RewarmBatch {
    Objects.requireNonNull(startedAt, "startedAt");
    urls = List.copyOf(urls);
    tags = List.copyOf(tags);
    purges = List.copyOf(purges);
    warmed = List.copyOf(warmed);
    failed = Map.copyOf(failed);
  }
}
