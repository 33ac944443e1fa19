package org.openvoip.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.openvoip.p2pp.node.Node;
import org.openvoip.p2pp.node.OverlayConfig;
import org.openvoip.p2pp.node.Results;
import org.openvoip.p2pp.overlay.PeerRef;
import org.openvoip.p2pp.wire.Bytes;

class SimOverlayTest {

  @Test
  void aFailedJoinIsRetriedUntilTheBootstrapServerIsBack() {
    SimOverlay o = new SimOverlay(OverlayConfig.DEFAULTS, 9, 0);
    o.addNode();
    o.run(1_000);
    o.crash(0);
    for (int i = 0; i < 3; i++) {
      o.addNode();
    }
    o.run(40_000);
    assertThat(o.liveIds()).isEmpty();
    assertThat(o.joinFailures()).isGreaterThanOrEqualTo(3);
    assertThat(o.joinFailureReasons().keySet()).anyMatch(r -> r.contains("bootstrap server"));
    o.restart(0);
    o.run(120_000);
    assertThat(o.liveIds()).hasSize(4);
    for (int i = 1; i < 4; i++) {
      assertThat(o.owner(o.id(i))).isEqualTo(i);
      assertThat(o.node(i).id()).isEqualTo(o.id(i));
    }
  }

  @Test
  void withoutRetriesAFailedJoinStaysFailed() {
    SimOverlay o = new SimOverlay(OverlayConfig.DEFAULTS, 9, 0);
    o.retryJoins(false);
    o.addNode();
    o.run(1_000);
    o.crash(0);
    o.addNode();
    o.run(40_000);
    long failures = o.joinFailures();
    assertThat(failures).isEqualTo(1);
    o.restart(0);
    o.run(120_000);
    assertThat(o.joinFailures()).isEqualTo(failures);
    assertThat(o.liveIds()).containsExactly(o.id(0));
  }

  @Test
  void aPeerThatAnswersThatItHasLeftIsNotLearnedBack() {
    // A asks its successor X something at the moment X leaves: X's Leave reaches A first, then
    // X's answer, a 503 (not in the overlay) that carries X's Peer-Info. That answer must not put
    // X back into A's tables, where it would stay until A's next stabilization finds it gone
    // (and a node coming back with X's ID would be routed to X's old self meanwhile).
    SimOverlay o = new SimOverlay(OverlayConfig.DEFAULTS, 9, 0);
    o.addNodes(4, 1000);
    o.run(60_000);
    int a = 1;
    Bytes next = o.liveIds().higher(o.id(a));
    int x = o.owner(next == null ? o.liveIds().first() : next);
    assertThat(ids(o.node(a).snapshotNow().neighborTable())).contains(o.id(x));

    o.leave(x);
    CompletableFuture<Results.PeerLookup> f = o.node(a).lookupPeer(o.id(x), 1);
    o.run(5_000);
    Node.Snapshot s = o.node(a).snapshotNow();
    assertThat(s.counters()).containsEntry("overlay.leaves-received", 1L)
        .containsEntry("lookup.hop-refused-503", 1L);
    assertThat(ids(s.neighborTable())).doesNotContain(o.id(x));
    assertThat(ids(s.routingTable())).doesNotContain(o.id(x));
    assertThat(f.join().peers()).extracting(PeerRef::id).doesNotContain(o.id(x));
  }

  private static List<Bytes> ids(List<PeerRef> peers) {
    return peers.stream().map(PeerRef::id).toList();
  }

  @Test
  void aFlashCrowdJoinsWithoutAFailedJoin() {
    // 600 peers within a second: the peer responsible for a newcomer's ID is often still joining
    // itself and refuses routed requests; the engine tries the join again a moment later
    // instead of failing it. (With one attempt, this run fails 15 joins.)
    SimOverlay o = new SimOverlay(OverlayConfig.DEFAULTS, 5, 0);
    o.retryJoins(false);
    o.addNode();
    o.run(1_000);
    for (int i = 1; i < 600; i++) {
      o.addNode();
      if (i % 3 == 0) {
        o.run(5);
      }
    }
    o.run(30_000);
    assertThat(o.joinFailureReasons()).isEmpty();
    assertThat(o.liveIds()).hasSize(600);
    long retried = 0;
    for (int i = 0; i < 600; i++) {
      retried += o.node(i).snapshotNow().counters().getOrDefault("join.retried", 0L);
    }
    assertThat(retried).as("joins tried again").isPositive();
  }
}
