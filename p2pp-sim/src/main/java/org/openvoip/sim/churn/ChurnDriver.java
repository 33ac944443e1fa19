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
public final class ChurnDriver extends SessionEnds {
  private final Distribution sessions;
  private final Distribution downtimes;

  /**
   * @param downtimes null for the same distribution as sessions
   * @param leaveFraction fraction of session ends that are graceful leaves, 0 to 1
   */
  public ChurnDriver(SimOverlay overlay, Distribution sessions, Distribution downtimes,
      double leaveFraction, long seed) {
    super(overlay, leaveFraction, seed);
    if (sessions == null) {
      throw new IllegalArgumentException("churn needs a session-time distribution");
    }
    this.sessions = sessions;
    this.downtimes = downtimes == null ? sessions : downtimes;
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
    if (!end(i)) {
      return;
    }
    long down = downtimes.sampleMillis(random);
    overlay.simulator().schedule(down, () -> {
      if (begin(i)) {
        scheduleEnd(i);
      }
    });
  }
}
