package org.openvoip.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.openvoip.p2pp.node.OverlayConfig;

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
}
