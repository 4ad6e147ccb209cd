package dev.preheat.spring.autoconfigure;

import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * HTTP warming is configured: {@code preheat.http.base-url} is set or {@code
 * preheat.self.enabled=true}. A plain condition on two properties (no nested condition classes to
 * read), since it is evaluated on every startup.
 */
final class HttpWarmingCondition implements Condition {

  @Override
  public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
    Environment env = context.getEnvironment();
    String baseUrl = env.getProperty("preheat.http.base-url");
    return (baseUrl != null && !baseUrl.isBlank())
        || "true".equalsIgnoreCase(env.getProperty("preheat.self.enabled", "false").trim());
  }
}
