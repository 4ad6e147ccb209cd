/** Internal: the shared Jackson 3 mappers and the read limits for untrusted JSON. Not part of the API; may change in any release. */
@NullMarked
package dev.preheat.internal.json;

import org.jspecify.annotations.NullMarked;
