package dev.preheat.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.stereotype.Service;

/**
 * The expensive part: each product costs a backend call ({@code catalog.cost-per-item}, 40 ms by
 * default: a pricing and stock lookup), so an uncached category page of 8 products costs 320 ms.
 * Products come from a {@link ProductStore}: the backend itself, or (profile {@code redis}) Redis
 * in front of it. Both methods are cached in Caffeine through Spring Cache.
 */
@Service
public class CatalogService {

  /** A product page's data. */
  public record Product(String id, String name, long priceCents, int stock) {}

  /** Products per category page. */
  static final int PAGE = 8;

  private final ProductStore store;

  CatalogService(ProductStore store) {
    this.store = store;
  }

  /** One product; cached. */
  @Cacheable("products")
  public Product product(String id) {
    return store.product(id);
  }

  /** A category page: its top products; cached. */
  @Cacheable("categories")
  public List<Product> category(String name) {
    return store.products(categoryProducts(name));
  }

  /** The ids of the products on the page of category {@code name}. */
  public static List<String> categoryProducts(String name) {
    List<String> ids = new ArrayList<>();
    int h = Math.abs(name.hashCode());
    for (int i = 0; i < PAGE; i++) {
      ids.add(String.format(Locale.ROOT, "p%04d", (h + i * 37) % 2000));
    }
    return ids;
  }
}
