package org.openvoip.sim.churn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DistributionTest {

  private static long[] draw(Distribution d, long seed, int n) {
    SplittableRandom r = new SplittableRandom(seed);
    long[] s = new long[n];
    for (int i = 0; i < n; i++) {
      s[i] = d.sampleMillis(r);
    }
    return s;
  }

  private static double median(long[] s) {
    long[] c = s.clone();
    Arrays.sort(c);
    return c[c.length / 2];
  }

  @Test
  void exponentialSampleMedianMatches() {
    Distribution d = Distribution.exponentialMedian(3_600_000);
    assertThat(d.medianMillis()).isCloseTo(3_600_000, within(1.0));
    long[] s = draw(d, 1, 20_000);
    assertThat(median(s)).isCloseTo(3_600_000, within(3_600_000 * 0.05));
    double mean = Arrays.stream(s).average().orElseThrow();
    assertThat(mean).isCloseTo(3_600_000 / Math.log(2), within(3_600_000 * 0.08));
  }

  @Test
  void paretoSampleMedianMatchesAndTheScaleIsTheMinimum() {
    Distribution.Pareto d = (Distribution.Pareto) Distribution.paretoMedian(1.5, 600_000);
    assertThat(d.medianMillis()).isCloseTo(600_000, within(1.0));
    assertThat(d.scaleMillis()).isCloseTo(600_000 / Math.pow(2, 1 / 1.5), within(1.0));
    long[] s = draw(d, 2, 20_000);
    assertThat(median(s)).isCloseTo(600_000, within(600_000 * 0.05));
    assertThat(Arrays.stream(s).min().orElseThrow())
        .isGreaterThanOrEqualTo(Math.round(d.scaleMillis()));
    // Heavy tail: far more mass beyond 10x the median than an exponential with that median has.
    long beyond = Arrays.stream(s).filter(x -> x > 6_000_000).count();
    assertThat(beyond).isGreaterThan(20_000 / 100);
  }

  @Test
  void weibullSampleMedianMatchesAndShapeOneIsTheExponential() {
    Distribution d = Distribution.weibullMedian(0.5, 1_800_000);
    assertThat(d.medianMillis()).isCloseTo(1_800_000, within(1.0));
    long[] s = draw(d, 3, 20_000);
    assertThat(median(s)).isCloseTo(1_800_000, within(1_800_000 * 0.05));
    // Shape 0.5: the mean is scale * Gamma(3) = 2 * scale, far above the median.
    double scale = ((Distribution.Weibull) d).scaleMillis();
    assertThat(Arrays.stream(s).average().orElseThrow()).isCloseTo(2 * scale, within(0.1 * scale));
    // Shape 1 draws what the exponential with the same median draws, from the same seed.
    long[] w = draw(Distribution.weibullMedian(1, 60_000), 4, 1000);
    long[] e = draw(Distribution.exponentialMedian(60_000), 4, 1000);
    for (int i = 0; i < w.length; i++) {
      assertThat(w[i]).isCloseTo(e[i], within(1L));
    }
  }

  @Test
  void drawsAreDeterministicPerSeed() {
    for (Distribution d : new Distribution[] {
        Distribution.exponentialMean(1000), Distribution.paretoMedian(2, 1000),
        Distribution.weibullMedian(0.7, 1000)}) {
      assertThat(draw(d, 42, 100)).isEqualTo(draw(d, 42, 100));
      assertThat(draw(d, 42, 100)).isNotEqualTo(draw(d, 43, 100));
    }
  }

  @Test
  void badParametersAreRejected() {
    assertThatThrownBy(() -> Distribution.exponentialMean(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Distribution.paretoMedian(-1, 1000))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Distribution.exponentialMedian(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Distribution.weibullMedian(0, 1000))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
