/** Implementation details of {@code preheat-http}; not part of the API, may change at any time. */
@NullMarked
package dev.preheat.http.internal;

import org.jspecify.annotations.NullMarked;
