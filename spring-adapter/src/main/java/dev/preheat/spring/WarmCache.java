package dev.preheat.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a cached method ({@code @Cacheable}) to be warmed: Preheat calls it through its proxy once
 * per key from the named key source, so Spring's own cache abstraction computes the cache key and
 * stores the value exactly as a real call would.
 *
 * <pre>{@code
 * @Cacheable("products")
 * @WarmCache(keys = "hotProductIds")
 * public Product product(String id) { ... }
 *
 * List<String> hotProductIds() { ... }   // on the same bean, or a Supplier bean of that name
 * }</pre>
 *
 * <p>Each key is the method's argument; for a method with several parameters, each key must be an
 * {@code Object[]} of the arguments.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface WarmCache {

  /**
   * The key source: a no-argument method on the same bean returning an {@code Iterable}, array or
   * {@code Stream}, or else the name of a {@code java.util.function.Supplier} bean returning one.
   */
  String keys();
}
