package dev.preheat.source;

import dev.preheat.internal.sitemap.Inputs;
import dev.preheat.internal.sitemap.LimitExceededException;
import dev.preheat.internal.sitemap.SecureXml;
import dev.preheat.internal.sitemap.UrlShape;
import dev.preheat.internal.sitemap.W3cDateTime;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.jspecify.annotations.Nullable;

/**
 * One run of a {@link SitemapReader}: the mutable state of reading a sitemap tree. Used by one
 * thread, once.
 */
final class SitemapRun {

  /** Cap on the text of lastmod, priority and changefreq; valid values are far shorter. */
  private static final int MAX_FIELD_LENGTH = 64;

  private static final Pattern DECIMAL = Pattern.compile("\\d+(\\.\\d*)?|\\.\\d+");

  private final SitemapReader config;
  private final SitemapResolver resolver;
  private final XMLInputFactory factory = SecureXml.newInputFactory();
  private final List<SitemapEntry> entries = new ArrayList<>();
  private final Set<String> seenUrls = new HashSet<>();
  private final Set<String> visited = new HashSet<>();
  private final Deque<String> reading = new ArrayDeque<>();
  private final List<SourceProblem> problems = new ArrayList<>();
  private long problemCount;
  private int sitemapsRead;
  private long entriesSkipped;
  private long duplicates;
  private boolean truncated;
  private boolean stopped;

  SitemapRun(SitemapReader config, SitemapResolver resolver) {
    this.config = config;
    this.resolver = resolver;
  }

  void readRoot(InputStream raw, String name) {
    readSitemap(raw, name, 0);
  }

  SitemapResult result() {
    return new SitemapResult(
        entries, problems, problemCount, sitemapsRead, entriesSkipped, duplicates, truncated);
  }

  /** Reads one sitemap file and closes {@code raw}. */
  private void readSitemap(InputStream raw, String name, int depth) {
    sitemapsRead++;
    visited.add(name);
    reading.push(name);
    Inputs.@Nullable Opened opened = null;
    XMLStreamReader xml = null;
    try (InputStream closeRaw = raw) {
      opened =
          Inputs.open(
              closeRaw, config.maxCompressedBytesPerFile, config.maxDecompressedBytesPerFile);
      try (InputStream in = opened.stream()) {
        xml = factory.createXMLStreamReader(in);
        readDocument(xml, name, depth);
      }
    } catch (XMLStreamException e) {
      reportFailure(name, opened, e, lineOf(e.getLocation()), "malformed XML: " + message(e));
    } catch (IOException | UncheckedIOException e) {
      reportFailure(
          name, opened, e, SourceProblem.UNKNOWN_LINE, "read failed: " + e.getMessage());
    } finally {
      reading.pop();
      if (xml != null) {
        try {
          xml.close();
        } catch (XMLStreamException e) {
          // Closing a reader only releases parser state; the stream is closed above.
        }
      }
    }
  }

  private void reportFailure(
      String name, Inputs.@Nullable Opened opened, Exception cause, long line, String message) {
    LimitExceededException exceeded =
        opened == null ? Inputs.limitExceeded(cause) : opened.exceeded();
    if (exceeded != null) {
      truncated = true;
      problem(name, SourceProblem.UNKNOWN_LINE, exceeded.getMessage() + "");
    } else {
      problem(name, line, message + "; entries before this point were kept");
    }
  }

