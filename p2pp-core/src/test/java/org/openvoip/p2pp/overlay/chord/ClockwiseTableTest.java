package org.openvoip.p2pp.overlay.chord;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.overlay.PeerRef;
import org.openvoip.p2pp.overlay.Ring;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.IpAddress;

/**
 * The sorted array against a TreeMap keyed by the computed clockwise distance, over random puts,
 * removes and searches. IDs share long prefixes with the origin and with each other, so the
 * top-64-bit comparison ties and the fallback to whole IDs is exercised.
 */
class ClockwiseTableTest {
  private static final Endpoint E = new Endpoint(IpAddress.of((byte) 10, (byte) 0, (byte) 0, (byte) 1), 1);

  @ParameterizedTest
  @ValueSource(ints = {4, 8, 9, 20})
  void agreesWithATreeOfComputedDistances(int length) {
    SplittableRandom r = new SplittableRandom(length);
    Bytes origin = randomId(r, length);
    ClockwiseTable table = new ClockwiseTable(origin);
    TreeMap<Bytes, PeerRef> reference = new TreeMap<>();
    for (int step = 0; step < 20_000; step++) {
      Bytes id = r.nextInt(8) == 0 ? origin : randomId(r, length);
      Bytes d = Ring.clockwise(origin, id);
      if (r.nextInt(3) > 0) {
        if (!id.equals(origin)) {
          PeerRef p = new PeerRef(id, E);
          table.put(p);
          reference.put(d, p);
        }
      } else {
        int i = table.indexOf(id);
        assertThat(i >= 0).isEqualTo(reference.containsKey(d));
        if (i >= 0) {
          assertThat(table.remove(i)).isEqualTo(reference.remove(d));
        }
      }
      assertThat(table.size()).isEqualTo(reference.size());
      List<Bytes> keys = new ArrayList<>(reference.keySet());
      int ceiling = reference.ceilingKey(d) == null ? keys.size() : keys.indexOf(reference.ceilingKey(d));
      assertThat(table.ceiling(id)).as("ceiling of %s", id).isEqualTo(ceiling);
      int higher = reference.higherKey(d) == null ? keys.size() : keys.indexOf(reference.higherKey(d));
      assertThat(table.higher(id)).isEqualTo(higher);
      if (!id.equals(origin)) {
        assertThat(table.slotOf(id)).isEqualTo(Ring.highestBitOfDistance(origin, id));
      }
      if (step % 500 == 0) {
        assertThat(table.toList()).containsExactlyElementsOf(reference.values());
        for (int k = 0; k < table.size(); k++) {
          assertThat(table.slot(k)).isEqualTo(Ring.highestBitOfDistance(origin, table.id(k)));
        }
      }
    }
  }

  /** Bytes from a small pool, so equal prefixes (and equal IDs) are common. */
  private static Bytes randomId(SplittableRandom r, int length) {
    int[] pool = {0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff};
    byte[] v = new byte[length];
    for (int i = 0; i < length; i++) {
      v[i] = (byte) pool[r.nextInt(i < length - 2 ? 2 : pool.length)];
    }
    return Bytes.of(v);
  }
}
