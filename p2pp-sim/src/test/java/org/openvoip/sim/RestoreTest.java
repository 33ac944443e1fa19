package org.openvoip.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.openvoip.p2pp.node.OverlayConfig;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.WireObject.ResourceObject;

/** What a node kept across a restart comes back: even an object every holder of which crashed. */
class RestoreTest {
  @Test
  void anObjectWhoseHoldersAllCrashedComesBackFromOnesKeptCopy() {
    OverlayConfig c = OverlayConfig.builder().algorithm("chord").build();
    SimOverlay o = new SimOverlay(c, 9, 0);
    o.addNode();
    o.run(100);
    o.addNodes(23, 1000);
    o.run(3 * c.neighborMaintenanceMillis());
    SplittableRandom r = new SplittableRandom(9);
    byte[] k = new byte[20];
    r.nextBytes(k);
    Bytes key = Bytes.of(k);
    o.node(3).publish(key, 0, 0, Bytes.of((byte) 42), 3600);
    o.run(5000 + c.replicationMillis());
    List<Integer> holders = new ArrayList<>();
    for (int i = 1; i < o.size(); i++) { // node 0, the bootstrap server, is spared
      if (o.node(i).holdsNow(key, 0, 0)) {
        holders.add(i);
      }
    }
    assertThat(holders).as("the owner and its replicas").hasSizeGreaterThanOrEqualTo(2);
    // Each holder keeps what it stores (as `node --data-dir` does), then they all crash.
    Map<Integer, CompletableFuture<List<ResourceObject>>> kept = new HashMap<>();
    for (int i : holders) {
      kept.put(i, o.node(i).stored());
    }
    o.run(10);
    holders.forEach(o::crash);
    o.run(3 * c.neighborMaintenanceMillis() + c.keepAliveMillis());
    for (int i = 0; i < o.size(); i++) {
      if (o.online(i)) {
        assertThat(o.node(i).holdsNow(key, 0, 0)).as("node %d", i).isFalse();
      }
    }
    // One of them comes back with its kept objects; the object is found again.
    int back = holders.get(0);
    List<ResourceObject> saved = kept.get(back).join();
    assertThat(saved).anyMatch(x -> x.resourceId().id().equals(key));
    o.restart(back);
    o.run(3 * c.neighborMaintenanceMillis());
    CompletableFuture<Integer> restored = o.node(back).restore(saved);
    o.run(2 * c.replicationMillis());
    assertThat(restored.join()).isPositive();
    var found = o.node(7).lookup(key, 0, 0);
    o.run(10_000);
    assertThat(found.join().objects()).extracting(ResourceObject::value)
        .containsExactly(Bytes.of((byte) 42));
    assertThat(o.node(o.owner(key)).holdsNow(key, 0, 0)).as("at its owner").isTrue();
  }
}
