package org.openvoip.p2pp.env;

/**
 * A {@link TimerTask} scheduled as a plain task, by the default of
 * {@link Env#schedule(long, TimerTask)}: it runs the task unless the task was cancelled or
 * scheduled again meanwhile, and cancelling the task cancels the runtime's timer.
 */
final class WrappedTimerTask implements Runnable, TimerTask.Holder {
  private final TimerTask task;
  /** The runtime's timer; set right after the task is held. */
  Env.Timer timer;

  WrappedTimerTask(TimerTask task) {
    this.task = task;
  }

  @Override
  public void run() {
    if (task.holder() == this) {
      task.released();
      task.run();
    }
  }

  @Override
  public void cancelled(TimerTask t) {
    if (timer != null) {
      timer.cancel();
    }
  }
}
