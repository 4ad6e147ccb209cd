package dev.preheat.spring.autoconfigure;

import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;

/** HTTP warming is configured: {@code preheat.http.base-url} or {@code preheat.self.enabled}. */
final class HttpWarmingCondition extends AnyNestedCondition {

  HttpWarmingCondition() {
    super(ConfigurationPhase.PARSE_CONFIGURATION);
  }

  @ConditionalOnProperty("preheat.http.base-url")
  static final class CdnPlan {}

  @ConditionalOnBooleanProperty("preheat.self.enabled")
  static final class SelfWarming {}
}
