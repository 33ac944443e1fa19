package org.openvoip.p2pp.node;

import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.wire.Bytes;

/**
 * Round-trip estimates per peer (RFC 6298's smoothed RTT and variation), for hop timeouts.
 * Remembers the {@value #CAPACITY} most recently used peers only.
 *
 * <p>Kept in flat arrays, a 64-bit key per endpoint (an IPv4 endpoint's address and port exactly;
 * an IPv6 one's by a 64-bit hash, so two IPv6 endpoints could share an estimate with probability
 * 2^-64, which would only blur a timeout), searched linearly: a node asks on every hop, and
 * 64 longs in a row are cheaper to scan than a map's entries are to chase.
 */
final class RttTable {
  static final int CAPACITY = 64;

  private final long[] keys = new long[CAPACITY];
  private final double[] srtt = new double[CAPACITY];
  private final double[] rttvar = new double[CAPACITY];
  /** When each entry was last used, on a counter of uses. */
  private final long[] used = new long[CAPACITY];
  private long uses;
  private int size;
  private final long unknownTimeout;
  private final long minTimeout;
  private final long maxTimeout;

  RttTable(long unknownTimeout, long minTimeout, long maxTimeout) {
    this.unknownTimeout = unknownTimeout;
    this.minTimeout = minTimeout;
    this.maxTimeout = maxTimeout;
  }

  static long key(Endpoint e) {
    Bytes a = e.address().octets();
    if (a.length() == 4) {
      long ip = ((a.get(0) & 0xFFL) << 24) | ((a.get(1) & 0xFF) << 16) | ((a.get(2) & 0xFF) << 8)
          | (a.get(3) & 0xFF);
      return (1L << 48) | (ip << 16) | e.port();
    }
    byte[] b = new byte[18];
    a.copyTo(b, 0);
    b[16] = (byte) (e.port() >>> 8);
    b[17] = (byte) e.port();
    return Bytes.contentHash(b) | Long.MIN_VALUE; // never equal to an IPv4 key
  }

  private int find(long key) {
    for (int i = 0; i < size; i++) {
      if (keys[i] == key) {
        return i;
      }
    }
    return -1;
  }

  void sample(Endpoint peer, long millis) {
    long key = key(peer);
    int i = find(key);
    if (i < 0) {
      i = size < CAPACITY ? size++ : leastRecentlyUsed();
      keys[i] = key;
      srtt[i] = millis;
      rttvar[i] = millis / 2.0;
    } else {
      rttvar[i] = 0.75 * rttvar[i] + 0.25 * Math.abs(srtt[i] - millis);
      srtt[i] = 0.875 * srtt[i] + 0.125 * millis;
    }
    used[i] = ++uses;
  }

  private int leastRecentlyUsed() {
    int oldest = 0;
    for (int i = 1; i < size; i++) {
      if (used[i] < used[oldest]) {
        oldest = i;
      }
    }
    return oldest;
  }

  /** How long to wait for {@code peer}'s answer before trying another hop. */
  long timeout(Endpoint peer) {
    int i = find(key(peer));
    if (i < 0) {
      return unknownTimeout;
    }
    used[i] = ++uses;
    long t = Math.round(srtt[i] + 4 * rttvar[i]);
    return Math.max(minTimeout, Math.min(maxTimeout, t));
  }

  /** Peers with an estimate. */
  int size() {
    return size;
  }
}
