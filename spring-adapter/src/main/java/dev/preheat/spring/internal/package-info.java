/** Implementation of the Spring Boot adapter; not API. */
@NullMarked
package dev.preheat.spring.internal;

import org.jspecify.annotations.NullMarked;
