package org.openvoip.p2pp.overlay;

import org.openvoip.p2pp.wire.Bytes;

/**
 * Arithmetic on the identifier circle of 2^(8 x length) points, IDs read as unsigned big-endian
 * numbers. All IDs passed to one call have the same length.
 */
public final class Ring {
  private Ring() {}

  /**
   * Whether {@code x} lies in the half-open arc ({@code a}, {@code b}] walking clockwise
   * (upwards, wrapping at 2^m). When {@code a} equals {@code b} the arc is the whole circle.
   */
  public static boolean inOpenClosed(Bytes x, Bytes a, Bytes b) {
    int ab = a.compareTo(b);
    if (ab == 0) {
      return true;
    }
    if (ab < 0) {
      return a.compareTo(x) < 0 && x.compareTo(b) <= 0;
    }
    return a.compareTo(x) < 0 || x.compareTo(b) <= 0;
  }

  /** {@code id + 2^bit} modulo 2^m. */
  public static Bytes plusPowerOfTwo(Bytes id, int bit) {
    byte[] v = id.toByteArray();
    if (bit < 0 || bit >= v.length * 8) {
      throw new IllegalArgumentException("bit " + bit + " outside a " + v.length * 8 + "-bit ID");
    }
    int i = v.length - 1 - bit / 8;
    int carry = 1 << (bit % 8);
    for (; i >= 0 && carry != 0; i--) {
      int s = (v[i] & 0xFF) + carry;
      v[i] = (byte) s;
      carry = s >>> 8;
    }
    return Bytes.ownerOf(v);
  }

  /**
   * The top 64 bits of {@code (a - b) mod 2^m}, left-aligned when IDs are shorter than eight
   * bytes: exact, so that a smaller top (unsigned) means a smaller difference, and equal tops
   * say nothing. Allocates nothing.
   */
  public static long topOfDifference(Bytes a, Bytes b) {
    return topOfDifference(a, b.prefixLong(), b.longAt(8), b.longAt(16), b);
  }

  /**
   * As {@link #topOfDifference(Bytes, Bytes)}, given b's first three eight-byte words (a caller
   * that subtracts the same b over and over keeps them); b's bytes are read only for IDs longer
   * than 24 bytes.
   */
  public static long topOfDifference(Bytes a, long b0, long b1, long b2, Bytes b) {
    int n = a.length();
    long borrow = 0;
    if (n <= 24) {
      // The lower bytes borrow one from the top when a's are smaller than b's (zero-padded
      // words past the end compare equal).
      long am = a.longAt(8);
      if (am != b1) {
        borrow = Long.compareUnsigned(am, b1) < 0 ? 1 : 0;
      } else {
        borrow = Long.compareUnsigned(a.longAt(16), b2) < 0 ? 1 : 0;
      }
    } else {
      for (int i = 8; i < n; i++) {
        int c = (a.get(i) & 0xFF) - (b.get(i) & 0xFF);
        if (c != 0) {
          borrow = c < 0 ? 1 : 0;
          break;
        }
      }
    }
    return a.prefixLong() - b0 - borrow;
  }

  /** The clockwise distance from {@code a} to {@code b}, (b - a) mod 2^m, as an unsigned ID. */
  public static Bytes clockwise(Bytes a, Bytes b) {
    int n = a.length();
    byte[] d = new byte[n];
    int borrow = 0;
    for (int i = n - 1; i >= 0; i--) {
      int s = (b.get(i) & 0xFF) - (a.get(i) & 0xFF) - borrow;
      borrow = s < 0 ? 1 : 0;
      d[i] = (byte) s;
    }
    return Bytes.ownerOf(d);
  }

  /**
   * Compares the clockwise distances from {@code from} to {@code a} and to {@code b} without
   * computing them: IDs above {@code from} come first in ascending order, then those below it,
   * and {@code from} itself (distance 0) before all. Allocates nothing, so it can order maps.
   */
  public static int compareClockwise(Bytes from, Bytes a, Bytes b) {
    int ra = side(from, a);
    int rb = side(from, b);
    return ra != rb ? Integer.compare(ra, rb) : a.compareTo(b);
  }

  /** 0 for from itself, 1 above it, 2 below it (past the wrap). */
  private static int side(Bytes from, Bytes x) {
    int c = x.compareTo(from);
    return c == 0 ? 0 : c > 0 ? 1 : 2;
  }

  /**
   * The highest set bit of the clockwise distance from {@code from} to {@code to}, counted from
   * 0 at the least significant end; -1 when they are equal. Allocates nothing.
   */
  public static int highestBitOfDistance(Bytes from, Bytes to) {
    int n = from.length();
    int borrow = 0;
    int top = -1;
    int topByte = 0;
    for (int i = n - 1; i >= 0; i--) {
      int s = (to.get(i) & 0xFF) - (from.get(i) & 0xFF) - borrow;
      borrow = s < 0 ? 1 : 0;
      int d = s & 0xFF;
      if (d != 0) {
        top = i;
        topByte = d;
      }
    }
    return top < 0 ? -1 : (n - 1 - top) * 8 + (31 - Integer.numberOfLeadingZeros(topByte));
  }
}
