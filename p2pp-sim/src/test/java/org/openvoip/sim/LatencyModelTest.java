package org.openvoip.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The latency model's shape: these are properties of the model, computed, not timings. */
class LatencyModelTest {
  private static double[] sampleRtts(long seed, int n) {
    LatencyModel m = new LatencyModel(seed);
    SplittableRandom r = new SplittableRandom(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = m.rttMillis(r.nextInt(1_000_000), r.nextInt(1_000_000));
    }
    Arrays.sort(v);
    return v;
  }

  @Test
  void medianRoundTripIsAbout100msWithALongTail() {
    for (long seed : new long[] {1, 42, 2026}) {
      double[] v = sampleRtts(seed, 20_000);
      double median = v[v.length / 2];
      assertThat(median).as("median RTT, seed %d", seed).isCloseTo(100, within(10.0));
      assertThat(v[v.length * 99 / 100] / median).as("p99 / median").isGreaterThan(2.2);
      assertThat(v[v.length - 1]).as("slowest pair").isGreaterThan(500);
      assertThat(v[0]).as("fastest pair").isGreaterThan(0);
    }
  }

  @Test
  void latencyIsSymmetricDeterministicAndZeroToItself() {
    LatencyModel m = new LatencyModel(7);
    LatencyModel again = new LatencyModel(7);
    for (int i = 0; i < 200; i++) {
      int a = i * 7919 % 100_003;
      int b = i * 104_729 % 100_003;
      assertThat(m.oneWayMillis(a, b)).isEqualTo(m.oneWayMillis(b, a))
          .isEqualTo(again.oneWayMillis(a, b));
    }
    assertThat(m.oneWayMillis(5, 5)).isZero();
    assertThat(new LatencyModel(8).oneWayMillis(1, 2)).isNotEqualTo(m.oneWayMillis(1, 2));
  }

  @Test
  void theFastArcsineStaysWithinTwoHundredthsOfAMicroradian() {
    for (int i = 0; i <= 100_000; i++) {
      double x = i / 100_000.0;
      assertThat(LatencyModel.asin(x)).as("asin(%s)", x).isCloseTo(Math.asin(x), within(2.5e-8));
    }
  }

  @Test
  void propagationIsTheHaversineDistanceAt200KmPerMillisecond() {
    LatencyModel m = new LatencyModel(3);
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < 5_000; i++) {
      int a = r.nextInt(50_000);
      int b = r.nextInt(50_000);
      if (a == b) {
        continue;
      }
      var pa = m.place(a);
      var pb = m.place(b);
      double la = Math.toRadians(pa.lat());
      double lb = Math.toRadians(pb.lat());
      double h = Math.pow(Math.sin((lb - la) / 2), 2) + Math.cos(la) * Math.cos(lb)
          * Math.pow(Math.sin(Math.toRadians(pb.lon() - pa.lon()) / 2), 2);
      double km = 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
      assertThat(m.oneWayMillis(a, b)).as("nodes %d and %d", a, b)
          .isCloseTo(pa.access() + pb.access() + km / 200, within(2e-6));
    }
  }
}
