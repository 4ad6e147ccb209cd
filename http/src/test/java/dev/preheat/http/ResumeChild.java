package dev.preheat.http;

import dev.preheat.spi.CheckpointStore;
import dev.preheat.warm.WarmPlan;
import dev.preheat.warm.Warmer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The warm process {@link ResumeAfterKillTest} kills: warms {@link #plan} with a file checkpoint
 * store through the real transport and waits for the run to end (it never does: it is killed).
 * Arguments: the origin port, the checkpoint file, the number of URLs.
 */
public final class ResumeChild {

  /** Requests in flight at once, in the child and in the resumed run. */
  static final int CONCURRENCY = 4;

  private ResumeChild() {}

  /** The plan both the killed and the resumed run warm; equal inputs give an equal hash. */
  static WarmPlan plan(int originPort, int urls) {
    WarmPlan.Builder plan = WarmPlan.builder()
        .baseUrl(URI.create("http://127.0.0.1:" + originPort + "/"));
    for (int i = 0; i < urls; i++) {
      plan.entry("/resume/item-" + i, urls - i, "test");
    }
    return plan.build();
  }

  /** Warms the plan; see the class comment for the arguments. */
  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    Path checkpoints = Path.of(args[1]);
    int urls = Integer.parseInt(args[2]);
    try (OkHttpTransport transport = OkHttpTransport.create();
        CheckpointStore store = CheckpointStore.file(checkpoints)) {
      Warmer warmer = Warmer.builder().transport(transport).noRateLimit()
          .concurrency(CONCURRENCY).checkpoints(store).build();
      warmer.start(plan(port, urls)).await(Duration.ofMinutes(2));
    }
  }
}
