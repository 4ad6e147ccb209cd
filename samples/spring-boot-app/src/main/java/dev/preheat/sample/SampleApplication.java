package dev.preheat.sample;

import java.nio.file.Path;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.context.ApplicationListener;
import org.springframework.cache.annotation.EnableCaching;

/**
 * A catalog service whose pages are expensive to build (a simulated backend call per product)
 * and cached with Caffeine through Spring Cache. Preheat mines the hot paths from the bundled
 * access log and requests them over loopback before readiness, so the first real user after a
 * deploy hits a warm cache. Run with {@code --preheat.enabled=false} to see the cold start.
 */
@SpringBootApplication
@EnableCaching
public class SampleApplication {

  /** Starts the app. */
  public static void main(String[] args) {
    SpringApplication app = new SpringApplication(SampleApplication.class);
    String trace = System.getProperty("startup.trace", "");
    if (trace.equals("true")) {
      // records bean instantiation times for /actuator/startup
      app.setApplicationStartup(new BufferingApplicationStartup(20_000));
    } else if (trace.startsWith("cpu:")) {
      // the startup benchmark: each step's CPU time, written to a file when ready
      CpuStartupTrace cpu = new CpuStartupTrace(Path.of(trace.substring(4)));
      app.setApplicationStartup(cpu);
      app.addListeners((ApplicationListener<ApplicationReadyEvent>) e -> cpu.write());
    }
    app.run(args);
  }
}
