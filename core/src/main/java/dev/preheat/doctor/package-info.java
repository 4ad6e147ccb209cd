/**
 * Cache-key diagnosis: answers "why is my warmed page still a MISS?". A {@link
 * dev.preheat.doctor.CacheDoctor} fetches a URL with the warmer's headers and then with real
 * browsers' header sets ({@link dev.preheat.doctor.HeaderProfile}), in an order that makes a key
 * mismatch show up as a MISS, and {@link dev.preheat.doctor.DoctorRules} turns what it saw
 * ({@link dev.preheat.doctor.Probe}s) into {@link dev.preheat.doctor.Finding}s, each with a plain
 * explanation and a fix, gathered in a {@link dev.preheat.doctor.Diagnosis}.
 *
 * <pre>{@code
 * try (OkHttpTransport transport = OkHttpTransport.create()) {
 *   Diagnosis d = CacheDoctor.builder().transport(transport).build()
 *       .examine(URI.create("https://www.example.com/"));
 *   d.findings().forEach(System.out::println);
 * }
 * }</pre>
 *
 * <p>The rules are pure functions of the probes, so they are tested without any network.
 */
@NullMarked
package dev.preheat.doctor;

import org.jspecify.annotations.NullMarked;
