package org.openvoip.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.openvoip.p2pp.node.OverlayConfig;
import org.openvoip.p2pp.wire.Bytes;

/** Kademlia passes the overlay contract, and stores at up to its k closest nodes. */
class KademliaContractTest extends OverlayContract {
  @Override
  String overlay() {
    return "kademlia";
  }

  @Test
  void replicasGoToTheKClosestNodes() {
    // r = k: every object at the k nodes nearest its key by XOR, as Kademlia stores values.
    OverlayConfig c = config().toBuilder().bucketSize(8).replicas(8).build();
    SimOverlay o = build(c, 40, 21);
    SplittableRandom r = new SplittableRandom(21);
    Bytes key = randomKey(r);
    o.node(randomLive(o, r)).publish(key, CONTENT, 0, Bytes.of((byte) 1), 3600);
    o.run(5000 + c.replicationMillis());
    java.util.List<Bytes> byDistance = new java.util.ArrayList<>();
    for (int i = 0; i < o.size(); i++) {
      byDistance.add(o.id(i));
    }
    byDistance.sort((a, b) -> org.openvoip.p2pp.overlay.Xor.compare(key, a, b));
    for (int i = 0; i < o.size(); i++) {
      boolean closest = byDistance.indexOf(o.id(i)) < 8;
      assertThat(o.node(i).holdsNow(key, CONTENT, 0))
          .as("node %d, among the 8 closest to the key: %s", i, closest).isEqualTo(closest);
    }
    assertThatThrownBy(() -> new SimOverlay(config().toBuilder().bucketSize(8).replicas(9).build(),
        21, 0)).hasMessageContaining("replicas <= k");
  }
}
