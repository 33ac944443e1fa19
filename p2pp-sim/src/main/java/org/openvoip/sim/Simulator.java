package org.openvoip.sim;

import java.util.PriorityQueue;
import org.openvoip.p2pp.env.Env;
import org.openvoip.p2pp.env.TimerTask;

/**
 * A discrete-event scheduler on virtual time (milliseconds). Events at the same time run in the
 * order they were scheduled, so a run depends only on its inputs and seeds: same seed, same run.
 * Single-threaded: everything it runs, runs on the caller's thread.
 *
 * <p>A calendar queue: one bucket per millisecond for the next {@value #HORIZON} ms (the
 * retransmission, hop and maintenance timers of a P2PP node nearly all fall there), and a
 * priority queue beyond. A bucket is an array of its events in the order they were scheduled,
 * reused from one lap of the calendar to the next; the buckets' arrays, their sizes and a bit
 * set of the non-empty ones are three flat arrays of the scheduler, so that the clock skips
 * empty milliseconds by reading the bit set (a simulation of a few hundred nodes has an event
 * every millisecond or two, and the calendar is larger than the processor's cache) and
 * scheduling reads no bucket object. Cancelling an event clears its place in the bucket, so
 * running the bucket skips it without reading the event (about a third of all timers are
 * retransmissions cancelled by the answer, and at thousands of nodes each event read is a
 * likely cache miss). Scheduling and running an event are O(1) for the buckets. An event from
 * the far queue moves into its bucket before any event can be scheduled into that bucket
 * directly, so FIFO order within a millisecond is the order of scheduling.
 *
 * <p>Every event is a {@link TimerTask}: packets in flight and the engine's busiest timers
 * (retransmissions, duplicate windows, lookup hops) wait in the calendar as they are, with
 * their place in the task's own fields, and only a plain {@link Runnable} gets a wrapper.
 */
public final class Simulator {
  /** Milliseconds covered by buckets; a power of two, and a multiple of 64. */
  static final int HORIZON = 1 << 15;
  private static final int MASK = HORIZON - 1;
  /** The smallest array a bucket gets. */
  private static final int MIN_BUCKET = 8;

  /**
   * A plain task in the calendar. Packets in flight and the engine's busiest timers are
   * {@link TimerTask}s themselves and wait in the calendar as they are.
   */
  private static final class TaskEvent extends TimerTask {
    final Runnable task;

    TaskEvent(Runnable task) {
      this.task = task;
    }

    @Override
    public void run() {
      task.run();
    }
  }

  /**
   * An event beyond the horizon, with its time and its place in the order of scheduling (the
   * task's ticket while it waits there is -seq, so that a task cancelled and scheduled again
   * is not run for an entry of an earlier scheduling).
   */
  private record Far(TimerTask event, long time, long seq) implements Comparable<Far> {
    @Override
    public int compareTo(Far o) {
      return time != o.time ? Long.compare(time, o.time) : Long.compare(seq, o.seq);
    }
  }

