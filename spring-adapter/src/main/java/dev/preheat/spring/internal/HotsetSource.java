package dev.preheat.spring.internal;

import dev.preheat.hotset.BlendList;
import dev.preheat.hotset.Hotset;
import dev.preheat.hotset.HotsetSelector;
import dev.preheat.key.UrlCanonicalizer;
import dev.preheat.source.LogFormat;
import dev.preheat.source.LogReader;
import dev.preheat.source.ReadStats;
import dev.preheat.spring.HotPaths;
import dev.preheat.spring.PreheatProperties;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

/**
 * Reads the hot URLs from {@code preheat.hotset.*} when warming starts (never during refresh):
 * explicit paths first, then the hotset mined from access logs. Logs may be files or {@code
 * classpath:} resources (copied to a temporary file, since the log reader reads files).
 */
public final class HotsetSource implements HotPaths {

  private static final Logger log = LoggerFactory.getLogger(HotsetSource.class);

  private final PreheatProperties.Hotset settings;
  private final ResourceLoader resources;

  /** A source reading {@code settings}' logs through {@code resources}. */
  public HotsetSource(PreheatProperties.Hotset settings, ResourceLoader resources) {
    this.settings = settings;
    this.resources = resources;
  }

  /** The hot URLs or paths, hottest first, without duplicates. */
  @Override
  public List<String> read() throws IOException {
    List<BlendList> blends = new ArrayList<>();
    if (!settings.getPaths().isEmpty()) {
      blends.add(BlendList.of("preheat.hotset.paths", settings.getPaths(), 1, null));
    }
    HotsetSelector.Builder selector = HotsetSelector.builder();
    if (settings.getTop() != null) {
      selector.top(settings.getTop());
    } else {
      selector.coverage(settings.getCoverage());
    }
    if (settings.getLogs().isEmpty()) {
      return selector.build().select(List.of(), blends).urls();
    }
    List<Path> files = new ArrayList<>();
    List<Path> temporary = new ArrayList<>();
    try {
      for (String location : settings.getLogs()) {
        Resource r = resources.getResource(location);
        if (!r.exists()) {
          throw new IOException("preheat.hotset.logs: " + location + " does not exist");
        }
        if (r.isFile()) {
          files.add(r.getFile().toPath());
        } else {
          String name = r.getFilename() == null ? "log" : r.getFilename();
          Path tmp = Files.createTempFile("preheat-log-", name.endsWith(".gz") ? ".gz" : ".log");
          temporary.add(tmp);
          try (InputStream in = r.getInputStream()) {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
          }
          files.add(tmp);
        }
      }
      LogReader reader = LogReader.builder().format(LogFormat.parse(settings.getFormat()))
          .canonicalizer(UrlCanonicalizer.defaults()).build();
      HotsetSelector.Tally tally = selector.build().newTally();
      ReadStats stats = reader.read(files, tally::newSink);
      Hotset hotset = tally.select(blends);
      log.info("Preheat hotset: {} of {} distinct URLs from {} log line(s) ({} malformed), "
          + "{}% of demand", hotset.selectedCount(), hotset.distinctUrls(), stats.lines(),
          stats.malformedLines(), Math.round(hotset.coverageReached() * 1000) / 10.0);
      return hotset.urls();
    } finally {
      for (Path tmp : temporary) {
        Files.deleteIfExists(tmp);
      }
    }
  }
}