  private void readDocument(XMLStreamReader xml, String name, int depth)
      throws XMLStreamException {
    while (xml.hasNext() && xml.next() != XMLStreamConstants.START_ELEMENT) {
      // Skip the prolog: declaration, comments, processing instructions, DOCTYPE (not processed).
    }
    if (!xml.isStartElement()) {
      problem(name, SourceProblem.UNKNOWN_LINE, "no root element; is the file empty?");
      return;
    }
    String root = xml.getLocalName();
    boolean index;
    if (root.equals("urlset")) {
      index = false;
    } else if (root.equals("sitemapindex")) {
      index = true;
    } else {
      problem(
          name,
          lineOf(xml.getLocation()),
          "root element <" + root + "> is neither <urlset> nor <sitemapindex>; file skipped");
      return;
    }
    String namespace = namespaceOf(xml);
    String entryName = index ? "sitemap" : "url";
    int entriesInFile = 0;
    while (!stopped) {
      int event = xml.next();
      if (event == XMLStreamConstants.END_ELEMENT || event == XMLStreamConstants.END_DOCUMENT) {
        return;
      }
      if (event != XMLStreamConstants.START_ELEMENT) {
        continue;
      }
      if (!xml.getLocalName().equals(entryName) || !namespaceOf(xml).equals(namespace)) {
        skipElement(xml);
        continue;
      }
      if (++entriesInFile > config.maxEntriesPerFile) {
        truncated = true;
        problem(
            name,
            lineOf(xml.getLocation()),
            "more than "
                + config.maxEntriesPerFile
                + " entries (maxEntriesPerFile); the rest of the file was skipped. Split the"
                + " sitemap or raise the cap");
        return;
      }
      Fields fields = readFields(xml, namespace);
      if (index) {
        follow(fields, name, depth);
      } else {
        addEntry(fields, name);
      }
    }
  }

  private void addEntry(Fields fields, String name) {
    String url = checkLoc(fields, name, "url");
    if (url == null) {
      return;
    }
    Instant lastmod = null;
    if (fields.lastmod != null) {
      try {
        lastmod = W3cDateTime.parse(checkedText(fields.lastmod, "lastmod"));
      } catch (IllegalArgumentException e) {
        // The URL is still worth warming: keep it, report the field, use no lastmod.
        problem(name, fields.lastmod.line, "invalid <lastmod> " + quote(fields.lastmod) + ": "
            + e.getMessage() + "; entry kept without lastmod");
      }
    }
    double priority = SitemapEntry.DEFAULT_PRIORITY;
    if (fields.priority != null) {
      try {
        priority = parsePriority(checkedText(fields.priority, "priority"));
      } catch (IllegalArgumentException e) {
        problem(name, fields.priority.line, e.getMessage() + "; entry kept with the default "
            + "priority " + SitemapEntry.DEFAULT_PRIORITY);
      }
    }
    SitemapEntry.ChangeFrequency changefreq = null;
    if (fields.changefreq != null) {
      try {
        changefreq = SitemapEntry.ChangeFrequency.parse(checkedText(fields.changefreq, "changefreq"));
      } catch (IllegalArgumentException e) {
        problem(name, fields.changefreq.line, e.getMessage() + "; entry kept without changefreq");
      }
    }
    if (!seenUrls.add(url)) {
      duplicates++;
      return;
    }
    if (entries.size() >= config.maxEntriesTotal) {
      seenUrls.remove(url);
      stopped = true;
      truncated = true;
      problem(
          name,
          fields.line,
          "maxEntriesTotal of " + config.maxEntriesTotal + " entries reached; reading stopped");
      return;
    }
    entries.add(new SitemapEntry(url, lastmod, priority, changefreq, name));
  }

  /** Follows one index entry. */
  private void follow(Fields fields, String name, int depth) {
    String loc = checkLocShape(fields, name, "sitemap");
    if (loc == null) {
      return;
    }
    long line = fields.loc == null ? fields.line : fields.loc.line;
    if (depth + 1 > config.maxDepth) {
      truncated = true;
      problem(name, line, "nested sitemap " + loc + " not followed: it is deeper than maxDepth "
          + config.maxDepth);
      return;
    }
    String childName = resolver.name(loc);
    if (reading.contains(childName)) {
      problem(name, line, "nested sitemap " + loc + " not followed: cycle, it is already being"
          + " read (" + cyclePath(childName) + ")");
      return;
    }
    if (visited.contains(childName)) {
      problem(name, line, "nested sitemap " + loc + " not read again: already read in this run");
      return;
    }
    if (sitemapsRead >= config.maxSitemaps) {
      truncated = true;
      problem(name, line, "nested sitemap " + loc + " not followed: maxSitemaps of "
          + config.maxSitemaps + " files reached");
      return;
    }
    InputStream child;
    try {
      child = Objects.requireNonNull(resolver.open(loc), "resolver returned null");
    } catch (IOException | UncheckedIOException e) {
      problem(name, line, "cannot open nested sitemap " + loc + ": " + e.getMessage());
      return;
    }
    readSitemap(child, childName, depth + 1);
  }

