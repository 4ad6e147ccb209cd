/**
 * Redis for Preheat: {@link dev.preheat.redis.RedisPrimer} primes hot keys from the source of
 * truth, {@link dev.preheat.redis.ReplicaWarmer} copies the hottest keys from a warm instance to a
 * cold one, {@link dev.preheat.redis.RedisSafety} warns before either would be wasted, and the
 * Redis-backed stores and coordination ({@link dev.preheat.redis.RedisValidatorStore}, {@link
 * dev.preheat.redis.RedisCheckpointStore}, {@link dev.preheat.redis.WarmLease}, {@link
 * dev.preheat.redis.RedisRateLimiter}, {@link dev.preheat.redis.SharedBudget}) let many instances
 * warm together. Connections come from a {@link dev.preheat.redis.RedisEndpoint} (Lettuce).
 */
@NullMarked
package dev.preheat.redis;

import org.jspecify.annotations.NullMarked;
