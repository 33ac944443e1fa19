package org.openvoip.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The NAT population experiment: the real STUN and ICE code over the simulator's NAT boxes
 * gives what the theory of NAT traversal predicts, kind pair by kind pair.
 */
class NatExperimentTest {
  static final Set<String> HOPELESS = Set.of("port-restricted/symmetric", "symmetric/symmetric");
  static final Set<String> FILTERED = Set.of("address-restricted", "port-restricted",
      "symmetric");

  @Test
  void everyPairOfKindsConnectsAsTheoryPredicts() {
    NatExperiment.Config c = NatExperiment.Config.of(40, 400,
        "open=0.2,full-cone=0.2,address-restricted=0.2,port-restricted=0.2,symmetric=0.2", 5);
    List<String> progress = new ArrayList<>();
    NatExperiment.Result r = new NatExperiment(c).run(progress::add);
    assertThat(r.pairs()).isEqualTo(400);
    assertThat(r.discoveryAgreed()).isEqualTo(r.discoveryRuns()).isEqualTo(40);
    assertThat(r.byKinds()).containsKeys("symmetric/symmetric", "port-restricted/symmetric",
        "full-cone/symmetric", "address-restricted/symmetric", "open/port-restricted");
    for (Map.Entry<String, int[]> e : r.byKinds().entrySet()) {
      String[] kinds = e.getKey().split("/");
      int[] v = e.getValue();
      if (HOPELESS.contains(e.getKey())) {
        assertThat(v[0] + v[1]).as(e.getKey()).isZero();
      } else {
        assertThat(v[2]).as(e.getKey() + " never needs a relay").isZero();
      }
      if (FILTERED.contains(kinds[0]) && FILTERED.contains(kinds[1])) {
        assertThat(v[0]).as(e.getKey() + " is never direct").isZero();
      }
      if (!FILTERED.contains(kinds[0]) && !FILTERED.contains(kinds[1])) {
        assertThat(v[1] + v[2]).as(e.getKey() + " is always direct").isZero();
      }
    }
    assertThat(r.afterIce()).isPositive();
    assertThat(progress.get(progress.size() - 1)).contains("400 of 400 pairs done");
    assertThat(NatExperiment.report(r)).contains("only via a relay", "symmetric/symmetric");
  }

  @Test
  void theSameSeedGivesTheSameRun() {
    NatExperiment.Config c = NatExperiment.Config.of(20, 50, NatExperiment.DEFAULT_MIX, 9);
    NatExperiment.Result a = new NatExperiment(c).run(s -> {});
    NatExperiment.Result b = new NatExperiment(c).run(s -> {});
    assertThat(NatExperiment.report(a)).isEqualTo(NatExperiment.report(b));
    assertThat(a.packets()).isEqualTo(b.packets());
  }

  @Test
  void aBadMixSaysWhatIsWrong() {
    assertThatThrownBy(() -> NatExperiment.Mix.parse("open=0.5,cone=0.5"))
        .hasMessageContaining("unknown kind \"cone\"");
    assertThatThrownBy(() -> NatExperiment.Mix.parse("open=0.5,symmetric=0.4"))
        .hasMessageContaining("sum to 0.900");
    assertThatThrownBy(() -> NatExperiment.Mix.parse("open=x"))
        .hasMessageContaining("not a number");
  }
}
