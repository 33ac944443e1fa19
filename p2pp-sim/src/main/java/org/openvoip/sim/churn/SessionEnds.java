package org.openvoip.sim.churn;

import java.util.SplittableRandom;
import org.openvoip.sim.SimOverlay;

/**
 * What every churn does to a node whose session ends or begins, and the counts of it: a session
 * ends in a graceful leave with probability {@code leaveFraction}, else in a crash; a node comes
 * back under its ID. Draws come from the churn's own seeded generator, so runs repeat.
 */
abstract class SessionEnds implements Churn {
  final SimOverlay overlay;
  final double leaveFraction;
  final SplittableRandom random;
  boolean stopped;
  private long crashes;
  private long leaves;
  private long restarts;

  SessionEnds(SimOverlay overlay, double leaveFraction, long seed) {
    if (!(leaveFraction >= 0 && leaveFraction <= 1)) {
      throw new IllegalArgumentException("leave fraction must be in 0..1, not " + leaveFraction);
    }
    this.overlay = overlay;
    this.leaveFraction = leaveFraction;
    this.random = new SplittableRandom(seed);
  }

  /** Ends node i's session now, if it is online and the churn runs; returns whether it did. */
  final boolean end(int i) {
    if (stopped || !overlay.online(i)) {
      return false;
    }
    if (leaveFraction > 0 && random.nextDouble() < leaveFraction) {
      overlay.leave(i);
      leaves++;
    } else {
      overlay.crash(i);
      crashes++;
    }
    return true;
  }

  /** Brings node i back now, if it is down and the churn runs; returns whether it did. */
  final boolean begin(int i) {
    if (stopped || overlay.online(i)) {
      return false;
    }
    overlay.restart(i);
    restarts++;
    return true;
  }

  /** Counts a node taken down outside a session end (a trace's node not up at the start). */
  final void countCrash() {
    crashes++;
  }

  @Override
  public final void stop() {
    stopped = true;
  }

  @Override
  public final long crashes() {
    return crashes;
  }

  @Override
  public final long leaves() {
    return leaves;
  }

  @Override
  public final long restarts() {
    return restarts;
  }
}
