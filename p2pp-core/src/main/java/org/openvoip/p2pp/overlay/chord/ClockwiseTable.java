package org.openvoip.p2pp.overlay.chord;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.openvoip.p2pp.overlay.PeerRef;
import org.openvoip.p2pp.overlay.Ring;
import org.openvoip.p2pp.wire.Bytes;

/**
 * Peers sorted by clockwise distance from an origin (this node), at most one per peer-ID. A
 * Chord node holds about log2(N) + s + 2 peers, so a sorted array beats a tree: positions are
 * indexes (the n-th successor is one read), and searches compare the top 64 bits of each
 * distance, kept beside each entry, falling back to the whole IDs only when those tie.
 *
 * <p>Queries take any ID of the origin's length; the origin itself is at distance 0, before
 * every entry.
 */
final class ClockwiseTable {
  private final Bytes origin;
  private final long originTop;
  private final int idLength;
  private long[] tops = new long[16];
  private PeerRef[] peers = new PeerRef[16];
  private int size;
  /** Counts changes: puts and removals. */
  private long changes;

  /** The origin's bytes 8-15 and 16-23 (zero-padded), for {@link Ring#topOfDifference}. */
  private final long originMid;
  private final long originLow;

  ClockwiseTable(Bytes origin) {
    this.origin = origin;
    this.idLength = origin.length();
    this.originTop = origin.prefixLong();
    this.originMid = origin.longAt(8);
    this.originLow = origin.longAt(16);
  }

  /**
   * The top 64 bits of the clockwise distance from the origin to id, (id - origin) mod 2^m,
   * left-aligned when IDs are shorter than eight bytes.
   */
  long top(Bytes id) {
    return Ring.topOfDifference(id, originTop, originMid, originLow, origin);
  }

  int size() {
    return size;
  }

  /** How many times entries were put or removed. */
  long changes() {
    return changes;
  }

  boolean isEmpty() {
    return size == 0;
  }

  PeerRef get(int i) {
    return peers[i];
  }

  Bytes id(int i) {
    return peers[i].id();
  }

  PeerRef first() {
    return size == 0 ? null : peers[0];
  }

  PeerRef last() {
    return size == 0 ? null : peers[size - 1];
  }

  /** Orders id (with its top) against entry i by clockwise distance from the origin. */
  private int compare(long top, Bytes id, int i) {
    int c = Long.compareUnsigned(top, tops[i]);
    return c != 0 ? c : Ring.compareClockwise(origin, id, peers[i].id());
  }

  /** Orders two IDs by clockwise distance from the origin. */
  int compare(Bytes a, Bytes b) {
    int c = Long.compareUnsigned(top(a), top(b));
    return c != 0 ? c : Ring.compareClockwise(origin, a, b);
  }

  /** The index of the first entry at or beyond id's distance; size() if there is none. */
  int ceiling(Bytes id) {
    return ceiling(top(id), id);
  }

  /** As {@link #ceiling(Bytes)}, given id's {@link #top}. */
  int ceiling(long t, Bytes id) {
    int lo = 0;
    int hi = size;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (compare(t, id, mid) > 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** The index of the entry for id, or -1. */
  int indexOf(Bytes id) {
    long t = top(id);
    int i = ceiling(t, id);
    return holds(i, t, id) ? i : -1;
  }

  /**
   * Whether entry i (as {@link #ceiling} gave it for id, whose {@link #top} is t) holds id:
   * equal IDs have equal tops, so the entry's peer is read only when the tops agree.
   */
  boolean holds(int i, long t, Bytes id) {
    return i < size && tops[i] == t && peers[i].id().equals(id);
  }

  /** The index of the first entry beyond id's distance; size() if there is none. */
  int higher(Bytes id) {
    long t = top(id);
    int i = ceiling(t, id);
    return holds(i, t, id) ? i + 1 : i;
  }

  /**
   * The highest set bit of entry i's distance from the origin (its finger slot), counted from 0
   * at the least significant end.
   */
  int slot(int i) {
    return slotOf(tops[i], peers[i].id());
  }

  /** The finger slot of any ID, as {@link #slot(int)}. */
  int slotOf(Bytes id) {
    return slotOf(top(id), id);
  }

  /** As {@link #slotOf(Bytes)}, given id's {@link #top}. */
  int slotOf(long top, Bytes id) {
    if (top == 0) {
      return Ring.highestBitOfDistance(origin, id);
    }
    return 63 - Long.numberOfLeadingZeros(top) + 8 * idLength - 64;
  }

  /** Adds p, or replaces the entry with its ID; returns its index. */
  int put(PeerRef p) {
    Bytes id = p.id();
    int i = ceiling(id);
    changes++;
    if (i < size && peers[i].id().equals(id)) {
      peers[i] = p;
      return i;
    }
    if (size == peers.length) {
      peers = Arrays.copyOf(peers, size * 2);
      tops = Arrays.copyOf(tops, size * 2);
    }
    System.arraycopy(peers, i, peers, i + 1, size - i);
    System.arraycopy(tops, i, tops, i + 1, size - i);
    peers[i] = p;
    tops[i] = top(id);
    size++;
    return i;
  }

  /** Removes and returns entry i. */
  PeerRef remove(int i) {
    changes++;
    PeerRef p = peers[i];
    System.arraycopy(peers, i + 1, peers, i, size - i - 1);
    System.arraycopy(tops, i + 1, tops, i, size - i - 1);
    peers[--size] = null;
    return p;
  }

  /** The entries in order, as a new list. */
  List<PeerRef> toList() {
    List<PeerRef> out = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      out.add(peers[i]);
    }
    return out;
  }
}
