package org.openvoip.p2pp.node;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.openvoip.p2pp.env.Endpoint;

class RttTableTest {
  private final RttTable table = new RttTable(1000, 300, 5000);

  private static Endpoint v4(int n) {
    return Endpoint.of("10.0." + (n >> 8) + "." + (n & 0xFF), 7080);
  }

  @Test
  void anUnknownPeerGetsTheDefaultAndSamplesFollowRfc6298() {
    Endpoint p = v4(1);
    assertThat(table.timeout(p)).isEqualTo(1000);
    table.sample(p, 100); // srtt 100, rttvar 50: 100 + 4 * 50
    assertThat(table.timeout(p)).isEqualTo(300);
    table.sample(p, 900); // rttvar 0.75*50 + 0.25*800 = 237.5, srtt 200: 200 + 950
    assertThat(table.timeout(p)).isEqualTo(1150);
    for (int i = 0; i < 50; i++) {
      table.sample(p, 10_000);
    }
    assertThat(table.timeout(p)).isEqualTo(5000); // capped
  }

  @Test
  void portsAndAddressFamiliesAreDifferentPeers() {
    table.sample(Endpoint.of("10.0.0.1", 1), 2000);
    assertThat(table.timeout(Endpoint.of("10.0.0.1", 2))).isEqualTo(1000);
    table.sample(Endpoint.of("2001:db8::1", 1), 50);
    assertThat(table.timeout(Endpoint.of("2001:db8::1", 1))).isEqualTo(300);
    assertThat(table.timeout(Endpoint.of("2001:db8::2", 1))).isEqualTo(1000);
    assertThat(table.timeout(Endpoint.of("::ffff:10.0.0.1", 1))).isEqualTo(1000);
    assertThat(table.timeout(Endpoint.of("10.0.0.1", 1))).isEqualTo(5000);
  }

  @Test
  void theLeastRecentlyUsedPeerMakesRoom() {
    for (int i = 0; i < RttTable.CAPACITY; i++) {
      table.sample(v4(i), 2000);
    }
    table.timeout(v4(0)); // used again: now peer 1 is the least recently used
    table.sample(v4(1000), 2000);
    assertThat(table.size()).isEqualTo(RttTable.CAPACITY);
    assertThat(table.timeout(v4(0))).isEqualTo(5000);
    assertThat(table.timeout(v4(1))).isEqualTo(1000);
    assertThat(table.timeout(v4(2))).isEqualTo(5000);
    assertThat(table.timeout(v4(1000))).isEqualTo(5000);
  }
}