  /**
   * Bucket i: the events of the millisecond whose time has i as its low bits, in scheduling
   * order; cancelled and run ones are null. Null until first used.
   */
  private final TimerTask[][] buckets = new TimerTask[HORIZON][];
  /** Places taken in bucket i (cancelled events included). */
  private final int[] sizes = new int[HORIZON];
  /** Bit i set while bucket i has places taken. */
  private final long[] occupied = new long[HORIZON / 64];
  private final PriorityQueue<Far> far = new PriorityQueue<>();
  /** The time of the first far event, or {@link Long#MAX_VALUE} if there is none. */
  private long farFirst = Long.MAX_VALUE;
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
    return schedule(delay, new TaskEvent(task));
  }

  /**
   * Runs {@code task} {@code delay} ms from now (at least 0), holding the task itself.
   *
   * @throws IllegalStateException if the task is already scheduled
   */
  public TimerTask schedule(long delay, TimerTask task) {
    long time = now + Math.max(0, delay);
    if (time - now < HORIZON) {
      append(task, time);
    } else {
      long s = ++seq;
      task.held(holder, time, -s);
      far.add(new Far(task, time, s));
      farFirst = far.peek().time;
    }
    return task;
  }

  /** Forgets a cancelled task's place: a bucket's is cleared, a far one is skipped on its turn. */
  private final TimerTask.Holder holder = task -> {
    long ticket = task.ticket();
    if (ticket >= 0) {
      buckets[(int) (task.time() & MASK)][(int) ticket] = null;
    }
  };

  private void append(TimerTask e, long time) {
    int i = (int) (time & MASK);
    TimerTask[] a = buckets[i];
    int n = sizes[i];
    if (a == null) {
      a = new TimerTask[MIN_BUCKET];
      buckets[i] = a;
    } else if (n == a.length) {
      a = java.util.Arrays.copyOf(a, 2 * n);
      buckets[i] = a;
    }
    e.held(holder, time, n);
    a[n] = e;
    sizes[i] = n + 1;
    if (n == 0) {
      occupied[i >>> 6] |= 1L << i;
    }
  }

  /** Moves far events that now fall within the horizon into their buckets, in order. */
  private void pullFar() {
    if (farFirst - now >= HORIZON) {
      return; // the common case, in one comparison
    }
    while (!far.isEmpty() && far.peek().time - now < HORIZON) {
      Far f = far.poll();
      TimerTask e = f.event;
      if (e.holder() == holder && e.ticket() == -f.seq) { // not cancelled since
        e.released();
        append(e, f.time);
      }
    }
    farFirst = far.isEmpty() ? Long.MAX_VALUE : far.peek().time;
  }

  /** Runs bucket i, the current millisecond's, and empties it. */
  private void runBucket(int i) {
    // Events scheduled for now while the bucket runs join its end and run in this pass (the
    // array may grow meanwhile, so it is read again for each place).
    for (int k = 0; k < sizes[i]; k++) {
      TimerTask[] a = buckets[i];
      TimerTask e = a[k];
      if (e != null) {
        a[k] = null;
        e.released();
        executed++;
        e.run();
      }
    }
    int held = sizes[i];
    sizes[i] = 0;
    occupied[i >>> 6] &= ~(1L << i);
    // An array grown in a burst (thousands of joins at once) goes back to about what this lap
    // needed, so 32,768 buckets do not keep their largest size forever.
    if (buckets[i].length > 4 * Math.max(MIN_BUCKET, held)) {
      buckets[i] = new TimerTask[Math.max(MIN_BUCKET, Integer.highestOneBit(Math.max(1, held)) * 2)];
    }
  }

  /**
   * The time of the first bucket with places taken after the current millisecond, or
   * {@link Long#MAX_VALUE} if there is none: every bucketed event's time lies in
   * [now, now + HORIZON), so a bucket's place in the calendar names its time.
   */
  private long nextBucketTime() {
    long from = now + 1;
    int start = (int) (from & MASK);
    int w = start >>> 6;
    long bits = occupied[w] & (-1L << start);
    for (int k = 0; k <= occupied.length; k++) {
      if (bits != 0) {
        int pos = (w << 6) + Long.numberOfTrailingZeros(bits);
        return from + ((pos - start) & MASK);
      }
      w = (w + 1) & (occupied.length - 1);
      bits = occupied[w];
    }
    return Long.MAX_VALUE;
  }

  /** Runs events up to and including time {@code until}, then sets the clock to it. */
  public void runUntil(long until) {
    while (now <= until) {
      pullFar();
      int i = (int) (now & MASK);
      if (sizes[i] > 0) {
        runBucket(i);
      }
      if (now == until) {
        break;
      }
      // On to the next millisecond with events: a bucket, or a far event (pulled into its
      // bucket on arrival, before anything else runs), or the end. Nothing runs in between,
      // so nothing can be scheduled into a bucket before its far events reach it.
      long next = Math.min(nextBucketTime(), farFirst);
      now = Math.max(now + 1, Math.min(until, next));
    }
    now = Math.max(now, until);
  }
}
