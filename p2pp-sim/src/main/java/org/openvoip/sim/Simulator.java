package org.openvoip.sim;

import java.util.PriorityQueue;
import org.openvoip.p2pp.env.Env;

/**
 * A discrete-event scheduler on virtual time (milliseconds). Events at the same time run in the
 * order they were scheduled, so a run depends only on its inputs and seeds: same seed, same run.
 * Single-threaded: everything it runs, runs on the caller's thread.
 */
public final class Simulator {
  private static final class Event implements Comparable<Event>, Env.Timer {
    final long time;
    final long seq;
    final Runnable task;
    boolean cancelled;

    Event(long time, long seq, Runnable task) {
      this.time = time;
      this.seq = seq;
      this.task = task;
    }

    @Override
    public int compareTo(Event o) {
      return time != o.time ? Long.compare(time, o.time) : Long.compare(seq, o.seq);
    }

    @Override
    public void cancel() {
      cancelled = true;
    }
  }

  private final PriorityQueue<Event> queue = new PriorityQueue<>();
  private long now;
  private long seq;
  private long executed;

  /** Virtual time in milliseconds since the start of the run. */
  public long now() {
    return now;
  }

  /** Events run so far (cancelled ones are not counted). */
  public long eventsExecuted() {
    return executed;
  }

  /** Runs {@code task} {@code delay} ms from now (at least 0). */
  public Env.Timer schedule(long delay, Runnable task) {
    Event e = new Event(now + Math.max(0, delay), seq++, task);
    queue.add(e);
    return e;
  }

  /** Runs events up to and including time {@code until}, then sets the clock to it. */
  public void runUntil(long until) {
    while (!queue.isEmpty() && queue.peek().time <= until) {
      Event e = queue.poll();
      now = e.time;
      if (!e.cancelled) {
        executed++;
        e.task.run();
      }
    }
    now = Math.max(now, until);
  }
}