  private String cyclePath(String childName) {
    StringBuilder path = new StringBuilder();
    for (var it = reading.descendingIterator(); it.hasNext(); ) {
      path.append(it.next()).append(" -> ");
    }
    return path.append(childName).toString();
  }

  private @Nullable String checkLoc(Fields fields, String name, String element) {
    String loc = checkLocShape(fields, name, element);
    if (loc == null) {
      return null;
    }
    try {
      return config.canonicalizer.canonicalize(loc);
    } catch (IllegalArgumentException e) {
      Text text = Objects.requireNonNull(fields.loc);
      skip(name, text.line, "invalid URL in <loc> " + quote(text) + ": " + e.getMessage()
          + "; entry skipped");
      return null;
    }
  }

  /** The trimmed loc if present and an absolute http(s) URL, else reports and returns null. */
  private @Nullable String checkLocShape(Fields fields, String name, String element) {
    Text text = fields.loc;
    if (fields.duplicateField != null) {
      skip(name, fields.duplicateLine, "<" + element + "> has more than one <"
          + fields.duplicateField + ">; entry skipped");
      return null;
    }
    if (text == null) {
      skip(name, fields.line, "<" + element + "> without <loc>; entry skipped");
      return null;
    }
    if (text.tooLong) {
      skip(name, text.line, "<loc> longer than maxUrlLength of " + config.maxUrlLength
          + " characters; entry skipped");
      return null;
    }
    String loc = text.value.strip();
    if (loc.isEmpty()) {
      skip(name, text.line, "empty <loc>; entry skipped");
      return null;
    }
    String shape = UrlShape.checkAbsoluteHttp(loc);
    if (shape != null) {
      skip(name, text.line, "<loc> " + quote(text) + ": " + shape
          + " (sitemaps need absolute http(s) URLs); entry skipped");
      return null;
    }
    return loc;
  }

  private static String checkedText(Text text, String element) {
    if (text.tooLong) {
      throw new IllegalArgumentException("<" + element + "> is too long to be valid");
    }
    return text.value.strip();
  }

  private static double parsePriority(String text) {
    if (!DECIMAL.matcher(text).matches()) {
      throw new IllegalArgumentException("invalid <priority> '" + text
          + "': expected a decimal number from 0.0 to 1.0");
    }
    double value = Double.parseDouble(text);
    if (value > 1.0) {
      throw new IllegalArgumentException("invalid <priority> '" + text
          + "': must be from 0.0 to 1.0");
    }
    return value;
  }

  /** Reads the children of a {@code <url>} or {@code <sitemap>} up to its end tag. */
  private Fields readFields(XMLStreamReader xml, String namespace) throws XMLStreamException {
    Fields fields = new Fields(lineOf(xml.getLocation()));
    while (true) {
      int event = xml.next();
      if (event == XMLStreamConstants.END_ELEMENT) {
        return fields;
      }
      if (event != XMLStreamConstants.START_ELEMENT) {
        continue;
      }
      String local = xml.getLocalName();
      if (!namespaceOf(xml).equals(namespace)) {
        skipElement(xml);
        continue;
      }
      switch (local) {
        case "loc":
          fields.loc = fields.set(fields.loc, local, readText(xml, config.maxUrlLength));
          break;
        case "lastmod":
          fields.lastmod = fields.set(fields.lastmod, local, readText(xml, MAX_FIELD_LENGTH));
          break;
        case "priority":
          fields.priority =
              fields.set(fields.priority, local, readText(xml, MAX_FIELD_LENGTH));
          break;
        case "changefreq":
          fields.changefreq =
              fields.set(fields.changefreq, local, readText(xml, MAX_FIELD_LENGTH));
          break;
        default:
          skipElement(xml);
      }
    }
  }

