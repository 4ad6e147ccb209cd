package dev.preheat.sample;

import java.lang.management.ManagementFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Logs when the app is ready (readiness ACCEPTING_TRAFFIC), for the startup benchmark. */
@Component
class ReadyLog {

  private static final Logger log = LoggerFactory.getLogger(ReadyLog.class);

  @EventListener(ApplicationReadyEvent.class)
  void ready() {
    log.info("Ready to accept traffic; JVM uptime {} ms",
        ManagementFactory.getRuntimeMXBean().getUptime());
  }
}
