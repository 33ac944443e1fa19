package org.openvoip.p2pp.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** A runtime that only knows plain tasks runs TimerTasks through Env's default wrapper. */
class TimerTaskTest {

  /** An Env whose timers wait in a list until the test runs them. */
  private static final class ListEnv implements Env {
    final List<Runnable> due = new ArrayList<>();
    final List<boolean[]> cancelled = new ArrayList<>();

    @Override
    public long now() {
      return 0;
    }

    @Override
    public long epochMillis() {
      return 0;
    }

    @Override
    public Timer schedule(long delayMillis, Runnable task) {
      boolean[] c = {false};
      due.add(task);
      cancelled.add(c);
      return () -> c[0] = true;
    }

    @Override
    public RandomGenerator random() {
      throw new UnsupportedOperationException();
    }

    @Override
    public void send(Transport transport, Endpoint destination, byte[] bytes) {
      throw new UnsupportedOperationException();
    }

    /** Runs the i-th scheduled task, as the runtime would unless it was cancelled. */
    void fire(int i) {
      if (!cancelled.get(i)[0]) {
        due.get(i).run();
      }
    }
  }

  private static final class Counting extends TimerTask {
    int runs;

    @Override
    public void run() {
      assertThat(isScheduled()).isFalse();
      runs++;
    }
  }

  @Test
  void theDefaultWrapperRunsTheTaskOnceAndCancelsTheRuntimesTimer() {
    ListEnv env = new ListEnv();
    Counting t = new Counting();
    assertThat(env.schedule(10, t)).isSameAs(t);
    assertThat(t.isScheduled()).isTrue();
    assertThatThrownBy(() -> env.schedule(10, t)).isInstanceOf(IllegalStateException.class);
    env.fire(0);
    assertThat(t.runs).isEqualTo(1);
    assertThat(t.isScheduled()).isFalse();

    env.schedule(10, t);
    t.cancel();
    assertThat(env.cancelled.get(1)[0]).as("the runtime's timer is cancelled too").isTrue();
    assertThat(t.isScheduled()).isFalse();
    env.due.get(1).run(); // even a runtime that ran it anyway does not run the task
    assertThat(t.runs).isEqualTo(1);
  }

  @Test
  void anOldWrapperDoesNotRunATaskScheduledAgain() {
    ListEnv env = new ListEnv();
    Counting t = new Counting();
    env.schedule(10, t);
    t.cancel();
    env.schedule(20, t);
    env.due.get(0).run(); // the first scheduling's wrapper, run despite its cancellation
    assertThat(t.runs).isZero();
    assertThat(t.isScheduled()).isTrue();
    env.fire(1);
    assertThat(t.runs).isEqualTo(1);
  }
}
