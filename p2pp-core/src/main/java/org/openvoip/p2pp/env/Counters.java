package org.openvoip.p2pp.env;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Named event counters of one node: every dropped or unexpected packet is counted by reason, so
 * that an operator (and a test) can see what happened. Single-threaded like the engine.
 */
public final class Counters {
  /** Hashed, not sorted: counting happens on every packet, listing rarely. */
  private final Map<String, long[]> counts = new HashMap<>();

  public void increment(String name) {
    add(name, 1);
  }

  public void add(String name, long n) {
    counts.computeIfAbsent(name, k -> new long[1])[0] += n;
  }

  public long get(String name) {
    long[] c = counts.get(name);
    return c == null ? 0 : c[0];
  }

  /** A copy of all counters, sorted by name. */
  public Map<String, Long> snapshot() {
    Map<String, Long> out = new TreeMap<>();
    counts.forEach((k, v) -> out.put(k, v[0]));
    return out;
  }

  @Override
  public String toString() {
    return snapshot().toString();
  }
}
