package org.openvoip.p2pp.overlay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.node.OverlayConfig;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.WireObject.P2pOptions;

/** The plugins found by name, and what P2P-Options tells peers about each. */
class OverlaysTest {
  private static Overlay create(OverlayConfig c) {
    PeerRef self = new PeerRef(Bytes.of(new byte[c.idLength()]), Endpoint.of("10.0.0.3", 7080));
    return Overlays.provider(c.algorithm()).create(new RecordingContext(self, c));
  }

  @Test
  void eachOverlaySetsHowManyReplicasItCanPlace() {
    OverlayConfig d = OverlayConfig.builder().build(); // 4 successors, k = 20, 16 leaves
    assertThat(Overlays.provider(d.toBuilder().algorithm("chord").replicas(5).build())).isNotNull();
    assertThatThrownBy(() -> Overlays.provider(d.toBuilder().algorithm("chord").replicas(6)
        .build())).hasMessage("need 1 <= replicas <= successors + 1 (got 6 and 4)");
    assertThat(Overlays.provider(d.toBuilder().algorithm("kademlia").replicas(20).build()))
        .isNotNull();
    assertThatThrownBy(() -> Overlays.provider(d.toBuilder().algorithm("kademlia").replicas(21)
        .build())).hasMessageContaining("replicas <= k, the bucket size (got 21 and 20)");
    assertThat(Overlays.provider(d.toBuilder().algorithm("bamboo").replicas(9).build()))
        .isNotNull();
    assertThatThrownBy(() -> Overlays.provider(d.toBuilder().algorithm("bamboo").replicas(10)
        .build())).hasMessageContaining("leaf set size / 2 + 1 (got 10 and 16)");
    assertThatThrownBy(() -> d.toBuilder().replicas(-1).build())
        .hasMessageContaining("at least 1 replica");
    assertThatThrownBy(() -> Overlays.resolve(d.toBuilder().algorithm("chord").successors(1)
        .replicas(3).build())).hasMessage("need 1 <= replicas <= successors + 1 (got 3 and 1)");
  }

  @Test
  void kademliaStoresAtItsKClosestByDefaultAndTheOthersKeepThreeCopies() {
    OverlayConfig d = OverlayConfig.builder().build();
    assertThat(d.replicas()).as("left to the overlay").isZero();
    assertThat(Overlays.resolve(d.toBuilder().algorithm("chord").build()).replicas()).isEqualTo(3);
    assertThat(Overlays.resolve(d.toBuilder().algorithm("bamboo").build()).replicas())
        .isEqualTo(3);
    assertThat(Overlays.resolve(d.toBuilder().algorithm("kademlia").build()).replicas())
        .isEqualTo(20);
    assertThat(Overlays.resolve(d.toBuilder().algorithm("kademlia").bucketSize(8).build())
        .replicas()).isEqualTo(8);
    OverlayConfig set = d.toBuilder().algorithm("kademlia").replicas(5).build();
    assertThat(Overlays.resolve(set)).as("a count that is set stays").isEqualTo(set);
  }

  @Test
  void threeOverlaysAreFoundByNameAndAnnounceTheirAlgorithmAndBase() {
    assertThat(Overlays.names()).containsExactly("bamboo", "chord", "kademlia");
    OverlayConfig chord = OverlayConfig.builder().algorithm("chord").build();
    OverlayConfig kademlia = OverlayConfig.builder().algorithm("kademlia").build();
    OverlayConfig bamboo = OverlayConfig.builder().algorithm("bamboo").digitBits(4).build();
    OverlayConfig bamboo3 = OverlayConfig.builder().algorithm("bamboo").digitBits(3).build();
    assertThat(create(chord).p2pAlgorithm()).isEqualTo(P2pOptions.P2P_CHORD);
    assertThat(create(kademlia).p2pAlgorithm()).isEqualTo(P2pOptions.P2P_KADEMLIA);
    assertThat(create(bamboo).p2pAlgorithm()).isEqualTo(P2pOptions.P2P_BAMBOO);
    assertThat(chord.p2pOptions(P2pOptions.P2P_CHORD).base()).isEqualTo(2);
    assertThat(kademlia.p2pOptions(P2pOptions.P2P_KADEMLIA).base()).isEqualTo(2);
    assertThat(bamboo.p2pOptions(P2pOptions.P2P_BAMBOO).base()).isEqualTo(16);
    assertThat(bamboo3.p2pOptions(P2pOptions.P2P_BAMBOO).base()).isEqualTo(8);
  }

  @Test
  void overlayParametersAreChecked() {
    assertThatThrownBy(() -> OverlayConfig.builder().bucketSize(0).build())
        .hasMessageContaining("bucket size (k) must be 1..255");
    assertThatThrownBy(() -> OverlayConfig.builder().digitBits(8).build())
        .hasMessageContaining("bits per digit (b) must be 1..7");
    assertThatThrownBy(() -> OverlayConfig.builder().leafSetSize(15).build())
        .hasMessageContaining("leaf set size must be even");
    assertThatThrownBy(() -> Overlays.provider("pastry"))
        .hasMessage("no overlay algorithm called 'pastry'; known: bamboo, chord, kademlia");
  }
}
