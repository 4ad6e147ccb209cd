package dev.preheat.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
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
    if (Boolean.getBoolean("startup.trace")) {
      // records bean instantiation times for /actuator/startup (the startup benchmark reads it)
      app.setApplicationStartup(new BufferingApplicationStartup(20_000));
    }
    app.run(args);
  }
}
