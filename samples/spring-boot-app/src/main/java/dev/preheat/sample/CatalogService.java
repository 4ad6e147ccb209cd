package dev.preheat.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.stereotype.Service;

/**
 * The expensive part: each product costs a backend call ({@code catalog.cost-per-item}, 40 ms by
 * default: a pricing and stock lookup), so an uncached category page of 8 products costs 320 ms.
 */
@Service
public class CatalogService {

  /** A product page's data. */
  public record Product(String id, String name, long priceCents, int stock) {}

  /** Products per category page. */
  static final int PAGE = 8;

  private final long costMillis;

  CatalogService(@Value("${catalog.cost-per-item:40ms}") java.time.Duration cost) {
    this.costMillis = cost.toMillis();
  }

  /** One product; cached. */
  @Cacheable("products")
  public Product product(String id) {
    backendCall();
    int h = Math.abs(id.hashCode());
    return new Product(id, "Product " + id.toUpperCase(Locale.ROOT), 500 + h % 20_000, h % 97);
  }

  /** A category page: its top products; cached. */
  @Cacheable("categories")
  public List<Product> category(String name) {
    List<Product> out = new ArrayList<>();
    int h = Math.abs(name.hashCode());
    for (int i = 0; i < PAGE; i++) {
      backendCall();
      String id = String.format(Locale.ROOT, "p%04d", (h + i * 37) % 2000);
      int ph = Math.abs(id.hashCode());
      out.add(new Product(id, "Product " + id.toUpperCase(Locale.ROOT), 500 + ph % 20_000,
          ph % 97));
    }
    return out;
  }

  private void backendCall() {
    try {
      TimeUnit.MILLISECONDS.sleep(costMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
