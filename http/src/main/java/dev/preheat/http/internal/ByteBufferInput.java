package dev.preheat.http.internal;

import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import org.apache.hc.core5.http.nio.SessionInputBuffer;
import org.apache.hc.core5.util.CharArrayBuffer;

/**
 * A {@link SessionInputBuffer} view of one connection's read buffer for {@link
 * LeanResponseParser}: the unread bytes are {@code position..limit} of a heap buffer, lines are
 * read as ISO-8859-1 (each byte one char, as httpcore5 reads them without a charset) with CR LF
 * or a bare LF as the end. The connection fills the buffer itself; {@link #fill} is unsupported.
 */
final class ByteBufferInput implements SessionInputBuffer {

  private final ByteBuffer buffer;

  ByteBufferInput(ByteBuffer buffer) {
    this.buffer = buffer;
  }

  @Override
  public boolean hasData() {
    return buffer.hasRemaining();
  }

  @Override
  public int length() {
    return buffer.remaining();
  }

  @Override
  public int fill(ReadableByteChannel channel) {
    throw new UnsupportedOperationException("the connection fills the buffer");
  }

  @Override
  public int read() {
    return buffer.hasRemaining() ? buffer.get() & 0xFF : -1;
  }

  @Override
  public int read(ByteBuffer dst, int maxLen) {
    int n = Math.min(Math.min(dst.remaining(), maxLen), buffer.remaining());
    if (n <= 0) {
      return buffer.hasRemaining() ? 0 : -1;
    }
    ByteBuffer slice = buffer.duplicate();
    slice.limit(slice.position() + n);
    dst.put(slice);
    buffer.position(buffer.position() + n);
    return n;
  }

  @Override
  public int read(ByteBuffer dst) {
    return read(dst, dst.remaining());
  }

  @Override
  public int read(WritableByteChannel channel, int maxLen) throws java.io.IOException {
    if (!buffer.hasRemaining()) {
      return -1;
    }
    ByteBuffer slice = buffer.duplicate();
    slice.limit(slice.position() + Math.min(maxLen, buffer.remaining()));
    int n = channel.write(slice);
    buffer.position(buffer.position() + n);
    return n;
  }

  @Override
  public int read(WritableByteChannel channel) throws java.io.IOException {
    return read(channel, buffer.remaining());
  }

  /**
   * Appends the next line (without its CR LF or LF) to {@code dst} and consumes it; false,
   * consuming nothing, when no whole line is buffered, unless {@code endOfStream}: then the rest
   * is the line (true if there was any).
   */
  @Override
  public boolean readLine(CharArrayBuffer dst, boolean endOfStream) {
    byte[] a = buffer.array();
    int offset = buffer.arrayOffset();
    int pos = offset + buffer.position();
    int lim = offset + buffer.limit();
    int lf = pos;
    while (lf < lim && a[lf] != '\n') {
      lf++;
    }
    if (lf == lim) {
      if (endOfStream && pos < lim) {
        dst.append(a, pos, lim - pos);
        buffer.position(buffer.limit());
        return true;
      }
      return false;
    }
    int end = lf > pos && a[lf - 1] == '\r' ? lf - 1 : lf;
    dst.append(a, pos, end - pos);
    buffer.position(lf + 1 - offset);
    return true;
  }
}
