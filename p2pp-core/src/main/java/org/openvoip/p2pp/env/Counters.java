package org.openvoip.p2pp.env;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Named event counters of one node: every dropped or unexpected packet is counted by reason, so
 * that an operator (and a test) can see what happened. Single-threaded like the engine.
 */
public final class Counters {
  /** One named counter, for code that counts on every packet and keeps the handle. */
  public static final class Counter {
    private long value;

    private Counter() {}

    public void increment() {
      value++;
    }

    public void add(long n) {
      value += n;
    }

    public long get() {
      return value;
    }
  }

  /** Hashed, not sorted: counting happens on every packet, listing rarely. */
  private final Map<String, Counter> counts = new HashMap<>();

  /** The counter called {@code name}, created at zero if new; it lists once it is not zero. */
  public Counter counter(String name) {
    return counts.computeIfAbsent(name, k -> new Counter());
  }

  public void increment(String name) {
    counter(name).value++;
  }

  public void add(String name, long n) {
    counter(name).value += n;
  }

  public long get(String name) {
    Counter c = counts.get(name);
    return c == null ? 0 : c.value;
  }

  /** A copy of all counters that are not zero, sorted by name. */
  public Map<String, Long> snapshot() {
    Map<String, Long> out = new TreeMap<>();
    counts.forEach((k, v) -> {
      if (v.value != 0) {
        out.put(k, v.value);
      }
    });
    return out;
  }

  @Override
  public String toString() {
    return snapshot().toString();
  }
}
