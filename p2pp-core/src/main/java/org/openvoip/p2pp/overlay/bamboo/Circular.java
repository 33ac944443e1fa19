package org.openvoip.p2pp.overlay.bamboo;

import java.util.NavigableSet;
import org.openvoip.p2pp.overlay.Ring;
import org.openvoip.p2pp.wire.Bytes;

/**
 * Numeric closeness on the identifier circle, Pastry's and Bamboo's notion of who owns a key:
 * the distance from a key to an ID is the shorter way round, min((id - key), (key - id)) mod 2^m.
 * Of two IDs at the same distance (one on each side), the one clockwise from the key is nearer,
 * so the order is total.
 */
public final class Circular {
  private Circular() {}

  /** Negative if {@code a} is nearer {@code key} than {@code b}; zero only when a equals b. */
  public static int compare(Bytes key, Bytes a, Bytes b) {
    if (a.equals(b)) {
      return 0;
    }
    // The top 64 bits of the distances settle nearly every comparison without allocating.
    long ra = rank(key, a);
    long rb = rank(key, b);
    if (ra != rb) {
      return Long.compareUnsigned(ra, rb);
    }
    Bytes aCw = Ring.clockwise(key, a);
    Bytes aCcw = Ring.clockwise(a, key);
    Bytes bCw = Ring.clockwise(key, b);
    Bytes bCcw = Ring.clockwise(b, key);
    boolean aClockwise = aCw.compareTo(aCcw) <= 0;
    boolean bClockwise = bCw.compareTo(bCcw) <= 0;
    int c = (aClockwise ? aCw : aCcw).compareTo(bClockwise ? bCw : bCcw);
    if (c != 0) {
      return c;
    }
    return aClockwise ? -1 : 1; // the same distance on both sides: clockwise wins
  }

  /**
   * The top 64 bits of the distance from {@code key} to {@code id}: a smaller value (unsigned)
   * means a nearer ID; equal values say nothing.
   */
  public static long rank(Bytes key, Bytes id) {
    long cw = Ring.topOfDifference(id, key);
    long ccw = Ring.topOfDifference(key, id);
    return Long.compareUnsigned(cw, ccw) <= 0 ? cw : ccw;
  }

  /** The ID in {@code ids} nearest {@code key}, or null if there is none. */
  public static Bytes nearest(Bytes key, NavigableSet<Bytes> ids) {
    if (ids.isEmpty()) {
      return null;
    }
    Bytes up = ids.ceiling(key);
    if (up == null) {
      up = ids.first();
    }
    Bytes down = ids.floor(key);
    if (down == null) {
      down = ids.last();
    }
    return compare(key, up, down) <= 0 ? up : down;
  }
}
