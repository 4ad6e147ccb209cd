package dev.preheat.http;

import dev.preheat.http.purge.NginxPurger;
import dev.preheat.purge.PurgeRequest;
import dev.preheat.purge.PurgeResult;
import dev.preheat.warm.WarmRequest;
import dev.preheat.warm.WarmResponse;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * What {@link WithoutOkHttpTest} runs in a class loader that hides OkHttp, Okio and Kotlin: the
 * default transport, the sitemap resolver and a purger against {@code base}, then the two ways of
 * asking for OkHttp. Returns one line per step.
 */
public final class WithoutOkHttpScenario implements Function<String, String> {

  @Override
  public String apply(String base) {
    StringBuilder out = new StringBuilder();
    try (ApacheHttpTransport transport = ApacheHttpTransport.create()) {
      WarmResponse r = transport.send(WarmRequest.get(URI.create(base + "/page"), Map.of()))
          .get(30, TimeUnit.SECONDS);
      out.append("warm ").append(r.status()).append('\n');
    } catch (Exception e) {
      out.append("warm failed ").append(e).append('\n');
    }
    try (HttpSitemapResolver sitemaps = HttpSitemapResolver.builder(
        URI.create(base + "/sitemap.xml")).build();
        InputStream in = sitemaps.openSitemap()) {
      out.append("sitemap ").append(new String(in.readAllBytes(), StandardCharsets.UTF_8).trim())
          .append('\n');
    } catch (Exception e) {
      out.append("sitemap failed ").append(e).append('\n');
    }
    try (NginxPurger purger = NginxPurger.builder(URI.create(base + "/")).build()) {
      PurgeResult r = purger.purge(PurgeRequest.urls(URI.create("http://shop.test/a")))
          .get(30, TimeUnit.SECONDS);
      out.append("purge ").append(r.items().get(0).detail()).append('\n');
    } catch (Exception e) {
      out.append("purge failed ").append(e).append('\n');
    }
    try {
      HttpClientKind.OKHTTP.builder();
      out.append("okhttp kind built\n");
    } catch (IllegalStateException e) {
      out.append("okhttp kind: ").append(e.getMessage()).append('\n');
    }
    try {
      OkHttpTransport.builder();
      out.append("okhttp transport built\n");
    } catch (IllegalStateException e) {
      out.append("okhttp transport: ").append(e.getMessage()).append('\n');
    } catch (LinkageError e) {
      out.append("okhttp transport linkage: ").append(e).append('\n');
    }
    return out.toString();
  }
}
