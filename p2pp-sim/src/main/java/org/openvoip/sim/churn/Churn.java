package org.openvoip.sim.churn;

/** What takes nodes down and brings them back during a run: drawn, or replayed from a trace. */
public interface Churn {
  /** Starts churning now (the start of the measured phase). */
  void start();

  /** No more session ends or restarts happen after this. */
  void stop();

  long crashes();

  long leaves();

  long restarts();

  /** A short description for reports. */
  String describe();
}
