package dev.preheat.sample;

import dev.preheat.sample.CatalogService.Product;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/** Without the {@code redis} profile: every product is a backend call (no external service). */
@Component
@Profile("!redis")
class BackendProductStore implements ProductStore {

  private final Backend backend;

  BackendProductStore(Backend backend) {
    this.backend = backend;
  }

  @Override
  public Product product(String id) {
    return backend.load(id);
  }
}
