package dev.preheat.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class TrafficRecordTest {

  @Test
  void listRecordHasNoTimestamp() {
    TrafficRecord r = TrafficRecord.of("/a");
    assertThat(r.hasTimestamp()).isFalse();
    assertThat(r.count()).isEqualTo(1);
    assertThatThrownBy(r::timestamp).isInstanceOf(IllegalStateException.class).hasMessageContaining("/a");
  }

  @Test
  void timestampRoundTrips() {
    TrafficRecord r = new TrafficRecord("GET", "/b", 200, 10, 1_000L, "HIT", 1);
    assertThat(r.timestamp()).isEqualTo(Instant.ofEpochMilli(1_000L));
  }

  @Test
  void rejectsNonPositiveCount() {
    assertThatThrownBy(() -> new TrafficRecord("GET", "/c", 200, 0, 0, null, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("count must be >= 1");
  }
}
