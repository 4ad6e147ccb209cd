package dev.preheat.sample;

import java.lang.management.ManagementFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Logs when the app is ready (readiness ACCEPTING_TRAFFIC), with the JVM's uptime and the CPU time
 * spent so far (all threads, and the main thread that ran the startup), for the startup benchmark.
 */
@Component
class ReadyLog {

  private static final Logger log = LoggerFactory.getLogger(ReadyLog.class);

  @EventListener(ApplicationReadyEvent.class)
  void ready() {
    long uptime = ManagementFactory.getRuntimeMXBean().getUptime();
    long mainCpu = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() / 1_000_000;
    long processCpu = ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() / 1_000_000
        : -1;
    log.info("Ready to accept traffic; JVM uptime {} ms, CPU {} ms (main thread {} ms)", uptime,
        processCpu, mainCpu);
  }
}
