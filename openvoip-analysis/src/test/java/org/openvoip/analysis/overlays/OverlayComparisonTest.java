package org.openvoip.analysis.overlays;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openvoip.sim.churn.Distribution;

class OverlayComparisonTest {
  private static final OverlayComparison.Listener QUIET = new OverlayComparison.Listener() {
    @Override
    public void progress(OverlayComparison.Cell cell, long virtualMillis, long total) {}

    @Override
    public void finished(OverlayComparison.Result result, int done, int total) {}
  };

  private static OverlayComparison.Grid grid() {
    return new OverlayComparison.Grid(org.openvoip.p2pp.node.OverlayConfig.DEFAULTS,
        List.of("chord", "kademlia", "bamboo"), List.of(24),
        List.of(60_000L, 0L), 3, 30_000, 5, "exponential", Distribution::exponentialMedian, 0);
  }

  @Test
  void theGridRunsEveryOverlayWithTheSameChurnAndParallelRunsChangeNothing()
      throws InterruptedException {
    List<OverlayComparison.Result> one = OverlayComparison.run(grid(), 1, QUIET);
    List<OverlayComparison.Result> two = OverlayComparison.run(grid(), 2, QUIET);
    assertThat(one).extracting(r -> r.cell().overlay()).containsExactly("chord", "kademlia",
        "bamboo", "chord", "kademlia", "bamboo");
    List<String> prints = new ArrayList<>();
    for (int i = 0; i < one.size(); i++) {
      assertThat(two.get(i).report().withoutWallClock())
          .isEqualTo(one.get(i).report().withoutWallClock());
      prints.add(one.get(i).report().fingerprint());
    }
    assertThat(prints).doesNotHaveDuplicates();
    // The same seed gives every overlay the same churn: the same crashes and restarts.
    assertThat(one.subList(0, 3)).extracting(r -> r.report().crashes()).containsOnly(
        one.get(0).report().crashes());
    assertThat(one.get(0).report().crashes()).isPositive();
    assertThat(one.get(3).report().churn()).isEqualTo("none");
    for (OverlayComparison.Result r : one) {
      assertThat(r.report().lookupsIssued()).isPositive();
      assertThat(r.report().overlay()).isEqualTo(r.cell().overlay());
    }
  }

  @Test
  void mediansReadAsPeopleWriteThem() {
    assertThat(ComparisonReport.median(84_000)).isEqualTo("1.4m");
    assertThat(ComparisonReport.median(600_000)).isEqualTo("10m");
    assertThat(ComparisonReport.median(3_600_000)).isEqualTo("1h");
    assertThat(ComparisonReport.median(10_800_000)).isEqualTo("3h");
    assertThat(ComparisonReport.median(0)).isEqualTo("none");
    assertThat(ComparisonReport.duration(30_000)).isEqualTo("30s");
    assertThat(ComparisonReport.duration(90_000)).isEqualTo("1.5m");
    assertThat(ComparisonReport.number(10)).isEqualTo("10");
    assertThat(ComparisonReport.number(2.5)).isEqualTo("2.5");
  }
}
