package org.openvoip.p2pp.node;

import org.openvoip.p2pp.env.Endpoint;

/**
 * Round-trip estimates per peer (RFC 6298's smoothed RTT and variation), for hop timeouts.
 * Remembers the {@value #CAPACITY} most recently used peers only.
 *
 * <p>Kept in flat arrays, a 64-bit key per endpoint ({@link Endpoint#key()}: an IPv4 endpoint's
 * address and port exactly; an IPv6 one's by a 64-bit hash, so two IPv6 endpoints could share an
 * estimate with probability 2^-64, which would only blur a timeout). A node asks on every hop
 * and samples on every answer, so both are O(1): an open-addressed index from key to entry, and
 * the entries on a list from most to least recently used, whose tail is the one to evict.
 */
final class RttTable {
  static final int CAPACITY = 64;
  /** Index slots: a power of two, at least twice the capacity. */
  private static final int SLOTS = 2 * CAPACITY;
  private static final int NONE = -1;

  private final long[] keys = new long[CAPACITY];
  private final double[] srtt = new double[CAPACITY];
  private final double[] rttvar = new double[CAPACITY];
  /** Recency list: next (less recent) and previous (more recent) entry, or NONE. */
  private final int[] older = new int[CAPACITY];
  private final int[] newer = new int[CAPACITY];
  private int mostRecent = NONE;
  private int leastRecent = NONE;
  /** Entry + 1 per slot; 0 is empty. */
  private final byte[] index = new byte[SLOTS];
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
    return e.key();
  }

  private static int home(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h >>> 57) & (SLOTS - 1); // the top bits mix every key bit
  }

  /** The entry holding key, or NONE. */
  private int find(long key) {
    for (int s = home(key); ; s = (s + 1) & (SLOTS - 1)) {
      int e = index[s] - 1;
      if (e < 0) {
        return NONE;
      }
      if (keys[e] == key) {
        return e;
      }
    }
  }

  private void indexPut(long key, int entry) {
    int s = home(key);
    while (index[s] != 0) {
      s = (s + 1) & (SLOTS - 1);
    }
    index[s] = (byte) (entry + 1);
  }

  /** Removes key's slot, shifting its probe run back over the gap. */
  private void indexRemove(long key) {
    int gap = home(key);
    while (keys[index[gap] - 1] != key) {
      gap = (gap + 1) & (SLOTS - 1);
    }
    int j = gap;
    while (true) {
      j = (j + 1) & (SLOTS - 1);
      if (index[j] == 0) {
        break;
      }
      int h = home(keys[index[j] - 1]);
      boolean stays = gap <= j ? gap < h && h <= j : gap < h || h <= j;
      if (!stays) {
        index[gap] = index[j];
        gap = j;
      }
    }
    index[gap] = 0;
  }

  /** Makes entry e the most recently used. */
  private void touch(int e) {
    if (mostRecent == e) {
      return;
    }
    unlink(e);
    older[e] = mostRecent;
    newer[e] = NONE;
    if (mostRecent != NONE) {
      newer[mostRecent] = e;
    }
    mostRecent = e;
    if (leastRecent == NONE) {
      leastRecent = e;
    }
  }

  private void unlink(int e) {
    int o = older[e];
    int n = newer[e];
    if (n != NONE) {
      older[n] = o;
    } else if (mostRecent == e) {
      mostRecent = o;
    }
    if (o != NONE) {
      newer[o] = n;
    } else if (leastRecent == e) {
      leastRecent = n;
    }
    older[e] = NONE;
    newer[e] = NONE;
  }

  void sample(Endpoint peer, long millis) {
    long key = key(peer);
    int i = find(key);
    if (i < 0) {
      if (size < CAPACITY) {
        i = size++;
        older[i] = NONE;
        newer[i] = NONE;
      } else {
        i = leastRecent;
        indexRemove(keys[i]);
      }
      keys[i] = key;
      indexPut(key, i);
      srtt[i] = millis;
      rttvar[i] = millis / 2.0;
    } else {
      rttvar[i] = 0.75 * rttvar[i] + 0.25 * Math.abs(srtt[i] - millis);
      srtt[i] = 0.875 * srtt[i] + 0.125 * millis;
    }
    touch(i);
  }

  /** How long to wait for {@code peer}'s answer before trying another hop. */
  long timeout(Endpoint peer) {
    int i = find(key(peer));
    if (i < 0) {
      return unknownTimeout;
    }
    touch(i);
    long t = Math.round(srtt[i] + 4 * rttvar[i]);
    return Math.max(minTimeout, Math.min(maxTimeout, t));
  }

  /** The smoothed round-trip time to {@code peer} in milliseconds, or -1 without a sample. */
  long smoothed(Endpoint peer) {
    int i = find(key(peer));
    return i < 0 ? -1 : Math.round(srtt[i]);
  }

  /** Peers with an estimate. */
  int size() {
    return size;
  }
}
