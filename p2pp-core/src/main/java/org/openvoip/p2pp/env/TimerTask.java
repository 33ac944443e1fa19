package org.openvoip.p2pp.env;

/**
 * A task that is its own {@link Env.Timer}, for the engine's busiest timers (retransmissions,
 * duplicate windows, lookup hops). {@link Env#schedule(long, TimerTask)} schedules it; a runtime
 * that keeps many timers (the simulator's calendar) may hold the task itself in its queue, with
 * the bookkeeping fields below, rather than allocating a wrapper for every scheduling. Other
 * runtimes wrap it like any {@link Runnable} (the default of that method).
 *
 * <p>A task is scheduled at most once at a time: it may be scheduled again from its own
 * {@link #run()}, or after {@link #cancel()}, but scheduling it while it waits is an error.
 * Like everything in the engine it is used from its node's thread only.
 */
public abstract class TimerTask implements Runnable, Env.Timer {

  /** What holds a scheduled task: told when the task is cancelled. */
  public interface Holder {
    /**
     * The task, which this holder holds, was cancelled: it must not run. The task has already
     * forgotten its holder; its {@link #time()} and {@link #ticket()} are still those given to
     * {@link #held}.
     */
    void cancelled(TimerTask task);
  }

  private Holder holder;
  private long time;
  private long ticket;

  /** Whether a runtime holds the task to run it later. */
  public final boolean isScheduled() {
    return holder != null;
  }

  /** Stops the task from running; harmless if it is not scheduled. */
  @Override
  public final void cancel() {
    Holder h = holder;
    if (h != null) {
      holder = null;
      h.cancelled(this);
    }
  }

  // ------------------------------------------------------------------ for runtimes only

  /**
   * Records that {@code h} now holds the task, to run it at {@code time} (in the runtime's own
   * terms), with a {@code ticket} that the runtime may use to find it again.
   *
   * @throws IllegalStateException if the task is already scheduled
   */
  public final void held(Holder h, long time, long ticket) {
    if (holder != null) {
      throw new IllegalStateException("timer task already scheduled: " + this);
    }
    this.holder = h;
    this.time = time;
    this.ticket = ticket;
  }

  /** Records that the task is about to run, or has left its holder some other way. */
  public final void released() {
    holder = null;
  }

  /** The holder, or null once the task has run or was cancelled. */
  public final Holder holder() {
    return holder;
  }

  /** The time given to {@link #held}. */
  public final long time() {
    return time;
  }

  /** The ticket given to {@link #held}. */
  public final long ticket() {
    return ticket;
  }
}
