package dev.preheat.redis.internal;

import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.CommandArgs;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The arguments of one large command (a script call over a batch of keys) encoded to RESP once,
 * on the thread building the batch, into one array: Lettuce's {@link CommandArgs} would keep an
 * object per argument and encode each through the codec on the event-loop thread, which cost
 * more client CPU per key than everything else in a priming run. The first key is also added the
 * ordinary way so a cluster connection routes the command by its slot; it is encoded only from
 * the array.
 */
public final class RawArgs extends CommandArgs<String, byte[]> {

  private static final RedisCodec<String, byte[]> CODEC =
      RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

  private byte[] head = new byte[0];
  private int headCount;
  private byte[] buf;
  private int len;
  private int count;
  private String firstKey;

  /** The codec of every Preheat connection: String keys, byte[] values. */
  public static RedisCodec<String, byte[]> codec() {
    return CODEC;
  }

  /** Arguments with room for about {@code bytes} bytes (it grows). */
  public RawArgs(int bytes) {
    super(CODEC);
    this.buf = new byte[Math.max(64, bytes)];
  }

  /**
   * These arguments after {@code first} (one text argument, e.g. a script or its digest), sharing
   * the encoded bytes; used to send the same batch with {@code EVAL} after {@code EVALSHA} was
   * refused.
   */
  public RawArgs withFirst(String first) {
    RawArgs a = new RawArgs(0);
    a.head = new RawArgs(first.length() + 16).text(first).toBytes();
    a.headCount = 1;
    a.buf = buf;
    a.len = len;
    a.count = count;
    if (firstKey != null) {
      a.firstKey = firstKey;
      a.addKeyForRouting(firstKey);
    }
    return a;
  }

  private void addKeyForRouting(String key) {
    super.addKey(key);
  }

  private byte[] toBytes() {
    return Arrays.copyOf(buf, len);
  }

  /** Adds a key argument (the first one also routes the command on a cluster). */
  public RawArgs key(String key) {
    byte[] b = key.getBytes(StandardCharsets.UTF_8);
    if (firstKey == null) {
      firstKey = key;
      addKeyForRouting(key);
    }
    return bytes(b);
  }

  /** Adds a number as its decimal text. */
  public RawArgs number(long n) {
    if (n >= 0 && n < 10) {
      ensure(8);
      buf[len++] = '$';
      buf[len++] = '1';
      buf[len++] = '\r';
      buf[len++] = '\n';
      buf[len++] = (byte) ('0' + n);
      buf[len++] = '\r';
      buf[len++] = '\n';
      count++;
      return this;
    }
    int digits = digits(n);
    ensure(digits + 8);
    buf[len++] = '$';
    writeDigits(digits, digits(digits));
    buf[len++] = '\r';
    buf[len++] = '\n';
    writeDigits(n, digits);
    buf[len++] = '\r';
    buf[len++] = '\n';
    count++;
    return this;
  }

  /** Adds a binary-safe argument. */
  public RawArgs bytes(byte[] b) {
    int digits = digits(b.length);
    ensure(b.length + digits + 5);
    buf[len++] = '$';
    writeDigits(b.length, digits);
    buf[len++] = '\r';
    buf[len++] = '\n';
    System.arraycopy(b, 0, buf, len, b.length);
    len += b.length;
    buf[len++] = '\r';
    buf[len++] = '\n';
    count++;
    return this;
  }

  /** Adds a text argument (UTF-8). */
  public RawArgs text(String s) {
    return bytes(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Bytes encoded so far. */
  public int size() {
    return len;
  }

  @Override
  public int count() {
    return headCount + count;
  }

  @Override
  public void encode(ByteBuf target) {
    target.writeBytes(head);
    target.writeBytes(buf, 0, len);
  }

  @Override
  public String toString() {
    return "RawArgs[" + count() + " arguments, " + (head.length + len) + " bytes]";
  }

  private void ensure(int more) {
    if (len + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
    }
  }

  private void writeDigits(long n, int digits) {
    if (n < 0) {
      buf[len++] = '-';
      n = -n;
      digits--;
    }
    int end = len + digits;
    for (int p = end - 1; p >= len; p--) {
      buf[p] = (byte) ('0' + n % 10);
      n /= 10;
    }
    len = end;
  }

  private static int digits(long n) {
    if (n < 0) {
      return 1 + digits(-n);
    }
    int d = 1;
    while (n >= 10) {
      n /= 10;
      d++;
    }
    return d;
  }
}
