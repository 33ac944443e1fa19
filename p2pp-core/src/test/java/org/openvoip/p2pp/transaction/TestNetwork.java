package org.openvoip.p2pp.transaction;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.env.Env;
import org.openvoip.p2pp.env.Transport;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.Header;
import org.openvoip.p2pp.wire.Message;
import org.openvoip.p2pp.wire.WireDecoder;

/**
 * A deterministic network for unit tests: one virtual clock and event queue for all nodes, a
 * fixed one-way latency, and a drop rule that sees every packet. Every packet sent is logged
 * with its time, so tests can assert exactly what went over the wire and when.
 */
public final class TestNetwork {
  public static final long LATENCY = 10;

  /** One packet on the wire. */
  public record Packet(long time, Endpoint from, Endpoint to, Transport transport, byte[] bytes,
      Message message, boolean dropped) {
    public Header header() {
      return message.header();
    }

    @Override
    public String toString() {
      return time + "ms " + from + "->" + to + " " + transport + " "
          + (message == null ? Bytes.of(bytes).hex() : header().describe()
              + (header().kind().isResponse() || header().ack() ? " " + header().responseCode() : ""))
          + (dropped ? " (dropped)" : "");
    }
  }

  /** What a node does with bytes delivered to it. */
  public interface Receiver {
    void onBytes(byte[] bytes, Transport transport, Endpoint from);
  }

  private record Event(long time, long seq, Runnable task, boolean[] cancelled)
      implements Comparable<Event> {
    @Override
    public int compareTo(Event o) {
      return time != o.time ? Long.compare(time, o.time) : Long.compare(seq, o.seq);
    }
  }

  private final PriorityQueue<Event> queue = new PriorityQueue<>();
  private final Map<Endpoint, Receiver> receivers = new HashMap<>();
  private final WireDecoder decoder = new WireDecoder(20);
  final List<Packet> log = new ArrayList<>();
  private long now;
  private long seq;
  private Predicate<Packet> drop = p -> false;

  /** Packets for which {@code rule} is true are lost (they still appear in the log). */
  public void drop(Predicate<Packet> rule) {
    this.drop = rule;
  }

  public long now() {
    return now;
  }

  /** The calendar time at virtual time 0: 2026-11-28T00:00:00Z. */
  public static final long EPOCH_MILLIS = 1_795_824_000_000L;

  /** The Env of the node at {@code self}. */
  public Env env(Endpoint self, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    return new Env() {
      @Override
      public long now() {
        return now;
      }

      @Override
      public long epochMillis() {
        return EPOCH_MILLIS + now;
      }

      @Override
      public Timer schedule(long delayMillis, Runnable task) {
        return at(now + delayMillis, task);
      }

      @Override
      public RandomGenerator random() {
        return random;
      }

      @Override
      public void send(Transport transport, Endpoint destination, byte[] bytes) {
        Message m;
        try {
          m = decoder.decode(bytes);
        } catch (Exception e) {
          m = null;
        }
        Packet p = new Packet(now, self, destination, transport, bytes.clone(), m, false);
        boolean lost = drop.test(p);
        log.add(lost ? new Packet(p.time, self, destination, transport, p.bytes, m, true) : p);
        if (!lost) {
          at(now + LATENCY, () -> {
            Receiver r = receivers.get(destination);
            if (r != null) {
              r.onBytes(p.bytes, transport, self);
            }
          });
        }
      }
    };
  }

  public void attach(Endpoint at, Receiver receiver) {
    receivers.put(at, receiver);
  }

  /** Injects bytes as if {@code from} had sent them to {@code to}, now. */
  void inject(Endpoint from, Endpoint to, Transport t, byte[] bytes) {
    receivers.get(to).onBytes(bytes, t, from);
  }

  private Env.Timer at(long time, Runnable task) {
    boolean[] cancelled = {false};
    queue.add(new Event(time, seq++, task, cancelled));
    return () -> cancelled[0] = true;
  }

  /** Runs events until the queue is empty or virtual time passes {@code until}. */
  public void runUntil(long until) {
    while (!queue.isEmpty() && queue.peek().time <= until) {
      Event e = queue.poll();
      now = e.time;
      if (!e.cancelled[0]) {
        e.task.run();
      }
    }
    now = Math.max(now, until);
  }
}
