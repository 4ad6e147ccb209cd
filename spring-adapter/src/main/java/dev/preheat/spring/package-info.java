/**
 * Preheat for Spring Boot: warm before the app admits traffic. The SPI is {@link
 * dev.preheat.spring.WarmTask} (plus {@link dev.preheat.spring.CacheWarmer} and {@link
 * dev.preheat.spring.WarmCache} for Spring caches); {@link dev.preheat.spring.Preheater} runs the
 * tasks; {@link dev.preheat.spring.PreheatProperties} holds the {@code preheat.*} settings.
 */
@NullMarked
package dev.preheat.spring;

import org.jspecify.annotations.NullMarked;
