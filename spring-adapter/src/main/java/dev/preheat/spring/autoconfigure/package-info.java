/** Spring Boot auto-configuration of Preheat. */
@NullMarked
package dev.preheat.spring.autoconfigure;

import org.jspecify.annotations.NullMarked;
