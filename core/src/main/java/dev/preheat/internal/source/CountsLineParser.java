package dev.preheat.internal.source;

/**
 * Parses counts exported from a warehouse: CSV rows {@code url,count[,bytes]}, fields optionally
 * double-quoted (a doubled quote inside a quoted field is a quote). A first line whose count is
 * not a number is a header row and skipped. Rows become GET records with the count and no status
 * or time; further columns are ignored.
 */
public final class CountsLineParser implements LineParser {

  private byte[] url = new byte[256];
  private final int[] bounds = new int[4]; // start/end of field 2 and 3

  @Override
  public boolean splittable() {
    return true;
  }

  @Override
  public void startFile() {
    // Rows are independent: nothing to reset.
  }

  @Override
  public int parse(byte[] b, int off, int end, boolean firstLineOfFile, ParsedLine out) {
    int pos;
    int urlLen;
    if (off < end && b[off] == '"') {
      if (url.length < end - off) {
        url = new byte[Math.max(end - off, url.length * 2)];
      }
      int n = 0;
      int i = off + 1;
      while (true) {
        if (i >= end) {
          return out.malformed("unterminated quoted URL field");
        }
        if (b[i] == '"') {
          if (i + 1 < end && b[i + 1] == '"') {
            url[n++] = '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        url[n++] = b[i++];
      }
      if (i < end && b[i] != ',') {
        return out.malformed("text after the closing quote of the URL field");
      }
      urlLen = n;
      pos = i;
    } else {
      int comma = Bytes.indexOf(b, off, end, (byte) ',');
      pos = comma < 0 ? end : comma;
      urlLen = pos - off;
      if (url.length < urlLen) {
        url = new byte[Math.max(urlLen, url.length * 2)];
      }
      System.arraycopy(b, off, url, 0, urlLen);
    }
    if (pos >= end) {
      return out.malformed("expected url,count[,bytes] but found one field");
    }
    int fields = fields(b, pos + 1, end);
    long count = Bytes.parseDigits(b, bounds[0], bounds[1]);
    if (count < 0) {
      if (firstLineOfFile) {
        return LineParser.SKIP;
      }
      return out.malformed("count is not a number");
    }
    if (count < 1) {
      return out.malformed("count must be >= 1 but was " + count);
    }
    if (fields > 1 && bounds[3] > bounds[2]) {
      long bytes = Bytes.parseDigits(b, bounds[2], bounds[3]);
      if (bytes < 0) {
        return out.malformed("bytes is not a number");
      }
      out.bytes = bytes;
    }
    if (urlLen == 0) {
      return out.malformed("URL is empty");
    }
    int ctl = Bytes.indexOfControl(url, 0, urlLen);
    if (ctl >= 0) {
      return out.malformed("URL contains control character 0x" + Integer.toHexString(url[ctl] & 0xff));
    }
    out.count = count;
    out.target(url, 0, urlLen);
    return LineParser.RECORD;
  }

  /** Finds the count and bytes fields (unquoting a quoted number); returns how many were found. */
  private int fields(byte[] b, int from, int end) {
    int found = 0;
    int pos = from;
    while (found < 2) {
      int comma = Bytes.indexOf(b, pos, end, (byte) ',');
      int stop = comma < 0 ? end : comma;
      int s = pos;
      int e = stop;
      if (e - s >= 2 && b[s] == '"' && b[e - 1] == '"') {
        s++;
        e--;
      }
      while (s < e && b[s] == ' ') {
        s++;
      }
      while (e > s && b[e - 1] == ' ') {
        e--;
      }
      bounds[found * 2] = s;
      bounds[found * 2 + 1] = e;
      found++;
      if (comma < 0) {
        break;
      }
      pos = comma + 1;
    }
    return found;
  }
}
