package dev.preheat.redis.internal;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.output.CommandOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.ProtocolKeyword;
import io.lettuce.core.protocol.RedisCommand;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Plain Redis commands of one batch (e.g. a {@code PSETEX} per key), pipelined as ordinary
 * commands rather than inside a script, with little client work per command: every command is
 * encoded to RESP on the thread building the batch, into one array shared by the batch, and
 * handed to Lettuce as a small {@link RedisCommand} that writes its slice of that array and
 * records its reply in the batch's arrays (no future, output object or argument list per
 * command). {@link #done()} completes when every command has a reply or failed.
 *
 * <p>Why not a script: every command a script runs costs Redis more than the same command
 * pipelined (arguments converted to Lua and back), so one {@code PSETEX} per key costs the server
 * about what {@code redis-cli --pipe}'s {@code SET} does, against ~1.4 times for the same writes
 * in a script (measured with {@code benchmarks/redis-server-cost}).
 *
 * <p>Replies read: a status ({@code +OK}) is 1, a null reply (e.g. {@code SET NX} that did not
 * set) is 0, an integer is itself; an error is kept as its message. Each command keeps its own
 * encoded bytes, so a command Lettuce re-sends after a reconnect is sent whole.
 *
 * <p>Built by one thread, then dispatched once; not reusable.
 */
public final class CommandBatch {

  private static final byte[] CRLF = {'\r', '\n'};

  private final ProtocolKeyword type;
  private final Output output = new Output();
  private final CompletableFuture<CommandBatch> done = new CompletableFuture<>();
  private final AtomicInteger pending = new AtomicInteger();
  private byte[] buf;
  private int len;
  private int[] ends = new int[16];
  private ProtocolKeyword[] types = new ProtocolKeyword[16];
  private int count;
  private int argsLeft;
  private long[] values = new long[0];
  private String[] errors = new String[0];
  private boolean dispatched;
  private volatile boolean outOfStep;

  /**
   * An empty batch; {@code type} names its commands to Lettuce (logging, connection state),
   * {@code bytes} the expected size of the encoded commands (it grows).
   */
  public CommandBatch(ProtocolKeyword type, int bytes) {
    this.type = type;
    this.buf = new byte[Math.max(64, bytes)];
  }

  /**
   * Starts a command of {@code argCount} arguments after its name; add them with {@link #key},
   * {@link #bytes} and {@link #number}.
   */
  public CommandBatch command(ProtocolKeyword name, int argCount) {
    if (argsLeft != 0) {
      throw new IllegalStateException("the previous command lacks " + argsLeft + " arguments");
    }
    if (count == ends.length) {
      ends = Arrays.copyOf(ends, count * 2);
      types = Arrays.copyOf(types, count * 2);
    }
    byte[] n = name.getBytes();
    ensure(n.length + 32);
    buf[len++] = '*';
    writeDigits(argCount + 1L);
    crlf();
    argsLeft = argCount + 1;
    bytes(n);
    types[count] = name;
    ends[count++] = len;
    return this;
  }

  /** Adds a key argument (UTF-8). */
  public CommandBatch key(String key) {
    return bytes(key.getBytes(StandardCharsets.UTF_8));
  }

  /** Adds a binary-safe argument. */
  public CommandBatch bytes(byte[] b) {
    if (argsLeft == 0) {
      throw new IllegalStateException("no command started or all its arguments given");
    }
    ensure(b.length + 24);
    buf[len++] = '$';
    writeDigits(b.length);
    crlf();
    System.arraycopy(b, 0, buf, len, b.length);
    len += b.length;
    crlf();
    argsLeft--;
    if (count > 0) {
      ends[count - 1] = len;
    }
    return this;
  }

  /** Adds a number as its decimal text. */
  public CommandBatch number(long n) {
    if (argsLeft == 0) {
      throw new IllegalStateException("no command started or all its arguments given");
    }
    ensure(48);
    buf[len++] = '$';
    writeDigits(digitCount(n));
    crlf();
    writeDigits(n);
    crlf();
    argsLeft--;
    ends[count - 1] = len;
    return this;
  }

  /** Commands added so far. */
  public int size() {
    return count;
  }

  /** Bytes encoded so far. */
  public int bytes() {
    return len;
  }

  /**
   * The commands to hand to Lettuce ({@code StatefulConnection.dispatch(Collection)}), in
   * order; call once, after the last command was added.
   */
  public List<RedisCommand<String, byte[], Object>> commands() {
    if (dispatched) {
      throw new IllegalStateException("already dispatched");
    }
    if (argsLeft != 0) {
      throw new IllegalStateException("the last command lacks " + argsLeft + " arguments");
    }
    dispatched = true;
    values = new long[count];
    errors = new String[count];
    pending.set(count);
    List<RedisCommand<String, byte[], Object>> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(new Cmd(this, i));
    }
    if (count == 0) {
      done.complete(this);
    }
    return out;
  }

  /**
   * The whole batch as one command to hand to Lettuce, sent between {@code CLIENT REPLY OFF} and
   * {@code CLIENT REPLY ON}: Redis runs every command but answers only the last {@code CLIENT
   * REPLY ON} ({@code +OK}), so Lettuce handles one command and one reply per batch instead of
   * one per command. Redis does not tell which command failed: {@link #done()} completes with
   * every command's value 1 when that reply is {@code OK} (each command's error otherwise), and
   * the caller must find out whether any command failed some other way (e.g. the server's error
   * reply counter) and {@link #resend} the batch if so. Use only on a server known to honour
   * {@code CLIENT REPLY} (else every command's reply comes back and the connection's replies no
   * longer match its commands). Call once, instead of {@link #commands()}.
   *
   * @param outOfStep set, on the event-loop thread and before any later reply of the connection
   *     completes a command, when the reply is not {@code OK}: from then on no reply of the
   *     connection may be trusted (see {@link #repliesOutOfStep()})
   */
  public RedisCommand<String, byte[], Object> withRepliesOff(AtomicBoolean outOfStep) {
    if (dispatched) {
      throw new IllegalStateException("already dispatched");
    }
    if (argsLeft != 0) {
      throw new IllegalStateException("the last command lacks " + argsLeft + " arguments");
    }
    dispatched = true;
    values = new long[count];
    errors = new String[count];
    return new Quiet(this, outOfStep);
  }

  /**
   * A new batch of the same commands (sharing the encoded bytes), not yet dispatched: to send a
   * batch again, e.g. one command per reply after a batch sent {@linkplain #withRepliesOff with
   * replies off} may have failed.
   */
  public CommandBatch resend() {
    if (argsLeft != 0) {
      throw new IllegalStateException("the last command lacks " + argsLeft + " arguments");
    }
    CommandBatch b = new CommandBatch(type, 0);
    b.buf = buf;
    b.len = len;
    b.ends = ends;
    b.types = types;
    b.count = count;
    return b;
  }

  /**
   * True when a batch sent {@linkplain #withRepliesOff with replies off} got a reply other than
   * {@code CLIENT REPLY ON}'s {@code OK} (e.g. {@code CLIENT} was refused): the server may have
   * answered each command, so the connection's later replies may not match its commands and it
   * must not be used again.
   */
  public boolean repliesOutOfStep() {
    return outOfStep;
  }

  /** Completes (with this batch) when every command has a reply or failed. */
  public CompletableFuture<CommandBatch> done() {
    return done;
  }

  /** The reply of command {@code i}: 1 for a status, 0 for null, or the integer. */
  public long value(int i) {
    return values[i];
  }

  /** The error of command {@code i} (a Redis error reply or why it was not sent), or null. */
  public String error(int i) {
    return errors[i];
  }

  @Override
  public String toString() {
    return "CommandBatch[" + type + ", " + count + " commands, " + len + " bytes]";
  }

  private void finished(int i, String error, long value) {
    errors[i] = error;
    values[i] = value;
    if (pending.decrementAndGet() == 0) {
      done.complete(this);
    }
  }

  private void crlf() {
    buf[len++] = CRLF[0];
    buf[len++] = CRLF[1];
  }

  private void ensure(int more) {
    if (len + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
    }
  }

  private static int digitCount(long n) {
    if (n == Long.MIN_VALUE) {
      return 20;
    }
    int digits = n < 0 ? 2 : 1;
    long m = Math.abs(n);
    if (m <= Integer.MAX_VALUE) {
      for (int i = (int) m; i >= 10; i /= 10) {
        digits++;
      }
      return digits;
    }
    for (; m >= 10; m /= 10) {
      digits++;
    }
    return digits;
  }

  private void writeDigits(long n) {
    if (n < 0) {
      buf[len++] = '-';
      if (n == Long.MIN_VALUE) {
        byte[] s = Long.toString(n).substring(1).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(s, 0, buf, len, s.length);
        len += s.length;
        return;
      }
      n = -n;
    }
    if (n <= Integer.MAX_VALUE) {
      // int arithmetic: C1-compiled long division calls into the runtime
      int v = (int) n;
      int digits = 1;
      for (int m = v; m >= 10; m /= 10) {
        digits++;
      }
      int end = len + digits;
      for (int p = end - 1; p >= len; p--) {
        buf[p] = (byte) ('0' + v % 10);
        v /= 10;
      }
      len = end;
      return;
    }
    int digits = 1;
    for (long m = n; m >= 10; m /= 10) {
      digits++;
    }
    int end = len + digits;
    for (int p = end - 1; p >= len; p--) {
      buf[p] = (byte) ('0' + n % 10);
      n /= 10;
    }
    len = end;
  }

  /**
   * The reply of the command being decoded: Lettuce decodes one reply, then completes the
   * command at the head of its queue, on the connection's event-loop thread, one at a time; so
   * one output serves the whole batch and each command takes the reply as it completes.
   */
  private static final class Output extends CommandOutput<String, byte[], Object> {
    long value;

    Output() {
      super(RawArgs.codec(), null);
    }

    @Override
    public void set(ByteBuffer bytes) {
      value = bytes == null ? 0 : 1;
    }

    @Override
    public void set(long integer) {
      value = integer;
    }

    @Override
    public void set(boolean b) {
      value = b ? 1 : 0;
    }

    String takeError() {
      String e = error;
      error = null;
      return e;
    }
  }

  private void finishedAll(String error) {
    for (int i = 0; i < count; i++) {
      errors[i] = error;
      values[i] = error == null ? 1 : 0;
    }
    done.complete(this);
  }

  private static final byte[] REPLY_OFF =
      "*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$3\r\nOFF\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] REPLY_ON =
      "*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$2\r\nON\r\n".getBytes(StandardCharsets.US_ASCII);

  /**
   * What {@link Quiet} and {@link Cmd} share as Lettuce commands: completion at most once,
   * cancellation, no arguments of Lettuce's own (the batch encodes itself) and a fixed output.
   */
  private abstract static class BatchCommand implements RedisCommand<String, byte[], Object> {
    final CommandBatch batch;
    private volatile boolean done;
    private volatile boolean cancelled;

    BatchCommand(CommandBatch batch) {
      this.batch = batch;
    }

    /** The reply arrived (called once). */
    abstract void replied();

    /** The command failed or was cancelled before its reply (called once). */
    abstract void failed(Throwable t, String why);

    @Override
    public final void complete() {
      if (done) {
        return;
      }
      done = true;
      replied();
    }

    @Override
    public final boolean completeExceptionally(Throwable t) {
      if (done) {
        return false;
      }
      done = true;
      failed(t, t.getMessage() != null ? t.getMessage() : t.toString());
      return true;
    }

    @Override
    public final void cancel() {
      if (!done) {
        cancelled = true;
        completeExceptionally(new java.util.concurrent.CancellationException("cancelled"));
      }
    }

    @Override
    public final CommandArgs<String, byte[]> getArgs() {
      return new CommandArgs<>(RawArgs.codec());
    }

    @Override
    public final boolean isCancelled() {
      return cancelled;
    }

    @Override
    public final boolean isDone() {
      return done;
    }

    @Override
    public final void setOutput(CommandOutput<String, byte[], Object> output) {
      throw new UnsupportedOperationException("a batch command keeps the batch's output");
    }
  }

  /** The whole batch between CLIENT REPLY OFF and ON, as one command to Lettuce. */
  private static final class Quiet extends BatchCommand {
    private final QuietOutput output = new QuietOutput();
    private final AtomicBoolean outOfStep;

    Quiet(CommandBatch batch, AtomicBoolean outOfStep) {
      super(batch);
      this.outOfStep = outOfStep;
    }

    @Override
    public CommandOutput<String, byte[], Object> getOutput() {
      return output;
    }

    @Override
    void replied() {
      String e = output.getError();
      if (e == null && !"OK".equals(output.status)) {
        // Not the reply of CLIENT REPLY ON: the server did not honour CLIENT REPLY.
        e = "unexpected reply " + output.status + " to CLIENT REPLY ON";
      }
      if (e != null) {
        batch.outOfStep = true;
        outOfStep.set(true);
      }
      batch.finishedAll(e);
    }

    @Override
    void failed(Throwable t, String why) {
      batch.finishedAll("not acknowledged: " + why);
    }

    @Override
    public ProtocolKeyword getType() {
      return batch.type;
    }

    @Override
    public void encode(ByteBuf target) {
      target.writeBytes(REPLY_OFF);
      target.writeBytes(batch.buf, 0, batch.len);
      target.writeBytes(REPLY_ON);
    }

    @Override
    public String toString() {
      return "CommandBatch.Quiet[" + batch.count + " commands, replies off]";
    }
  }

  /** The status reply of CLIENT REPLY ON. */
  private static final class QuietOutput extends CommandOutput<String, byte[], Object> {
    String status;

    QuietOutput() {
      super(RawArgs.codec(), null);
    }

    @Override
    public void set(ByteBuffer bytes) {
      status = bytes == null ? null : StandardCharsets.US_ASCII.decode(bytes).toString();
    }

    @Override
    public void set(long integer) {
      status = Long.toString(integer);
    }
  }

  /** One command of the batch, as Lettuce sees it. */
  private static final class Cmd extends BatchCommand {
    private final int index;

    Cmd(CommandBatch batch, int index) {
      super(batch);
      this.index = index;
    }

    @Override
    public CommandOutput<String, byte[], Object> getOutput() {
      return batch.output;
    }

    @Override
    void replied() {
      Output o = batch.output;
      String e = o.takeError();
      long v = o.value;
      o.value = 0;
      batch.finished(index, e, v);
    }

    @Override
    void failed(Throwable t, String why) {
      batch.finished(index, t instanceof RedisCommandExecutionException ? why : "not sent: "
          + why, 0);
    }

    @Override
    public ProtocolKeyword getType() {
      return batch.types[index];
    }

    @Override
    public void encode(ByteBuf target) {
      int start = index == 0 ? 0 : batch.ends[index - 1];
      target.writeBytes(batch.buf, start, batch.ends[index] - start);
    }

    @Override
    public String toString() {
      return "CommandBatch.Cmd[" + getType() + " " + index + " of " + batch.count + "]";
    }
  }
}
