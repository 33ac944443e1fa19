package org.openvoip.sim.churn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.openvoip.p2pp.node.OverlayConfig;
import org.openvoip.sim.SimOverlay;

class ChurnDriverTest {

  private static SimOverlay overlay(int nodes, long seed) {
    SimOverlay o = new SimOverlay(OverlayConfig.DEFAULTS, seed, 0);
    o.addNodes(nodes, 200);
    o.run(30_000);
    return o;
  }

  @Test
  void nodesCrashAndComeBackWithTheirIdentity() {
    SimOverlay o = overlay(20, 5);
    assertThat(o.liveIds()).hasSize(20);
    ChurnDriver churn = new ChurnDriver(o, Distribution.exponentialMedian(20_000), null, 0, 5);
    churn.start();
    o.run(180_000);
    assertThat(churn.crashes()).isGreaterThan(20);
    assertThat(churn.leaves()).isZero();
    assertThat(churn.restarts()).isGreaterThan(10).isLessThanOrEqualTo(churn.crashes());
    assertThat(o.online(0)).as("the bootstrap node never churns").isTrue();
    for (int i = 0; i < o.size(); i++) {
      assertThat(o.node(i).id()).isEqualTo(o.id(i));
    }
    churn.stop();
    long crashes = churn.crashes();
    o.run(60_000);
    assertThat(churn.crashes()).as("no churn after stop").isEqualTo(crashes);
  }

  @Test
  void leaveFractionAndDowntimesAreHonoured() {
    SimOverlay o = overlay(20, 6);
    // Down-times of about a year: nobody comes back within the run.
    ChurnDriver churn = new ChurnDriver(o, Distribution.exponentialMedian(30_000),
        Distribution.exponentialMedian(3.15e10), 1.0, 6);
    churn.start();
    o.run(600_000);
    assertThat(churn.leaves()).isEqualTo(19);
    assertThat(churn.crashes()).isZero();
    assertThat(churn.restarts()).isZero();
    assertThat(o.liveIds()).containsExactly(o.id(0));
  }
}
