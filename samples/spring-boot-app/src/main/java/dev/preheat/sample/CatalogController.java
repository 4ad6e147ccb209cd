package dev.preheat.sample;

import dev.preheat.sample.CatalogService.Product;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** The catalog's HTTP API: {@code /products/{id}} and {@code /categories/{name}}. */
@RestController
public class CatalogController {

  private final CatalogService catalog;

  CatalogController(CatalogService catalog) {
    this.catalog = catalog;
  }

  @GetMapping("/products/{id}")
  Product product(@PathVariable("id") String id) {
    return catalog.product(id);
  }

  @GetMapping("/categories/{name}")
  List<Product> category(@PathVariable("name") String name) {
    return catalog.category(name);
  }
}
