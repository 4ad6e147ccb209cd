package dev.preheat.internal.warm;

import dev.preheat.report.StageReport;
import dev.preheat.report.WarmReport;
import dev.preheat.spi.WarmListener;
import dev.preheat.warm.Stage;
import dev.preheat.warm.TargetResult;
import dev.preheat.warm.WarmPlan;
import dev.preheat.warm.WarmResponse;
import dev.preheat.warm.WarmTarget;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/** Forwards to several listeners; isolates each from the others' failures. */
public final class CompositeWarmListener implements WarmListener {

  private final List<WarmListener> listeners;
  private final SafeListener.FailureLog log = new SafeListener.FailureLog();

  /** Forwards to {@code listeners} in order. */
  public CompositeWarmListener(List<WarmListener> listeners) {
    this.listeners = listeners;
  }

  private void each(String event, Consumer<WarmListener> call) {
    for (WarmListener l : listeners) {
      try {
        call.accept(l);
      } catch (RuntimeException e) {
        log.failed(l, event, e);
      }
    }
  }

  @Override
  public void runStarted(WarmPlan plan) {
    each("runStarted", l -> l.runStarted(plan));
  }

  @Override
  public void runFinished(WarmReport report) {
    each("runFinished", l -> l.runFinished(report));
  }

  @Override
  public void targetStarted(WarmTarget target, int attempt) {
    each("targetStarted", l -> l.targetStarted(target, attempt));
  }

  @Override
  public void targetFinished(TargetResult result) {
    each("targetFinished", l -> l.targetFinished(result));
  }

  @Override
  public void responseReceived(WarmTarget target, WarmResponse response) {
    each("responseReceived", l -> l.responseReceived(target, response));
  }

  @Override
  public void attemptFailed(WarmTarget target, int attempt, String detail, boolean willRetry) {
    each("attemptFailed", l -> l.attemptFailed(target, attempt, detail, willRetry));
  }

  @Override
  public void retry(WarmTarget target, int nextAttempt, Duration delay) {
    each("retry", l -> l.retry(target, nextAttempt, delay));
  }

  @Override
  public void paused(String host, String reason, Duration duration) {
    each("paused", l -> l.paused(host, reason, duration));
  }

  @Override
  public void resumed(String host) {
    each("resumed", l -> l.resumed(host));
  }

  @Override
  public void breakerOpened(String host, double errorRate) {
    each("breakerOpened", l -> l.breakerOpened(host, errorRate));
  }

  @Override
  public void breakerClosed(String host) {
    each("breakerClosed", l -> l.breakerClosed(host));
  }

  @Override
  public String toString() {
    return "WarmListener.composite" + listeners;
  }

  @Override
  public void stageStarted(Stage stage, int attempt, long targets) {
    each("stageStarted", l -> l.stageStarted(stage, attempt, targets));
  }

  @Override
  public void gateDecided(Stage stage, StageReport.GateDecision decision) {
    each("gateDecided", l -> l.gateDecided(stage, decision));
  }

  @Override
  public void stageFinished(StageReport report) {
    each("stageFinished", l -> l.stageFinished(report));
  }
}
