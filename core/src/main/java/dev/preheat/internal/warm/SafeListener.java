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
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wraps the user's listener so that nothing it throws reaches the engine. */
public final class SafeListener implements WarmListener {

  private static final Logger LOG = LoggerFactory.getLogger(SafeListener.class);

  private final WarmListener delegate;
  private final FailureLog log = new FailureLog();

  /** Wraps {@code delegate}. */
  public SafeListener(WarmListener delegate) {
    this.delegate = delegate;
  }

  /** Logs the first listener failure (per instance) with its stack trace, later ones not at all. */
  static final class FailureLog {
    private final AtomicBoolean logged = new AtomicBoolean();

    void failed(WarmListener listener, String event, RuntimeException e) {
      if (logged.compareAndSet(false, true)) {
        LOG.warn("warm listener {} threw from {}; the run goes on and further listener failures"
            + " are not logged. Listeners must not throw.", listener, event, e);
      }
    }
  }

  @Override
  public void runStarted(WarmPlan plan) {
    try {
      delegate.runStarted(plan);
    } catch (RuntimeException e) {
      log.failed(delegate, "runStarted", e);
    }
  }

  @Override
  public void runFinished(WarmReport report) {
    try {
      delegate.runFinished(report);
    } catch (RuntimeException e) {
      log.failed(delegate, "runFinished", e);
    }
  }

  @Override
  public void targetStarted(WarmTarget target, int attempt) {
    try {
      delegate.targetStarted(target, attempt);
    } catch (RuntimeException e) {
      log.failed(delegate, "targetStarted", e);
    }
  }

  @Override
  public void targetFinished(TargetResult result) {
    try {
      delegate.targetFinished(result);
    } catch (RuntimeException e) {
      log.failed(delegate, "targetFinished", e);
    }
  }

  @Override
  public void responseReceived(WarmTarget target, WarmResponse response) {
    try {
      delegate.responseReceived(target, response);
    } catch (RuntimeException e) {
      log.failed(delegate, "responseReceived", e);
    }
  }

  @Override
  public void attemptFailed(WarmTarget target, int attempt, String detail, boolean willRetry) {
    try {
      delegate.attemptFailed(target, attempt, detail, willRetry);
    } catch (RuntimeException e) {
      log.failed(delegate, "attemptFailed", e);
    }
  }

  @Override
  public void retry(WarmTarget target, int nextAttempt, Duration delay) {
    try {
      delegate.retry(target, nextAttempt, delay);
    } catch (RuntimeException e) {
      log.failed(delegate, "retry", e);
    }
  }

  @Override
  public void paused(String host, String reason, Duration duration) {
    try {
      delegate.paused(host, reason, duration);
    } catch (RuntimeException e) {
      log.failed(delegate, "paused", e);
    }
  }

  @Override
  public void resumed(String host) {
    try {
      delegate.resumed(host);
    } catch (RuntimeException e) {
      log.failed(delegate, "resumed", e);
    }
  }

  @Override
  public void breakerOpened(String host, double errorRate) {
    try {
      delegate.breakerOpened(host, errorRate);
    } catch (RuntimeException e) {
      log.failed(delegate, "breakerOpened", e);
    }
  }

  @Override
  public void breakerClosed(String host) {
    try {
      delegate.breakerClosed(host);
    } catch (RuntimeException e) {
      log.failed(delegate, "breakerClosed", e);
    }
  }

  @Override
  public void stageStarted(Stage stage, int attempt, long targets) {
    try {
      delegate.stageStarted(stage, attempt, targets);
    } catch (RuntimeException e) {
      log.failed(delegate, "stageStarted", e);
    }
  }

  @Override
  public void gateDecided(Stage stage, StageReport.GateDecision decision) {
    try {
      delegate.gateDecided(stage, decision);
    } catch (RuntimeException e) {
      log.failed(delegate, "gateDecided", e);
    }
  }

  @Override
  public void stageFinished(StageReport report) {
    try {
      delegate.stageFinished(report);
    } catch (RuntimeException e) {
      log.failed(delegate, "stageFinished", e);
    }
  }
}
