package org.openvoip.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.openvoip.p2pp.env.Env;
import org.openvoip.p2pp.env.TimerTask;

/** The scheduler runs events in (time, order of scheduling) and never runs a cancelled one. */
class SimulatorTest {

  @Test
  void eventsRunByTimeThenInTheOrderTheyWereScheduled() {
    Simulator sim = new Simulator();
    List<String> ran = new ArrayList<>();
    sim.schedule(5, () -> ran.add("a@" + sim.now()));
    sim.schedule(3, () -> ran.add("b@" + sim.now()));
    sim.schedule(5, () -> ran.add("c@" + sim.now()));
    sim.schedule(-7, () -> ran.add("d@" + sim.now())); // negative delays mean now
    sim.runUntil(10);
    assertThat(ran).containsExactly("d@0", "b@3", "a@5", "c@5");
    assertThat(sim.now()).isEqualTo(10);
    assertThat(sim.eventsExecuted()).isEqualTo(4);
  }

  @Test
  void anEventScheduledForNowWhileItsMillisecondRunsRunsInTheSamePassAtTheEnd() {
    Simulator sim = new Simulator();
    List<String> ran = new ArrayList<>();
    sim.schedule(2, () -> {
      ran.add("first");
      sim.schedule(0, () -> ran.add("spawned@" + sim.now()));
    });
    sim.schedule(2, () -> ran.add("second"));
    sim.runUntil(2);
    assertThat(ran).containsExactly("first", "second", "spawned@2");
  }

  @Test
  void aCancelledEventNeverRunsAndCancellingAfterItRanIsHarmless() {
    Simulator sim = new Simulator();
    List<String> ran = new ArrayList<>();
    Env.Timer a = sim.schedule(4, () -> ran.add("a"));
    Env.Timer b = sim.schedule(4, () -> ran.add("b"));
    sim.schedule(4, () -> ran.add("c"));
    // Cancelled by an earlier event of the same millisecond, and by one at the same time.
    sim.schedule(1, a::cancel);
    Env.Timer[] late = new Env.Timer[1];
    sim.schedule(4, () -> late[0].cancel());
    late[0] = sim.schedule(4, () -> ran.add("late"));
    sim.runUntil(4);
    b.cancel(); // already ran
    b.cancel();
    sim.schedule(0, () -> ran.add("after"));
    sim.runUntil(5);
    assertThat(ran).containsExactly("b", "c", "after");
    assertThat(sim.eventsExecuted()).isEqualTo(5); // b, c, two cancellers and after
  }

  @Test
  void eventsBeyondTheHorizonKeepTheirOrderWithNearOnes() {
    Simulator sim = new Simulator();
    List<String> ran = new ArrayList<>();
    long far = Simulator.HORIZON + 123;
    sim.schedule(far, () -> ran.add("far1"));
    Env.Timer gone = sim.schedule(far, () -> ran.add("cancelled far"));
    sim.schedule(far + 1, () -> ran.add("far3"));
    sim.schedule(far, () -> ran.add("far2"));
    gone.cancel();
    // Scheduled later at the same time, from within the horizon: after the far ones.
    sim.schedule(far - 10, () -> sim.schedule(10, () -> ran.add("near@" + sim.now())));
    sim.runUntil(3 * Simulator.HORIZON);
    assertThat(ran).containsExactly("far1", "far2", "near@" + far, "far3");
    assertThat(sim.now()).isEqualTo(3 * Simulator.HORIZON);
  }

  @Test
  void aBlockKeepsTheOrderOfSchedulingAcrossItsTwoLevels() {
    // 100 ms lies in the second block: scheduled from the first block, A and C wait in the
    // block's bucket; B is scheduled from inside the block, straight into its millisecond.
    Simulator sim = new Simulator();
    List<String> ran = new ArrayList<>();
    sim.schedule(100, () -> ran.add("A@" + sim.now()));
    Env.Timer gone = sim.schedule(100, () -> ran.add("cancelled"));
    Env.Timer goneEarly = sim.schedule(100, () -> ran.add("cancelled in the block's bucket"));
    sim.schedule(10, goneEarly::cancel);
    sim.schedule(Simulator.BLOCK - 1,
        () -> sim.schedule(100 - sim.now(), () -> ran.add("C@" + sim.now())));
    sim.schedule(Simulator.BLOCK, () -> {
      gone.cancel();
      sim.schedule(100 - sim.now(), () -> ran.add("B@" + sim.now()));
      sim.schedule(1, () -> ran.add("next@" + sim.now())); // the block's next millisecond
    });
    // The last millisecond of a block scheduling into the first of the next one.
    sim.schedule(2 * Simulator.BLOCK - 1, () -> sim.schedule(1, () -> ran.add("D@" + sim.now())));
    sim.runUntil(10 * Simulator.BLOCK);
    assertThat(ran).containsExactly("next@" + (Simulator.BLOCK + 1), "A@100", "C@100", "B@100",
        "D@" + 2 * Simulator.BLOCK);
    assertThat(sim.now()).isEqualTo(10 * Simulator.BLOCK);
  }

  /** A task that records each run and may schedule itself again from it. */
  private static final class Recorder extends TimerTask {
    final Simulator sim;
    final List<String> ran;
    final String name;
    long again = -1;

