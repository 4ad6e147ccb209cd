/** Actuator integration: the {@code preheat} health indicator, endpoint and meters. */
@NullMarked
package dev.preheat.spring.actuate;

import org.jspecify.annotations.NullMarked;
