package org.openvoip.p2pp.transaction;

/**
 * Timers and limits of the transaction layer (draft section 6.3). They come from the overlay
 * configuration; the defaults are the draft's.
 *
 * @param t0Millis first retransmission interval over an unreliable transport; doubles on each
 *     retransmission (T1 = 2^i x T0)
 * @param t2Millis how long a message is retransmitted before its transaction fails
 * @param t3Millis how long a request waits for its response once its next hop acknowledged it
 * @param maxDatagram largest message sent over UDP/DTLS; larger ones go over TCP/TLS, and a
 *     response that would be larger is replaced by 480 (Alternative Service)
 * @param duplicateWindowMillis how long a received request or indication is remembered, to
 *     suppress retransmitted copies and answer them from the cached response
 */
public record TransactionConfig(
    long t0Millis, long t2Millis, long t3Millis, int maxDatagram, long duplicateWindowMillis) {

  /** T0 500 ms, T2 5 s, T3 5 s, 1400-byte datagrams, duplicates remembered for 10 s. */
  public static final TransactionConfig DEFAULTS = new TransactionConfig(500, 5000, 5000, 1400, 10_000);

  public TransactionConfig {
    if (t0Millis <= 0 || t2Millis < t0Millis || t3Millis <= 0) {
      throw new IllegalArgumentException("need 0 < T0 <= T2 and T3 > 0");
    }
    if (maxDatagram < 64) {
      throw new IllegalArgumentException("maxDatagram must be at least 64 bytes");
    }
    if (duplicateWindowMillis < t2Millis) {
      throw new IllegalArgumentException(
          "the duplicate window must cover the sender's retransmissions (T2)");
    }
  }

  /** The same timers with another datagram limit (the path MTU less IP and UDP headers). */
  public TransactionConfig withMaxDatagram(int bytes) {
    return new TransactionConfig(t0Millis, t2Millis, t3Millis, bytes, duplicateWindowMillis);
  }
}
