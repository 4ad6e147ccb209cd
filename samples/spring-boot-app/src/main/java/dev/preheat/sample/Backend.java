package dev.preheat.sample;

import dev.preheat.sample.CatalogService.Product;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The source of truth behind the catalog: a pricing and stock service. Each call costs {@code
 * catalog.cost-per-item} (40 ms by default), whether it asks for one product or, through its bulk
 * API, for a batch of them.
 */
@Component
public class Backend {

  private final long costMillis;
  private final AtomicLong calls = new AtomicLong();

  Backend(@Value("${catalog.cost-per-item:40ms}") Duration cost) {
    this.costMillis = cost.toMillis();
  }

  /** One product (one call). */
  public Product load(String id) {
    call();
    return product(id);
  }

  /** Many products in one bulk call. */
  public Map<String, Product> loadAll(Collection<String> ids) {
    call();
    Map<String, Product> out = new LinkedHashMap<>();
    for (String id : ids) {
      out.put(id, product(id));
    }
    return out;
  }

  /** Calls made so far. */
  public long calls() {
    return calls.get();
  }

  private static Product product(String id) {
    int h = Math.abs(id.hashCode());
    return new Product(id, "Product " + id.toUpperCase(Locale.ROOT), 500 + h % 20_000, h % 97);
  }

  private void call() {
    calls.incrementAndGet();
    try {
      TimeUnit.MILLISECONDS.sleep(costMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
