package dev.preheat.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.springframework.core.metrics.ApplicationStartup;
import org.springframework.core.metrics.StartupStep;

/**
 * For the startup benchmark ({@code -Dstartup.trace=cpu:FILE}): records each startup step of
 * Spring with the CPU time its thread spent in it (not wall time, which other processes' load
 * inflates), and writes them as JSON lines to FILE when the app is ready.
 */
final class CpuStartupTrace implements ApplicationStartup {

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final AtomicLong ids = new AtomicLong();
  private final ThreadLocal<Deque<Step>> open = ThreadLocal.withInitial(ArrayDeque::new);
  private final ConcurrentLinkedQueue<Step> ended = new ConcurrentLinkedQueue<>();
  private final Path file;

  CpuStartupTrace(Path file) {
    this.file = file;
  }

  @Override
  public StartupStep start(String name) {
    Deque<Step> stack = open.get();
    Step parent = stack.peek();
    Step step = new Step(ids.incrementAndGet(), parent == null ? null : parent.id, name, stack);
    stack.push(step);
    step.cpuStart = threads.getCurrentThreadCpuTime();
    return step;
  }

  /** Writes the ended steps: {@code {"id":..,"parent":..,"name":"..","cpu_ns":..,"bean":".."}}. */
  void write() {
    try (Writer w = Files.newBufferedWriter(file)) {
      for (Step s : ended) {
        String bean = "";
        for (StartupStep.Tag t : s.tags) {
          if (t.getKey().equals("beanName")) {
            bean = t.getValue().replace("\\", "\\\\").replace("\"", "\\\"");
          }
        }
        w.write("{\"id\":" + s.id + ",\"parent\":" + s.parentId + ",\"name\":\"" + s.name
            + "\",\"cpu_ns\":" + s.cpu + ",\"bean\":\"" + bean + "\"}\n");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private final class Step implements StartupStep {
    final long id;
    final Long parentId;
    final String name;
    final Deque<Step> stack;
    final TagList tags = new TagList();
    long cpuStart;
    long cpu;

    Step(long id, Long parentId, String name, Deque<Step> stack) {
      this.id = id;
      this.parentId = parentId;
      this.name = name;
      this.stack = stack;
    }

    @Override
    public String getName() {
      return name;
    }

    @Override
    public long getId() {
      return id;
    }

    @Override
    public Long getParentId() {
      return parentId;
    }

    @Override
    public StartupStep tag(String key, String value) {
      tags.list.add(new KeyValue(key, value));
      return this;
    }

    @Override
    public StartupStep tag(String key, Supplier<String> value) {
      return tag(key, value.get());
    }

    @Override
    public Tags getTags() {
      return tags;
    }

    @Override
    public void end() {
      cpu = threads.getCurrentThreadCpuTime() - cpuStart;
      stack.remove(this);
      ended.add(this);
    }
  }

  private record KeyValue(String getKey, String getValue) implements StartupStep.Tag {}

  private static final class TagList implements StartupStep.Tags {
    final List<StartupStep.Tag> list = new ArrayList<>(2);

    @Override
    public Iterator<StartupStep.Tag> iterator() {
      return list.iterator();
    }
  }
}
