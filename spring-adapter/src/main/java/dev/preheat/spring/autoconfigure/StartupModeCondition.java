package dev.preheat.spring.autoconfigure;

import dev.preheat.spring.StartupMode;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Matches the bound {@code preheat.startup.mode} (relaxed: before-port = BEFORE_PORT). */
abstract class StartupModeCondition implements Condition {

  private final StartupMode mode;

  StartupModeCondition(StartupMode mode) {
    this.mode = mode;
  }

  @Override
  public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
    return Binder.get(context.getEnvironment()).bind("preheat.startup.mode", StartupMode.class)
        .orElse(StartupMode.BLOCKING) == mode;
  }

  static final class Blocking extends StartupModeCondition {
    Blocking() {
      super(StartupMode.BLOCKING);
    }
  }

  static final class Background extends StartupModeCondition {
    Background() {
      super(StartupMode.BACKGROUND);
    }
  }

  static final class BeforePort extends StartupModeCondition {
    BeforePort() {
      super(StartupMode.BEFORE_PORT);
    }
  }
}
