/**
 * Reports of warm runs: {@link dev.preheat.report.WarmReport} and its text and JSON writers.
 */
@NullMarked
package dev.preheat.report;

import org.jspecify.annotations.NullMarked;
