package dev.preheat.hotset;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MemoryPoolTest {

  @Test
  void eachSinkMayHoldAFairShareDrawnInChunks() {
    MemoryPool pool = new MemoryPool(64_000);
    pool.register();
    pool.register();
    assertThat(pool.fairShare()).isEqualTo(32_000);
    assertThat(pool.reserve(10, 0)).as("a whole chunk").isEqualTo(1_000);
    assertThat(pool.reserve(5_000, 0)).isEqualTo(5_000);
    assertThat(pool.reserve(1, 32_000)).as("share exhausted").isZero();
    assertThat(pool.reserve(40_000, 0)).as("more than a share").isZero();
  }

  @Test
  void aLateSinkShrinksTheShareAndReleasedBytesReturn() {
    MemoryPool pool = new MemoryPool(1_000);
    pool.register();
    assertThat(pool.reserve(1_000, 0)).isEqualTo(1_000);
    pool.register();
    assertThat(pool.reserve(1, 0)).as("budget held by the first sink").isZero();
    pool.release(500);
    assertThat(pool.reserve(100, 0)).isEqualTo(100);
  }
}
