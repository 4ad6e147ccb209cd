package dev.preheat.spring.internal;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Keeps the starter from slowing startup through a dependency. Preheat's core needs Jackson 2, and
 * Jackson 2 on the classpath alone makes Spring Boot's deprecated {@code
 * Jackson2EndpointAutoConfiguration} build an isolated Jackson 2 {@code ObjectMapper} for actuator
 * endpoints (about 350 classes, 100+ ms measured), which an app on Jackson 3 never uses: its
 * endpoints are written by Jackson 3. So when Jackson 3 is present and not overruled by {@code
 * spring.http.converters.preferred-json-mapper=jackson2}, this adds the default {@code
 * management.endpoints.jackson2.isolated-object-mapper=false} at the lowest precedence; any value
 * the app sets wins. Does nothing when {@code preheat.enabled=false}.
 */
public final class StarterDefaults implements EnvironmentPostProcessor, Ordered {

  /** The property source's name. */
  public static final String SOURCE = "preheatStarterDefaults";

  static final String ISOLATED_JACKSON2 = "management.endpoints.jackson2.isolated-object-mapper";

  /** Jackson 3's JSON mapper, looked up as a resource (not loaded). */
  static final String JACKSON3 = "tools/jackson/databind/json/JsonMapper.class";

  @Override
  public void postProcessEnvironment(ConfigurableEnvironment environment,
      SpringApplication application) {
    // Strings and a resource lookup only: converting a property or loading a class here would
    // pull the conversion service or Jackson 3 onto the main thread this early, a cost of its own
    // (Spring Boot loads Jackson 3 later, partly in the background).
    ClassLoader loader = application.getClassLoader();
    if ("false".equalsIgnoreCase(environment.getProperty("preheat.enabled", "true").trim())
        || environment.containsProperty(ISOLATED_JACKSON2)
        || loader == null || loader.getResource(JACKSON3) == null
        || "jackson2".equalsIgnoreCase(
            environment.getProperty("spring.http.converters.preferred-json-mapper", "").trim())) {
      return;
    }
    environment.getPropertySources().addLast(
        new MapPropertySource(SOURCE, Map.of(ISOLATED_JACKSON2, "false")));
  }

  /** After the application's own configuration is loaded (its settings are read here). */
  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }
}
