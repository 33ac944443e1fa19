package org.openvoip.sim.churn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.openvoip.p2pp.node.OverlayConfig;
import org.openvoip.sim.SimOverlay;

class TraceChurnTest {
  private static final List<String> TRACE = List.of(
      "# a measured trace",
      "node,join,leave",
      "peer-b,10,20.5",
      "peer-a,0,30",
      "",
      "peer-a,60,inf",
      "peer-c,0,");

  @Test
  void aTraceIsReadWithItsNodesInOrderOfFirstAppearance() {
    ChurnTrace t = ChurnTrace.parse("t.csv", TRACE);
    assertThat(t.nodes()).isEqualTo(3);
    assertThat(t.name(0)).isEqualTo("peer-b");
    assertThat(t.sessions(0)).containsExactly(new ChurnTrace.Session(10_000, 20_500));
    assertThat(t.sessions(1)).containsExactly(new ChurnTrace.Session(0, 30_000),
        new ChurnTrace.Session(60_000, Long.MAX_VALUE));
    assertThat(t.sessions(2)).containsExactly(new ChurnTrace.Session(0, Long.MAX_VALUE));
    assertThat(t.describe()).isEqualTo("trace t.csv (3 nodes, 4 sessions)");
  }

  @Test
  void aBadTraceNamesTheLineAndTheFault() {
    assertThatThrownBy(() -> ChurnTrace.parse("t.csv", List.of("a,1,2", "b,1")))
        .hasMessage("t.csv line 2: expected node,join,leave but found 2 field(s): b,1");
    assertThatThrownBy(() -> ChurnTrace.parse("t.csv", List.of("a,1,2", "b,x,3")))
        .hasMessageContaining("line 2: join time is not a number of seconds: 'x'");
    assertThatThrownBy(() -> ChurnTrace.parse("t.csv", List.of("a,5,5")))
        .hasMessageContaining("line 1: the leave time must be after the join time");
    assertThatThrownBy(() -> ChurnTrace.parse("t.csv", List.of("a,-1,5")))
        .hasMessageContaining("line 1: join time must be between 0");
    assertThatThrownBy(() -> ChurnTrace.parse("t.csv", List.of("a,0,10", "a,5,20")))
        .hasMessageContaining("node a has overlapping sessions");
    assertThatThrownBy(() -> ChurnTrace.parse("t.csv", List.of("# nothing")))
        .hasMessage("t.csv: the trace holds no session");
  }

  @Test
  void nodesFollowTheirSessionsAndKeepTheirIdentity() {
    SimOverlay o = new SimOverlay(OverlayConfig.DEFAULTS, 9, 0);
    o.addNodes(6, 200);
    o.run(30_000);
    TraceChurn churn = new TraceChurn(o, ChurnTrace.parse("t.csv", TRACE), 6, 0, 9);
    churn.start();
    // peer-b (node 1) is not in a session at 0; peer-a (node 2) and peer-c (node 3) are.
    assertThat(o.online(1)).isFalse();
    assertThat(o.online(2)).isTrue();
    o.run(15_000);
    assertThat(o.online(1)).isTrue();
    o.run(10_000); // 25 s
    assertThat(o.online(1)).isFalse();
    assertThat(o.online(2)).isTrue();
    o.run(10_000); // 35 s
    assertThat(o.online(2)).isFalse();
    o.run(60_000); // 95 s: peer-a is back and has joined again, with its old ID
    assertThat(o.online(2)).isTrue();
    assertThat(o.liveIds()).contains(o.id(2));
    assertThat(o.node(2).id()).isEqualTo(o.id(2));
    assertThat(o.online(3)).isTrue();
    assertThat(o.online(4)).as("nodes beyond the trace stay up").isTrue();
    assertThat(churn.crashes()).isEqualTo(3);
    assertThat(churn.restarts()).isEqualTo(2);
    assertThat(churn.leaves()).isZero();
  }

  @Test
  void aTraceLargerThanTheOverlayIsRefused() {
    SimOverlay o = new SimOverlay(OverlayConfig.DEFAULTS, 9, 0);
    assertThatThrownBy(() -> new TraceChurn(o, ChurnTrace.parse("t.csv", TRACE), 3, 0, 9))
        .hasMessageContaining("the trace has 3 nodes but only 2 of the 3 simulated nodes churn");
  }
}
