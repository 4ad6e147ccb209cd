package dev.preheat.sample;

import dev.preheat.sample.CatalogService.Product;
import java.util.ArrayList;
import java.util.List;

/** Where the catalog's products come from. */
public interface ProductStore {

  /** One product. */
  Product product(String id);

  /** Several products, in the order of {@code ids}; the default asks for them one by one. */
  default List<Product> products(List<String> ids) {
    List<Product> out = new ArrayList<>(ids.size());
    for (String id : ids) {
      out.add(product(id));
    }
    return out;
  }
}
