package org.openvoip.p2pp.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.openvoip.p2pp.wire.Bytes;

/** The transaction table against a HashMap, with keys crowded into few tags and probe runs. */
class TxTableTest {
  private record Key(Bytes source, int txId) {}

  /** A value that names its Source-ID, as transactions do. */
  private record Value(Bytes sourceId, int step) implements TxTable.Named {}

  @Test
  void behavesAsAMapUnderCrowdingRemovalAndGrowth() {
    SplittableRandom r = new SplittableRandom(7);
    // Sources share their first four bytes (one tag per Transaction-ID), and Transaction-IDs
    // come from a small range, so keys collide on tags and crowd probe runs; tag 0 occurs too.
    Bytes[] sources = new Bytes[6];
    for (int i = 0; i < sources.length; i++) {
      byte[] b = new byte[20];
      b[19] = (byte) i;
      sources[i] = Bytes.of(b);
    }
    TxTable<Value> table = new TxTable<>();
    Map<Key, Value> reference = new HashMap<>();
    for (int step = 0; step < 200_000; step++) {
      Bytes src = sources[r.nextInt(sources.length)];
      int tx = r.nextInt(40);
      Key k = new Key(src, tx);
      switch (r.nextInt(4)) {
        case 0, 1 -> {
          Value v = new Value(src, step);
          table.put(src, tx, v);
          reference.put(k, v);
        }
        case 2 -> assertThat(table.remove(src, tx)).isEqualTo(reference.remove(k));
        default -> {
          Value v = reference.get(k);
          boolean removed = v != null && r.nextBoolean() ? table.remove(src, tx, v)
              : table.remove(src, tx, new Value(src, -1));
          if (removed) {
            reference.remove(k);
          }
        }
      }
      assertThat(table.size()).isEqualTo(reference.size());
      if (step % 97 == 0) {
        for (Bytes s : sources) {
          for (int t = 0; t < 40; t++) {
            assertThat(table.get(s, t)).isEqualTo(reference.get(new Key(s, t)));
            // Found by the raw bytes of an ACK too, wherever they sit in its array.
            byte[] framed = new byte[27];
            r.nextBytes(framed);
            int at = r.nextInt(8);
            s.copyTo(framed, at);
            assertThat(table.get(framed, at, 20, t)).isEqualTo(reference.get(new Key(s, t)));
            assertThat(table.containsKey(s, t)).isEqualTo(reference.containsKey(new Key(s, t)));
          }
        }
      }
    }
  }
}
