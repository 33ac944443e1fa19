package org.openvoip.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.openvoip.p2pp.node.OverlayConfig;
import org.openvoip.sim.churn.Distribution;

/**
 * One run's trace, pinned: a change meant only to make the engine or the simulator faster must
 * leave every packet as it was, and this says so without running the long benchmarks. The run
 * has churn (crashes, graceful leaves, restarts), datagram loss and lookups, so failure paths,
 * retransmissions, parallel lookups and table exchanges all leave their mark. A change that
 * alters behaviour on purpose updates the numbers here and says why in its commit.
 */
class PinnedTraceTest {
  @Test
  void aKnownRunGivesItsKnownTrace() {
    Experiment.Config c = Experiment.Config.of(OverlayConfig.DEFAULTS, 120, 5, 240_000)
        .withChurn(Distribution.exponentialMedian(120_000), Distribution.exponentialMedian(30_000),
            0.3)
        .withLossRate(0.02)
        .withLookupsPerSecond(20);
    SimReport r = new Experiment(c).run();
    assertThat(r.crashes()).as("%s", r).isPositive();
    assertThat(r.leaves()).as("%s", r).isPositive();
    assertThat(String.format("%s %d %d", r.fingerprint(), r.lookupsIssued(),
        r.lookupsSucceeded())).as("%s", r).isEqualTo("8a668b03f4925a96 4873 4822");
  }
}