    Recorder(Simulator sim, List<String> ran, String name) {
      this.sim = sim;
      this.ran = ran;
      this.name = name;
    }

    @Override
    public void run() {
      assertThat(isScheduled()).isFalse();
      ran.add(name + "@" + sim.now());
      if (again >= 0) {
        long d = again;
        again = -1;
        sim.schedule(d, this);
      }
    }
  }

  @Test
  void aTimerTaskWaitsAsItIsAndCanBeScheduledAgainOnlyOnceItRanOrWasCancelled() {
    Simulator sim = new Simulator();
    List<String> ran = new ArrayList<>();
    Recorder t = new Recorder(sim, ran, "t");
    assertThat(sim.schedule(3, t)).isSameAs(t);
    assertThat(t.isScheduled()).isTrue();
    assertThatThrownBy(() -> sim.schedule(5, t)).isInstanceOf(IllegalStateException.class);
    sim.schedule(1, () -> ran.add("plain@" + sim.now()));
    t.again = 2; // from its own run
    sim.runUntil(10);
    assertThat(ran).containsExactly("plain@1", "t@3", "t@5");
    assertThat(t.isScheduled()).isFalse();

    // Cancelled in its bucket, then scheduled again for the same millisecond: runs once.
    sim.schedule(4, t);
    t.cancel();
    t.cancel(); // harmless
    sim.schedule(4, t);
    sim.runUntil(20);
    assertThat(ran).containsExactly("plain@1", "t@3", "t@5", "t@14");
    assertThat(sim.eventsExecuted()).isEqualTo(4);
  }

  @Test
  void aFarTimerTaskCancelledAndScheduledAgainRunsOnlyForItsLastScheduling() {
    Simulator sim = new Simulator();
    List<String> ran = new ArrayList<>();
    Recorder t = new Recorder(sim, ran, "t");
    long far = Simulator.HORIZON + 50;
    sim.schedule(far, t);
    t.cancel();
    sim.schedule(far + 7, t); // far again: the first entry must not run it
    Recorder u = new Recorder(sim, ran, "u");
    sim.schedule(far, u);
    u.cancel();
    sim.schedule(far - 5, u); // far, earlier than its cancelled entry
    Recorder v = new Recorder(sim, ran, "v");
    sim.schedule(far, v);
    v.cancel();
    sim.schedule(20, v); // near this time
    sim.runUntil(3 * Simulator.HORIZON);
    assertThat(ran).containsExactly("v@20", "u@" + (far - 5), "t@" + (far + 7));
    assertThat(sim.eventsExecuted()).isEqualTo(3);
  }

  @Test
  void aLongRandomScheduleMatchesASortedModel() {
    // Many events per millisecond, cancellations, re-scheduling from inside events and
    // bucket arrays reused over several laps of the calendar: the order must be exactly
    // (time, order of scheduling) among the events never cancelled.
    Simulator sim = new Simulator();
    SplittableRandom r = new SplittableRandom(5);
    List<Long> ran = new ArrayList<>();
    List<Env.Timer> timers = new ArrayList<>();
    List<long[]> scheduled = new ArrayList<>(); // {time, id, cancelled}
    long[] nextId = {0};
    class Spawner {
      void spawn(long delay) {
        long id = nextId[0]++;
        long[] entry = {sim.now() + Math.max(0, delay), id, 0};
        scheduled.add(entry);
        timers.add(sim.schedule(delay, () -> {
          ran.add(id);
          if (r.nextInt(4) == 0) {
            spawn(r.nextInt(3) == 0 ? 0 : r.nextLong(2 * Simulator.HORIZON));
          }
          if (!timers.isEmpty() && r.nextInt(3) == 0) {
            int k = r.nextInt(timers.size());
            timers.get(k).cancel();
            scheduled.get(k)[2] = 1;
          }
        }));
      }
    }
    Spawner s = new Spawner();
    for (int i = 0; i < 20_000; i++) {
      s.spawn(r.nextInt(10) == 0 ? r.nextLong(3 * Simulator.HORIZON) : r.nextInt(2000));
    }
    long end = 10L * Simulator.HORIZON;
    sim.runUntil(end);
    // Replay: an event runs unless it was cancelled before its time came. The model cannot
    // know when a cancel happened relative to the event, so compare what ran with the order
    // rule alone: by time, then by id (ids increase in scheduling order).
    long lastTime = -1;
    long lastId = -1;
    java.util.Map<Long, long[]> byId = new java.util.HashMap<>();
    for (long[] e : scheduled) {
      byId.put(e[1], e);
    }
    for (long id : ran) {
      long[] e = byId.get(id);
      assertThat(e[0] > lastTime || (e[0] == lastTime && id > lastId))
          .as("event %d at %d after event %d at %d", id, e[0], lastId, lastTime).isTrue();
      lastTime = e[0];
      lastId = id;
    }
    // Every event never cancelled ran exactly once.
    java.util.Set<Long> once = new java.util.HashSet<>(ran);
    assertThat(once).hasSameSizeAs(ran);
    for (long[] e : scheduled) {
      if (e[2] == 0 && e[0] <= end) {
        assertThat(once).contains(e[1]);
      }
    }
    assertThat(sim.eventsExecuted()).isEqualTo(ran.size());
  }
}
