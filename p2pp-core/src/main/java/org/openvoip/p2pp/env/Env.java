package org.openvoip.p2pp.env;

import java.util.random.RandomGenerator;
import org.openvoip.p2pp.wire.Message;
import org.openvoip.p2pp.wire.WireDecoder;

/**
 * The protocol engine's only door to the world. Nothing in p2pp-core creates a thread, opens a
 * socket, reads the wall clock or seeds its own randomness: the runtime behind this interface
 * does (Netty in p2pp-net, a discrete-event scheduler in p2pp-sim, a fake in unit tests).
 *
 * <p>All calls into one node's engine happen on one thread at a time, and every task scheduled
 * here runs on that same thread, so the engine needs no locks.
 */
public interface Env {
  /** Monotonic time in milliseconds; only differences are meaningful. */
  long now();

  /**
   * Calendar time in milliseconds since 1970-01-01 UTC, for what the world dates: certificate
   * validity and the storage times of signed values. The real runtime reads the system clock;
   * the simulator counts from a fixed date, so that a seed replays a run exactly.
   */
  long epochMillis();

  /** Runs {@code task} after {@code delayMillis} on the node's thread, unless cancelled first. */
  Timer schedule(long delayMillis, Runnable task);

  /**
   * Runs {@code task} after {@code delayMillis} on the node's thread, unless cancelled first, and
   * returns the task itself as its timer. A runtime with many timers may hold the task as it is
   * ({@link TimerTask}); this default wraps it.
   *
   * @throws IllegalStateException if the task is already scheduled
   */
  default Timer schedule(long delayMillis, TimerTask task) {
    WrappedTimerTask w = new WrappedTimerTask(task);
    task.held(w, delayMillis, 0);
    w.timer = schedule(delayMillis, w);
    return task;
  }

  /** This node's seeded generator: the same seed gives the same run. */
  RandomGenerator random();

  /**
   * Hands bytes to a transport; delivery is not guaranteed on an unreliable one. The array is
   * the caller's to keep (a transaction resends the same array), but neither side may modify it
   * once sent: a runtime may deliver that very array to the receiver without copying it.
   */
  void send(Transport transport, Endpoint destination, byte[] bytes);

  /**
   * Sends {@code bytes}, the encoding of {@code message}, as {@link #send(Transport, Endpoint,
   * byte[])} does. A runtime that delivers within one process may hand the receiver {@code
   * message} with the bytes ({@link PacketReceiver#onPacket}), so that the receiver need not
   * decode them again; the message is immutable, like the array.
   */
  default void send(Transport transport, Endpoint destination, byte[] bytes, Message message) {
    send(transport, destination, bytes);
  }

  /**
   * The decoder for this node's packets. By default the immutable decoder shared by every node
   * with that ID length; a runtime that runs many nodes on one thread may hand them a decoder
   * that shares what they decode ({@link WireDecoder#withSharing}).
   */
  default WireDecoder decoder(int idLength) {
    return WireDecoder.forIdLength(idLength);
  }

  /**
   * The node-IDs that the certificate of the authenticated link from {@code from} binds, asked
   * while a packet that arrived on it is being handed over ({@link PacketReceiver}); null if it
   * did not arrive on an authenticated link (plain UDP or TCP, or a runtime without links).
   * The transaction layer refuses a message whose sender's ID the link does not bind.
   */
  default java.util.List<org.openvoip.p2pp.wire.Bytes> linkIds(Transport transport,
      Endpoint from) {
    return null;
  }

  /**
   * The engine has just spent {@code micros} of CPU time on cryptography (signing, checking
   * signatures and certificates), which a simulated runtime charges to the node's clock: what
   * the node sends next leaves that much later. A real runtime spends the time for real and
   * ignores this.
   */
  default void compute(long micros) {}

  /** A scheduled task. */
  interface Timer {
    /** Stops the task from running; harmless if it already ran. */
    void cancel();
  }
}