  /**
   * Reads the text of the current element up to its end tag, keeping at most {@code cap}
   * characters: the parser hands text over in bounded chunks, so a huge text node never sits in
   * memory whole.
   */
  private static Text readText(XMLStreamReader xml, int cap) throws XMLStreamException {
    long line = lineOf(xml.getLocation());
    StringBuilder text = new StringBuilder();
    boolean tooLong = false;
    while (true) {
      int event = xml.next();
      switch (event) {
        case XMLStreamConstants.CHARACTERS:
        case XMLStreamConstants.CDATA:
        case XMLStreamConstants.SPACE:
          if (!tooLong) {
            int length = xml.getTextLength();
            if (text.length() + length > cap + 2L * MAX_FIELD_LENGTH) {
              // Leave room for surrounding whitespace, stripped later; beyond that it is too long.
              tooLong = true;
              text.setLength(0);
            } else {
              text.append(xml.getTextCharacters(), xml.getTextStart(), length);
            }
          }
          break;
        case XMLStreamConstants.START_ELEMENT:
          skipElement(xml);
          break;
        case XMLStreamConstants.END_ELEMENT:
          if (!tooLong && text.toString().strip().length() > cap) {
            tooLong = true;
          }
          return new Text(tooLong ? "" : text.toString(), line, tooLong);
        default:
          break;
      }
    }
  }

  /** Skips the current element, which has just started, and everything in it. */
  private static void skipElement(XMLStreamReader xml) throws XMLStreamException {
    int open = 1;
    while (open > 0) {
      int event = xml.next();
      if (event == XMLStreamConstants.START_ELEMENT) {
        open++;
      } else if (event == XMLStreamConstants.END_ELEMENT) {
        open--;
      }
    }
  }

  private void skip(String name, long line, String message) {
    entriesSkipped++;
    problem(name, line, message);
  }

  private void problem(String name, long line, String message) {
    problemCount++;
    if (problems.size() < config.maxProblems) {
      problems.add(new SourceProblem(name, line, message));
    }
  }

  private static String namespaceOf(XMLStreamReader xml) {
    String namespace = xml.getNamespaceURI();
    return namespace == null ? "" : namespace;
  }

  private static long lineOf(@Nullable Location location) {
    return location == null || location.getLineNumber() < 1
        ? SourceProblem.UNKNOWN_LINE
        : location.getLineNumber();
  }

  /** The JDK prefixes messages with "ParseError at [row,col]:[..]"; the line is reported apart. */
  private static String message(XMLStreamException e) {
    String message = String.valueOf(e.getMessage());
    int at = message.indexOf("Message: ");
    String text = at >= 0 ? message.substring(at + "Message: ".length()).strip() : message;
    return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
  }

  private static String quote(Text text) {
    String value = text.value.strip();
    return "'" + (value.length() > 200 ? value.substring(0, 200) + "..." : value) + "'";
  }

  /** The text of one child element and where it started. */
  private static final class Text {
    final String value;
    final long line;
    final boolean tooLong;

    Text(String value, long line, boolean tooLong) {
      this.value = value;
      this.line = line;
      this.tooLong = tooLong;
    }
  }

  /** The children of one entry element. */
  private static final class Fields {
    final long line;
    @Nullable Text loc;
    @Nullable Text lastmod;
    @Nullable Text priority;
    @Nullable Text changefreq;
    @Nullable String duplicateField;
    long duplicateLine = SourceProblem.UNKNOWN_LINE;

    Fields(long line) {
      this.line = line;
    }

    Text set(@Nullable Text current, String element, Text value) {
      if (current != null && duplicateField == null) {
        duplicateField = element;
        duplicateLine = value.line;
      }
      return current != null ? current : value;
    }
  }
}
