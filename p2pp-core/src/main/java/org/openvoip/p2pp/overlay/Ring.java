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
}
