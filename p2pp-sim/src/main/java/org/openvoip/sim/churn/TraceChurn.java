package org.openvoip.sim.churn;

import org.openvoip.sim.SimOverlay;

/**
 * Replays a {@link ChurnTrace} on a {@link SimOverlay}: at the start, trace nodes that are not in
 * a session go down; each session's start brings its node back with its identity
 * ({@link SimOverlay#restart}), and each session's end crashes it (or, with probability
 * {@code leaveFraction}, makes it leave gracefully). Times are relative to {@link #start}.
 */
public final class TraceChurn extends SessionEnds {
  private final ChurnTrace trace;

  /**
   * @throws IllegalArgumentException if the trace has more nodes than the overlay can churn
   *     (all but the bootstrap node 0)
   */
  public TraceChurn(SimOverlay overlay, ChurnTrace trace, int nodes, double leaveFraction,
      long seed) {
    super(overlay, leaveFraction, seed);
    if (trace.nodes() > nodes - 1) {
      throw new IllegalArgumentException("the trace has " + trace.nodes() + " nodes but only "
          + (nodes - 1) + " of the " + nodes + " simulated nodes churn (node 0 is the bootstrap "
          + "server); use at least --nodes " + (trace.nodes() + 1));
    }
    this.trace = trace;
  }

  @Override
  public void start() {
    for (int k = 0; k < trace.nodes(); k++) {
      int node = k + 1;
      boolean upNow = false;
      for (ChurnTrace.Session s : trace.sessions(k)) {
        if (s.startMillis() == 0) {
          upNow = true;
        } else {
          overlay.simulator().schedule(s.startMillis(), () -> begin(node));
        }
        if (s.endMillis() != Long.MAX_VALUE) {
          overlay.simulator().schedule(s.endMillis(), () -> end(node));
        }
      }
      if (!upNow && overlay.online(node)) {
        overlay.crash(node);
        countCrash();
      }
    }
  }

  @Override
  public String describe() {
    return trace.describe() + ", leave fraction " + leaveFraction;
  }
}
