package org.openvoip.sim.churn;

import java.util.SplittableRandom;

/**
 * A distribution of durations (session times, down-times) in milliseconds of virtual time, drawn
 * from a caller's seeded {@link SplittableRandom} so that a run is deterministic.
 */
public sealed interface Distribution {

  /** Draws one duration in milliseconds, at least 1. */
  long sampleMillis(SplittableRandom random);

  /** The distribution's median in milliseconds. */
  double medianMillis();

  /** A short description, e.g. {@code exponential(mean=86.6s)}. */
  String describe();

  /** Exponential with this mean. */
  static Distribution exponentialMean(double meanMillis) {
    return new Exponential(meanMillis);
  }

  /** Exponential whose median is {@code medianMillis} (mean = median / ln 2). */
  static Distribution exponentialMedian(double medianMillis) {
    return new Exponential(medianMillis / Math.log(2));
  }

  /**
   * Pareto with this shape, its scale (minimum) chosen so that the median is {@code medianMillis}:
   * the median of Pareto(shape a, scale x_m) is x_m * 2^(1/a).
   */
  static Distribution paretoMedian(double shape, double medianMillis) {
    return new Pareto(shape, medianMillis / Math.pow(2, 1 / shape));
  }

  /**
   * Weibull with this shape, its scale chosen so that the median is {@code medianMillis}: the
   * median of Weibull(shape k, scale l) is l * (ln 2)^(1/k).
   */
  static Distribution weibullMedian(double shape, double medianMillis) {
    return new Weibull(shape, medianMillis / Math.pow(Math.log(2), 1 / shape));
  }

  /** Exponential with mean {@code meanMillis}: memoryless sessions, the classic churn model. */
  record Exponential(double meanMillis) implements Distribution {
    public Exponential {
      if (!(meanMillis > 0) || Double.isInfinite(meanMillis)) {
        throw new IllegalArgumentException("exponential mean must be positive, not " + meanMillis);
      }
    }

    @Override
    public long sampleMillis(SplittableRandom random) {
      double u = 1 - random.nextDouble(); // in (0, 1]
      return Math.max(1, Math.round(-meanMillis * Math.log(u)));
    }

    @Override
    public double medianMillis() {
      return meanMillis * Math.log(2);
    }

    @Override
    public String describe() {
      return String.format(java.util.Locale.ROOT, "exponential(mean=%.1fs)", meanMillis / 1000);
    }
  }

  /**
   * Pareto (type I) with shape {@code a} and scale {@code x_m}: heavy-tailed sessions, as measured
   * in deployed peer-to-peer systems (many short sessions, a few very long ones).
   */
  record Pareto(double shape, double scaleMillis) implements Distribution {
    public Pareto {
      if (!(shape > 0) || Double.isInfinite(shape)) {
        throw new IllegalArgumentException("Pareto shape must be positive, not " + shape);
      }
      if (!(scaleMillis > 0) || Double.isInfinite(scaleMillis)) {
        throw new IllegalArgumentException("Pareto scale must be positive, not " + scaleMillis);
      }
    }

    @Override
    public long sampleMillis(SplittableRandom random) {
      double u = 1 - random.nextDouble(); // in (0, 1]
      double x = scaleMillis / Math.pow(u, 1 / shape);
      return Math.max(1, Math.round(Math.min(x, (double) Long.MAX_VALUE / 4)));
    }

    @Override
    public double medianMillis() {
      return scaleMillis * Math.pow(2, 1 / shape);
    }

    @Override
    public String describe() {
      return String.format(java.util.Locale.ROOT, "pareto(shape=%.2f, scale=%.1fs)", shape,
          scaleMillis / 1000);
    }
  }

  /**
   * Weibull with shape {@code k} and scale {@code l}: a shape below 1 gives a falling failure
   * rate (the longer a peer has been up, the longer it is likely to stay), which is what session
   * measurements of deployed peer-to-peer systems found; shape 1 is the exponential.
   */
  record Weibull(double shape, double scaleMillis) implements Distribution {
    public Weibull {
      if (!(shape > 0) || Double.isInfinite(shape)) {
        throw new IllegalArgumentException("Weibull shape must be positive, not " + shape);
      }
      if (!(scaleMillis > 0) || Double.isInfinite(scaleMillis)) {
        throw new IllegalArgumentException("Weibull scale must be positive, not " + scaleMillis);
      }
    }

    @Override
    public long sampleMillis(SplittableRandom random) {
      double u = 1 - random.nextDouble(); // in (0, 1]
      double x = scaleMillis * Math.pow(-Math.log(u), 1 / shape);
      return Math.max(1, Math.round(Math.min(x, (double) Long.MAX_VALUE / 4)));
    }

    @Override
    public double medianMillis() {
      return scaleMillis * Math.pow(Math.log(2), 1 / shape);
    }

    @Override
    public String describe() {
      return String.format(java.util.Locale.ROOT, "weibull(shape=%.2f, scale=%.1fs)", shape,
          scaleMillis / 1000);
    }
  }
}
