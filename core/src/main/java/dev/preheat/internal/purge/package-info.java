/** Implementation of the purge and re-warm API; not part of the public API. */
@NullMarked
package dev.preheat.internal.purge;

import org.jspecify.annotations.NullMarked;
