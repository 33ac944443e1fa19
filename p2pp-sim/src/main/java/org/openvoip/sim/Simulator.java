package org.openvoip.sim;

import java.util.PriorityQueue;
import org.openvoip.p2pp.env.Env;

/**
 * A discrete-event scheduler on virtual time (milliseconds). Events at the same time run in the
 * order they were scheduled, so a run depends only on its inputs and seeds: same seed, same run.
 * Single-threaded: everything it runs, runs on the caller's thread.
 *
 * <p>A calendar queue: one FIFO bucket per millisecond for the next {@value #HORIZON} ms (the
 * retransmission, hop and maintenance timers of a P2PP node nearly all fall there), and a
 * priority queue beyond. A bucket is a list threaded through its events (its head and tail
 * side by side in one array, a next field per event), so scheduling touches no per-bucket
 * object. Scheduling and running an event are O(1) for the buckets, and a cancelled timer costs
 * nothing until its time comes, instead of deepening a heap. An event from
 * the far queue moves into its bucket before any event can be scheduled into that bucket
 * directly, so FIFO order within a millisecond is the order of scheduling.
 */
public final class Simulator {
  /** Milliseconds covered by buckets; a power of two. */
  static final int HORIZON = 1 << 15;

  /**
   * A scheduled event. Subclasses that are their own task (a packet in flight) save the
   * simulator an object per event.
   */
  abstract static class Event implements Comparable<Event>, Env.Timer {
    long time;
    long seq;
    boolean cancelled;
    /** The next event in the same bucket. */
    Event next;

    /** Runs the event. */
    abstract void fire();

    @Override
    public int compareTo(Event o) {
      return time != o.time ? Long.compare(time, o.time) : Long.compare(seq, o.seq);
    }

    @Override
    public void cancel() {
      cancelled = true;
    }
  }

  private static final class TaskEvent extends Event {
    final Runnable task;

    TaskEvent(Runnable task) {
      this.task = task;
    }

    @Override
    void fire() {
      task.run();
    }
  }

  /**
   * Each bucket's first and last event side by side (head at 2i, tail at 2i + 1): appending to
   * a bucket reads one cache line, not one in each of two arrays.
   */
  private final Event[] ends = new Event[2 * HORIZON];
  private final PriorityQueue<Event> far = new PriorityQueue<>();
  private long now;
  private long seq;
  private long executed;
  /** Events in buckets (cancelled ones included). */
  private long near;

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
    return schedule(delay, new TaskEvent(task));
  }

  /** Schedules an event that is its own task, {@code delay} ms from now (at least 0). */
  Event schedule(long delay, Event e) {
    e.time = now + Math.max(0, delay);
    e.seq = seq++;
    if (e.time - now < HORIZON) {
      append(e);
    } else {
      far.add(e);
    }
    return e;
  }

  private void append(Event e) {
    int i = 2 * (int) (e.time & (HORIZON - 1));
    Event t = ends[i + 1];
    if (t == null) {
      ends[i] = e;
    } else {
      t.next = e;
    }
    ends[i + 1] = e;
    near++;
  }

  /** Moves far events that now fall within the horizon into their buckets, in order. */
  private void pullFar() {
    while (!far.isEmpty() && far.peek().time - now < HORIZON) {
      append(far.poll());
    }
  }

  /** Runs events up to and including time {@code until}, then sets the clock to it. */
  public void runUntil(long until) {
    while (now <= until) {
      pullFar();
      int i = 2 * (int) (now & (HORIZON - 1));
      Event e;
      // Events scheduled for now while the bucket runs join its end and run in this pass.
      while ((e = ends[i]) != null) {
        ends[i] = e.next;
        if (e.next == null) {
          ends[i + 1] = null;
        }
        e.next = null;
        near--;
        if (!e.cancelled) {
          executed++;
          e.fire();
        }
      }
      if (now == until) {
        break;
      }
      if (near == 0) {
        // Nothing within the horizon: jump to the next far event (or the end).
        long next = far.isEmpty() ? until : Math.min(until, far.peek().time);
        now = Math.max(now + 1, next);
      } else {
        now++;
      }
    }
    now = Math.max(now, until);
  }
}
