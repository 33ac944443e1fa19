package org.openvoip.net;

import io.netty.channel.EventLoop;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.openvoip.p2pp.env.Env;

/**
 * The part of an {@link Env} every Netty runtime shares: the monotonic and calendar clocks,
 * timers on one event loop (so that they run on the engine's thread) and a generator. How bytes
 * are sent is the subclass's.
 */
abstract class LoopEnv implements Env {
  private final EventLoop loop;
  private final RandomGenerator random;

  LoopEnv(EventLoop loop, RandomGenerator random) {
    this.loop = loop;
    this.random = random;
  }

  @Override
  public long now() {
    return System.nanoTime() / 1_000_000;
  }

  @Override
  public long epochMillis() {
    return System.currentTimeMillis();
  }

  @Override
  public Timer schedule(long delayMillis, Runnable task) {
    ScheduledFuture<?> f = loop.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
    return () -> f.cancel(false);
  }

  @Override
  public RandomGenerator random() {
    return random;
  }
}
