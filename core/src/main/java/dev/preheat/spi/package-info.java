/**
 * Service provider interfaces: transports, stores and listeners that adapters implement.
 */
@NullMarked
package dev.preheat.spi;

import org.jspecify.annotations.NullMarked;
