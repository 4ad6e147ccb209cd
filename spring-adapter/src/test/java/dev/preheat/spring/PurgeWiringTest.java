package dev.preheat.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preheat.purge.PurgeRequest;
import dev.preheat.purge.PurgeResult;
import dev.preheat.purge.Rewarmer;
import dev.preheat.spi.Purger;
import dev.preheat.spring.autoconfigure.PreheatAutoConfiguration;
import dev.preheat.spring.internal.PurgeThenRewarm;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** With Purger beans, webhook changes go to purge-then-rewarm (dev.preheat.purge.Rewarmer). */
class PurgeWiringTest {

  static final LinkedBlockingQueue<PurgeRequest> PURGED = new LinkedBlockingQueue<>();

  @Configuration(proxyBeanMethods = false)
  static class Purgers {
    @Bean
    Purger recordingPurger() {
      return new Purger() {
        @Override
        public String name() {
          return "recording";
        }

        @Override
        public boolean supportsTags() {
          return true;
        }

        @Override
        public CompletableFuture<PurgeResult> purge(PurgeRequest request) {
          PURGED.add(request);
          return CompletableFuture.completedFuture(
              PurgeResult.all("recording", request, PurgeResult.Status.PURGED, null, 1));
        }
      };
    }
  }

  private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(PreheatAutoConfiguration.class))
      .withPropertyValues("preheat.webhook.enabled=true",
          "preheat.webhook.secret=0123456789abcdef0123456789abcdef",
          // a closed port: the re-warm after the purge fails fast, without leaving the machine
          "preheat.http.base-url=http://127.0.0.1:1", "preheat.hotset.paths=/");

  @Test
  void webhookChangesArePurgedThenRewarmed() {
    runner.withUserConfiguration(Purgers.class).run(ctx -> {
      assertThat(ctx).hasSingleBean(Rewarmer.class);
      ContentChangeListener listener = ctx.getBean(ContentChangeListener.class);
      assertThat(listener).isInstanceOf(PurgeThenRewarm.class);
      listener.changed(new ContentChange(List.of("product-7"), List.of("/p/7")));
      PurgeRequest request = PURGED.poll(30, TimeUnit.SECONDS);
      assertThat(request).isNotNull();
      assertThat(request.urls()).contains(URI.create("http://127.0.0.1:1/p/7"));
      assertThat(request.tags()).contains("product-7");
    });
  }

  @Test
  void withoutPurgersTheWebhookStartsARewarmRound() {
    runner.run(ctx -> {
      assertThat(ctx).doesNotHaveBean(Rewarmer.class);
      assertThat(ctx.getBean(ContentChangeListener.class))
          .isNotInstanceOf(PurgeThenRewarm.class);
    });
  }
}
