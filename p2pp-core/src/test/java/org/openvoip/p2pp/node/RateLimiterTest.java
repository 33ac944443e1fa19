package org.openvoip.p2pp.node;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.openvoip.p2pp.wire.Bytes;

class RateLimiterTest {
  @Test
  void aBurstThenTheSustainedRate() {
    RateLimiter r = new RateLimiter(10, 5);
    Bytes a = Bytes.of((byte) 1);
    for (int i = 0; i < 5; i++) {
      assertThat(r.allow(a, 0)).isTrue();
    }
    assertThat(r.allow(a, 0)).isFalse();
    assertThat(r.allow(Bytes.of((byte) 2), 0)).as("another sender").isTrue();
    assertThat(r.allow(a, 99)).as("0.99 tokens after 99 ms").isFalse();
    assertThat(r.allow(a, 100)).isTrue();
    assertThat(r.allow(a, 100)).isFalse();
    // Refills up to the burst, no more.
    for (int i = 0; i < 5; i++) {
      assertThat(r.allow(a, 60_000)).isTrue();
    }
    assertThat(r.allow(a, 60_000)).isFalse();
  }

  @Test
  void aFloodOfMadeUpSendersCostsBoundedMemory() {
    RateLimiter r = new RateLimiter(1, 1);
    for (int i = 0; i < 100_000; i++) {
      r.allow(Bytes.of((byte) (i >>> 16), (byte) (i >>> 8), (byte) i), 10_000L * i);
    }
    assertThat(r.tracked()).isLessThanOrEqualTo(4096);
  }
}
