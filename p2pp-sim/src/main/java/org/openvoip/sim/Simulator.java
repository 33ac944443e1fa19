package org.openvoip.sim;

import java.util.PriorityQueue;
import org.openvoip.p2pp.env.Env;
import org.openvoip.p2pp.env.TimerTask;

/**
 * A discrete-event scheduler on virtual time (milliseconds). Events at the same time run in the
 * order they were scheduled, so a run depends only on its inputs and seeds: same seed, same run.
 * Single-threaded: everything it runs, runs on the caller's thread.
 *
 * <p>A two-level timing wheel. Time is cut into blocks of {@value #BLOCK} ms. The current
 * block's events wait in one bucket per millisecond; the events of the next {@value #BLOCKS} - 1
 * blocks (about {@value #HORIZON} ms: nearly every timer of a P2PP node) wait in one bucket per
 * block, and later ones in a priority queue. When the clock enters a block, that block's bucket
 * is spread over the millisecond buckets, in its order. A bucket is an array of its events in
 * the order they were scheduled, reused from one lap to the next.
 *
 * <p>The two levels are for the processor's cache, which an event's scheduling used to miss:
 * with a bucket per millisecond over the whole horizon, a timer seconds ahead lands in an array
 * last touched a lap (half a minute) earlier. A block's bucket instead takes the events of a
 * few tens of milliseconds of scheduling one after another, so its end stays in the cache, and
 * the millisecond buckets, few and busy, stay there too. Spreading a block reads each of its
 * events shortly before it runs (in a run of a few hundred nodes, the first read of an event
 * scheduled long before is a likely miss either way), and skips cancelled ones unread.
 *
 * <p>Order: every event of a block that waited in the block's bucket was scheduled before the
 * clock entered the block, so spreading it before anything else reaches the millisecond buckets
 * keeps the order of scheduling; likewise the far queue hands a block's events to its bucket
 * (in their order) as soon as the block comes within reach, before anything can be scheduled
 * into it directly. Cancelling an event clears its place in its bucket, so nothing reads it
 * again. Scheduling, cancelling and running are O(1) except in the far queue.
 *
 * <p>Every event is a {@link TimerTask}: packets in flight and the engine's busiest timers
 * (retransmissions, duplicate windows, lookup hops) wait in the calendar as they are, with
 * their place in the task's own fields, and only a plain {@link Runnable} gets a wrapper.
 */
public final class Simulator {
  /** Milliseconds per block; a power of two, at most 64 (one bit per millisecond in a long). */
  static final int BLOCK = 64;
  private static final int BLOCK_BITS = Integer.numberOfTrailingZeros(BLOCK);
  /** Blocks in the wheel (the current one and those after it); a power of two, a multiple of 64. */
  static final int BLOCKS = 512;
  /** About how far ahead an event may be and still wait in a bucket, in ms. */
  static final int HORIZON = BLOCK * BLOCKS;
  /** The smallest array a bucket gets. */
  private static final int MIN_BUCKET = 8;
  /** A ticket at least this large names a place in a block's bucket, less this. */
  private static final long IN_BLOCK = 1L << 32;

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
   * An event beyond the wheel, with its time and its place in the order of scheduling (the
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
   * Millisecond bucket i: the events of the current block's millisecond i, in order; cancelled
   * and run ones are null. Null until first used.
   */
  private final TimerTask[][] ms = new TimerTask[BLOCK][];
  /** Places taken in millisecond bucket i (cancelled events included). */
  private final int[] msSizes = new int[BLOCK];
  /** Bit i set while millisecond bucket i has places taken. */
  private long msOccupied;
  /** Block bucket j: the events of the block b with b mod {@link #BLOCKS} = j, in order. */
  private final TimerTask[][] blocks = new TimerTask[BLOCKS][];
  private final int[] blockSizes = new int[BLOCKS];
  /** Bit j set while block bucket j has places taken. */
  private final long[] blockOccupied = new long[BLOCKS / 64];
  private final PriorityQueue<Far> far = new PriorityQueue<>();
  /** The time of the first far event, or {@link Long#MAX_VALUE} if there is none. */
  private long farFirst = Long.MAX_VALUE;
  private long now;
  /** The block of {@link #now}, whose events wait in the millisecond buckets. */
  private long block;
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
    place(task, time);
    return task;
  }

  /** Puts an event (not before the current block) where it waits for its time. */
  private void place(TimerTask e, long time) {
    long b = time >>> BLOCK_BITS;
    long ahead = b - block;
    if (ahead == 0) {
      appendMs(e, time);
    } else if (ahead < BLOCKS) {
      appendBlock(e, time, b);
    } else {
      long s = ++seq;
      e.held(holder, time, -s);
      far.add(new Far(e, time, s));
      farFirst = far.peek().time;
    }
  }

  /** Forgets a cancelled task's place: a bucket's is cleared, a far one is skipped on its turn. */
  private final TimerTask.Holder holder = task -> {
    long ticket = task.ticket();
    if (ticket >= IN_BLOCK) {
      blocks[(int) ((task.time() >>> BLOCK_BITS) & (BLOCKS - 1))][(int) (ticket - IN_BLOCK)] = null;
    } else if (ticket >= 0) {
      ms[(int) (task.time() & (BLOCK - 1))][(int) ticket] = null;
    }
  };

