/**
 * Redis for Preheat: {@link dev.preheat.redis.RedisPrimer} primes hot keys from the source of
 * truth, {@link dev.preheat.redis.ReplicaWarmer} copies the hottest keys from a warm instance to a
 * cold one, {@link dev.preheat.redis.RedisSafety} warns before either would be wasted, and the
 * Redis-backed stores and coordination ({@link dev.preheat.redis.RedisValidatorStore}, {@link
 * dev.preheat.redis.RedisCheckpointStore}, {@link dev.preheat.redis.WarmLease}, {@link
 * dev.preheat.redis.RedisRateLimiter}, {@link dev.preheat.redis.SharedBudget}) let many instances
 * warm together. Connections come from a {@link dev.preheat.redis.RedisEndpoint} (Lettuce).
 *
 * <p>Speed vs safety: the primer's default takes a claim (a per-key lock, kept in one hash) per
 * key so that several instances never load the same key from the source at once; the claims and
 * the freshness check cost Redis, which runs commands on one thread, about 1.5 times the work of
 * a plain pipelined {@code SET} per key. A single primer (one process, or the holder of a {@link
 * dev.preheat.redis.WarmLease}) may turn the claims off with {@code noLock()}; see {@link
 * dev.preheat.redis.RedisPrimer} for the measured figures.
 */
@NullMarked
package dev.preheat.redis;

import org.jspecify.annotations.NullMarked;
