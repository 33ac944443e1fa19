package org.openvoip.sim;

import java.util.PriorityQueue;
import org.openvoip.p2pp.env.Env;

/**
 * A discrete-event scheduler on virtual time (milliseconds). Events at the same time run in the
 * order they were scheduled, so a run depends only on its inputs and seeds: same seed, same run.
 * Single-threaded: everything it runs, runs on the caller's thread.
 *
 * <p>A calendar queue: one bucket per millisecond for the next {@value #HORIZON} ms (the
 * retransmission, hop and maintenance timers of a P2PP node nearly all fall there), and a
 * priority queue beyond. A bucket is an array of its events in the order they were scheduled,
 * reused from one lap of the calendar to the next. Cancelling an event clears its place in the
 * bucket, so running the bucket skips it without reading the event (about a third of all timers
 * are retransmissions cancelled by the answer, and at thousands of nodes each event read is a
 * likely cache miss); and the events of a bucket are read from one array, not by following a
 * chain from one event to the next, so the processor can fetch several at once. Scheduling and
 * running an event are O(1) for the buckets. An event from the far queue moves into its bucket
 * before any event can be scheduled into that bucket directly, so FIFO order within a
 * millisecond is the order of scheduling.
 */
public final class Simulator {
  /** Milliseconds covered by buckets; a power of two. */
  static final int HORIZON = 1 << 15;

  /**
   * A scheduled event. Subclasses that are their own task (a packet in flight) save the
   * simulator an object per event.
   */
  abstract static class Event implements Env.Timer {
    long time;
    boolean cancelled;
    /** Where the event waits in its bucket, while it does; else null. */
    Bucket bucket;
    int index;

    /** Runs the event. */
    abstract void fire();

    @Override
    public void cancel() {
      cancelled = true;
      Bucket b = bucket;
      if (b != null && b.events[index] == this) {
        b.events[index] = null;
        bucket = null;
      }
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

  /** The events of one millisecond, in scheduling order; cancelled ones are null. */
  static final class Bucket {
    private static final int MIN = 8;
    Event[] events = new Event[MIN];
    int size;

    /**
     * Once drained after holding {@code held} events: an array grown in a burst (thousands of
     * joins at once) goes back to about what this lap needed, so 32,768 buckets do not keep
     * their largest size forever.
     */
    void shrinkAfter(int held) {
      if (events.length > 4 * Math.max(MIN, held)) {
        events = new Event[Math.max(MIN, Integer.highestOneBit(Math.max(1, held)) * 2)];
      }
    }

    void add(Event e) {
      int n = size;
      if (n == events.length) {
        events = java.util.Arrays.copyOf(events, 2 * n);
      }
      events[n] = e;
      e.bucket = this;
      e.index = n;
      size = n + 1;
    }
  }

  /** An event beyond the horizon, with its place in the order of scheduling. */
  private record Far(Event event, long seq) implements Comparable<Far> {
    @Override
    public int compareTo(Far o) {
      long a = event.time;
      long b = o.event.time;
      return a != b ? Long.compare(a, b) : Long.compare(seq, o.seq);
    }
  }

  private final Bucket[] buckets = new Bucket[HORIZON];
  private final PriorityQueue<Far> far = new PriorityQueue<>();
  private long now;
  private long seq;
  private long executed;
  /** Places taken in buckets (cancelled events included). */
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
    if (e.time - now < HORIZON) {
      append(e);
    } else {
      far.add(new Far(e, seq++));
    }
    return e;
  }

  private void append(Event e) {
    int i = (int) (e.time & (HORIZON - 1));
    Bucket b = buckets[i];
    if (b == null) {
      b = new Bucket();
      buckets[i] = b;
    }
    b.add(e);
    near++;
  }

  /** Moves far events that now fall within the horizon into their buckets, in order. */
  private void pullFar() {
    while (!far.isEmpty() && far.peek().event.time - now < HORIZON) {
      Event e = far.poll().event;
      if (!e.cancelled) {
        append(e);
      }
    }
  }

  /** Runs events up to and including time {@code until}, then sets the clock to it. */
  public void runUntil(long until) {
    while (now <= until) {
      pullFar();
      Bucket b = buckets[(int) (now & (HORIZON - 1))];
      if (b != null && b.size > 0) {
        // Events scheduled for now while the bucket runs join its end and run in this pass.
        for (int k = 0; k < b.size; k++) {
          Event e = b.events[k];
          if (e != null) {
            b.events[k] = null;
            e.bucket = null;
            executed++;
            e.fire();
          }
        }
        near -= b.size;
        b.shrinkAfter(b.size);
        b.size = 0;
      }
      if (now == until) {
        break;
      }
      if (near == 0) {
        // Nothing within the horizon: jump to the next far event (or the end).
        long next = far.isEmpty() ? until : Math.min(until, far.peek().event.time);
        now = Math.max(now + 1, next);
      } else {
        now++;
      }
    }
    now = Math.max(now, until);
  }
}