  /** Bucket i of {@code buckets}, with room for a place at {@code n} (its count). */
  private static TimerTask[] withRoom(TimerTask[][] buckets, int i, int n) {
    TimerTask[] a = buckets[i];
    if (a == null) {
      a = new TimerTask[MIN_BUCKET];
      buckets[i] = a;
    } else if (n == a.length) {
      a = java.util.Arrays.copyOf(a, 2 * n);
      buckets[i] = a;
    }
    return a;
  }

  private void appendMs(TimerTask e, long time) {
    int i = (int) (time & (BLOCK - 1));
    int n = msSizes[i];
    TimerTask[] a = withRoom(ms, i, n);
    e.held(holder, time, n);
    a[n] = e;
    msSizes[i] = n + 1;
    msOccupied |= 1L << i;
  }

  private void appendBlock(TimerTask e, long time, long b) {
    int j = (int) (b & (BLOCKS - 1));
    int n = blockSizes[j];
    TimerTask[] a = withRoom(blocks, j, n);
    e.held(holder, time, IN_BLOCK + n);
    a[n] = e;
    blockSizes[j] = n + 1;
    if (n == 0) {
      blockOccupied[j >>> 6] |= 1L << j;
    }
  }

  /**
   * The clock enters block {@code b}, after every event of the blocks before it ran: the far
   * events now within reach go to their buckets, then block b's bucket is spread over the
   * millisecond buckets.
   */
  private void enter(long b) {
    block = b;
    if (farFirst >>> BLOCK_BITS < b + BLOCKS) {
      while (!far.isEmpty() && far.peek().time >>> BLOCK_BITS < b + BLOCKS) {
        Far f = far.poll();
        TimerTask e = f.event;
        if (e.holder() == holder && e.ticket() == -f.seq) { // not cancelled since
          e.released();
          place(e, f.time);
        }
      }
      farFirst = far.isEmpty() ? Long.MAX_VALUE : far.peek().time;
    }
    int j = (int) (b & (BLOCKS - 1));
    int n = blockSizes[j];
    if (n == 0) {
      return;
    }
    TimerTask[] a = blocks[j];
    for (int k = 0; k < n; k++) {
      TimerTask e = a[k];
      if (e != null) {
        a[k] = null;
        e.released();
        appendMs(e, e.time());
      }
    }
    blockSizes[j] = 0;
    blockOccupied[j >>> 6] &= ~(1L << j);
    a = shrunk(a, n);
    blocks[j] = a;
  }

  /**
   * A bucket's array for its next lap: one grown in a burst (thousands of joins at once) goes
   * back to about what this lap needed, so that the buckets do not keep their largest size.
   */
  private static TimerTask[] shrunk(TimerTask[] a, int held) {
    if (a.length > 4 * Math.max(MIN_BUCKET, held)) {
      return new TimerTask[Math.max(MIN_BUCKET, Integer.highestOneBit(Math.max(1, held)) * 2)];
    }
    return a;
  }

  /** Runs millisecond bucket i, the current millisecond's, and empties it. */
  private void runBucket(int i) {
    // Events scheduled for now while the bucket runs join its end and run in this pass (the
    // array may grow meanwhile, so it is read again for each place).
    for (int k = 0; k < msSizes[i]; k++) {
      TimerTask[] a = ms[i];
      TimerTask e = a[k];
      if (e != null) {
        a[k] = null;
        e.released();
        executed++;
        e.run();
      }
    }
    int held = msSizes[i];
    msSizes[i] = 0;
    msOccupied &= ~(1L << i);
    ms[i] = shrunk(ms[i], held);
  }

  /**
   * The time of the next millisecond after the current one that may have events: a millisecond
   * bucket's, the start of the next block with events waiting in its bucket, or the first far
   * event; {@link Long#MAX_VALUE} if there is none.
   */
  private long nextTime() {
    int at = (int) (now & (BLOCK - 1));
    long later = at == BLOCK - 1 ? 0 : msOccupied & (-1L << (at + 1));
    if (later != 0) {
      return (block << BLOCK_BITS) + Long.numberOfTrailingZeros(later);
    }
    long next = farFirst;
    long from = block + 1;
    int start = (int) (from & (BLOCKS - 1));
    int w = start >>> 6;
    long bits = blockOccupied[w] & (-1L << start);
    for (int k = 0; k <= blockOccupied.length; k++) {
      if (bits != 0) {
        int pos = (w << 6) + Long.numberOfTrailingZeros(bits);
        return Math.min(next, (from + ((pos - start) & (BLOCKS - 1))) << BLOCK_BITS);
      }
      w = (w + 1) & (blockOccupied.length - 1);
      bits = blockOccupied[w];
    }
    return next;
  }

  /** Runs events up to and including time {@code until}, then sets the clock to it. */
  public void runUntil(long until) {
    while (now <= until) {
      int i = (int) (now & (BLOCK - 1));
      if (msSizes[i] > 0) {
        runBucket(i);
      }
      if (now == until) {
        break;
      }
      // On to the next millisecond that may have events, or the end. Nothing runs in between,
      // so nothing can be scheduled before a block entered is spread.
      now = Math.max(now + 1, Math.min(until, nextTime()));
      long b = now >>> BLOCK_BITS;
      if (b != block) {
        enter(b);
      }
    }
  }
}
