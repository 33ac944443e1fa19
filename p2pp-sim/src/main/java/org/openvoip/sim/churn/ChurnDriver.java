package org.openvoip.sim.churn;

import java.util.SplittableRandom;
import org.openvoip.sim.SimOverlay;

/**
 * Drives churn on a {@link SimOverlay}: each node stays up for a session drawn from the session
 * distribution, then crashes (or, with probability {@code leaveFraction}, leaves gracefully), stays
 * down for a down-time drawn from the down-time distribution, and comes back with the same
 * identity ({@link SimOverlay#restart}), starting a new session. Node 0, the bootstrap server,
 * never churns: the others join through it.
 *
 * <p>All draws come from one {@link SplittableRandom} seeded by the caller, and all actions are
 * simulator events, so a run is deterministic.
 */
public final class ChurnDriver implements Churn {
  private final SimOverlay overlay;
  private final Distribution sessions;
  private final Distribution downtimes;
  private final double leaveFraction;
  private final SplittableRandom random;
  private boolean stopped;
  private long crashes;
  private long leaves;
  private long restarts;

  /**
   * @param downtimes null for the same distribution as sessions
   * @param leaveFraction fraction of session ends that are graceful leaves, 0 to 1
   */
  public ChurnDriver(SimOverlay overlay, Distribution sessions, Distribution downtimes,
      double leaveFraction, long seed) {
    if (sessions == null) {
      throw new IllegalArgumentException("churn needs a session-time distribution");
    }
    if (!(leaveFraction >= 0 && leaveFraction <= 1)) {
      throw new IllegalArgumentException("leave fraction must be in 0..1, not " + leaveFraction);
    }
    this.overlay = overlay;
    this.sessions = sessions;
    this.downtimes = downtimes == null ? sessions : downtimes;
    this.leaveFraction = leaveFraction;
    this.random = new SplittableRandom(seed);
  }

  /** Starts a session now for every node but the bootstrap node 0 that is up. */
  @Override
  public void start() {
    for (int i = 1; i < overlay.size(); i++) {
      if (overlay.online(i)) {
        scheduleEnd(i);
      }
    }
  }

  /** Starts churning node {@code i} (a node added after {@link #start}): a session begins now. */
  public void track(int i) {
    if (i != 0) {
      scheduleEnd(i);
    }
  }

  /** No more session ends or restarts happen after this. */
  @Override
  public void stop() {
    stopped = true;
  }

  @Override
  public long crashes() {
    return crashes;
  }

  @Override
  public long leaves() {
    return leaves;
  }

  @Override
  public long restarts() {
    return restarts;
  }

  @Override
  public String describe() {
    return "sessions " + sessions.describe() + ", down-times " + downtimes.describe()
        + ", leave fraction " + leaveFraction;
  }

  private void scheduleEnd(int i) {
    long session = sessions.sampleMillis(random);
    overlay.simulator().schedule(session, () -> endSession(i));
  }

  private void endSession(int i) {
    if (stopped || !overlay.online(i)) {
      return;
    }
    if (leaveFraction > 0 && random.nextDouble() < leaveFraction) {
      overlay.leave(i);
      leaves++;
    } else {
      overlay.crash(i);
      crashes++;
    }
    long down = downtimes.sampleMillis(random);
    overlay.simulator().schedule(down, () -> {
      if (stopped || overlay.online(i)) {
        return;
      }
      overlay.restart(i);
      restarts++;
      scheduleEnd(i);
    });
  }
}
