package dev.preheat.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.actuate.autoconfigure.endpoint.jackson.Jackson2EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * The starter brings Jackson 2 (Preheat's core needs it); a real {@link SpringApplication} on
 * Jackson 3 must not pay for Spring Boot's unused isolated Jackson 2 endpoint mapper because of
 * it, unless the app asks for Jackson 2.
 */
@SuppressWarnings("removal")
class StarterDefaultsTest {

  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration(Jackson2EndpointAutoConfiguration.class)
  static class App {}

  private static boolean jackson2EndpointMapper(String... args) {
    SpringApplication app = new SpringApplication(App.class);
    app.setWebApplicationType(WebApplicationType.NONE);
    try (ConfigurableApplicationContext ctx = app.run(args)) {
      return ctx.containsBean("jackson2EndpointJsonMapper");
    }
  }

  @Test
  void theUnusedJackson2EndpointMapperIsNotBuilt() {
    assertThat(jackson2EndpointMapper()).isFalse();
  }

  @Test
  void anAppThatSetsThePropertyOrPrefersJackson2KeepsIt() {
    assertThat(jackson2EndpointMapper(
        "--management.endpoints.jackson2.isolated-object-mapper=true")).isTrue();
    assertThat(jackson2EndpointMapper(
        "--spring.http.converters.preferred-json-mapper=jackson2")).isTrue();
  }

  @Test
  void preheatDisabledChangesNothing() {
    assertThat(jackson2EndpointMapper("--preheat.enabled=false")).isTrue();
  }
}
