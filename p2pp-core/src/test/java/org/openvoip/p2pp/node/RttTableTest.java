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

  @Test
  void agreesWithASimpleLeastRecentlyUsedCacheUnderChurn() {
    // The reference: an access-ordered map of estimates that evicts its eldest entry.
    java.util.LinkedHashMap<Endpoint, double[]> ref = new java.util.LinkedHashMap<>(16, 0.75f, true);
    java.util.SplittableRandom r = new java.util.SplittableRandom(3);
    for (int step = 0; step < 100_000; step++) {
      Endpoint p = v4(r.nextInt(3 * RttTable.CAPACITY));
      if (r.nextBoolean()) {
        long ms = 1 + r.nextInt(3000);
        table.sample(p, ms);
        double[] e = ref.get(p);
        if (e == null) {
          if (ref.size() == RttTable.CAPACITY) {
            ref.remove(ref.keySet().iterator().next());
          }
          ref.put(p, new double[] {ms, ms / 2.0});
        } else {
          e[1] = 0.75 * e[1] + 0.25 * Math.abs(e[0] - ms);
          e[0] = 0.875 * e[0] + 0.125 * ms;
        }
      } else {
        double[] e = ref.get(p);
        long expected = e == null ? 1000
            : Math.max(300, Math.min(5000, Math.round(e[0] + 4 * e[1])));
        assertThat(table.timeout(p)).as("step %d", step).isEqualTo(expected);
      }
      assertThat(table.size()).isEqualTo(ref.size());
    }
  }
}
