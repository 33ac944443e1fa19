package org.openvoip.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.openvoip.p2pp.node.OverlayConfig;
import org.openvoip.p2pp.node.P2ppException;
import org.openvoip.p2pp.node.Results;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.ResponseCode;

/** Connect with ICE through a simulated overlay: the offer routed to a node-ID, ICE after. */
class ConnectTest {
  final OverlayConfig c = OverlayConfig.builder().algorithm("chord").build();
  final SimOverlay o = new SimOverlay(c, 4, 0);

  ConnectTest() {
    o.addNode();
    o.run(100);
    o.addNodes(19, 500);
    o.run(3 * c.neighborMaintenanceMillis());
  }

  @Test
  void aConnectRoutedToANodeIdEndsInADirectPathBothWays() {
    CompletableFuture<Results.Connected> f = o.node(3).connect(o.id(17));
    o.run(15_000);
    Results.Connected r = f.join();
    assertThat(r.peer().id()).isEqualTo(o.id(17));
    assertThat(r.peer().endpoint()).isEqualTo(o.network().endpoint(17));
    assertThat(r.candidateType()).isEqualTo("host");
    assertThat(r.route().responder().id()).isEqualTo(o.id(17));
    CompletableFuture<org.openvoip.p2pp.env.Endpoint> back = o.node(17).pathTo(o.id(3));
    CompletableFuture<org.openvoip.p2pp.node.Node.Snapshot> s17 = o.node(17).snapshot();
    o.run(10);
    assertThat(back.join()).isEqualTo(o.network().endpoint(3));
    assertThat(s17.join().counters().get("connect.answered-here")).isEqualTo(1L);
  }

  @Test
  void aConnectToANodeIdNobodyHasGets404() {
    byte[] b = new byte[20];
    b[0] = 0x42;
    CompletableFuture<Results.Connected> f = o.node(5).connect(Bytes.of(b));
    o.run(15_000);
    assertThat(f).isCompletedExceptionally();
    try {
      f.join();
    } catch (CompletionException e) {
      assertThat(((P2ppException) e.getCause()).code()).isEqualTo(ResponseCode.NOT_FOUND);
    }
  }
}
