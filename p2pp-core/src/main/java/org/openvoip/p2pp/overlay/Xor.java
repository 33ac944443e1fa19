package org.openvoip.p2pp.overlay;

import java.util.NavigableSet;
import org.openvoip.p2pp.wire.Bytes;

/**
 * The XOR metric of Kademlia (Maymounkov and Mazieres, 2002) on IDs of equal length: the
 * distance between two IDs is their bitwise exclusive or, read as an unsigned number. Bits are
 * numbered from 0 at the most significant end, as prefixes are. Nothing here allocates except
 * {@link #randomWithPrefix}.
 */
public final class Xor {
  private Xor() {}

  /**
   * The number of leading bits {@code a} and {@code b} share: 0 to {@code 8 * length}, the
   * latter when they are equal.
   */
  public static int commonPrefix(Bytes a, Bytes b) {
    int n = a.length();
    for (int off = 0; off < n; off += 8) {
      long x = a.longAt(off) ^ b.longAt(off);
      if (x != 0) {
        return Math.min(8 * n, 8 * off + Long.numberOfLeadingZeros(x));
      }
    }
    return 8 * n;
  }

  /** Bit {@code bit} of {@code id}, counted from 0 at the most significant end. */
  public static boolean bit(Bytes id, int bit) {
    return (id.get(bit >>> 3) & (0x80 >>> (bit & 7))) != 0;
  }

  /**
   * Compares the distances from {@code key} to {@code a} and to {@code b}: negative if
   * {@code a} is nearer. Zero only when {@code a} and {@code b} are the same ID.
   */
  public static int compare(Bytes key, Bytes a, Bytes b) {
    int n = key.length();
    for (int off = 0; off < n; off += 8) {
      long k = key.longAt(off);
      long da = k ^ a.longAt(off);
      long db = k ^ b.longAt(off);
      if (da != db) {
        return Long.compareUnsigned(da, db);
      }
    }
    return 0;
  }

  /**
   * The top 64 bits of the distance from {@code key} to {@code id}: a smaller value (unsigned)
   * means a nearer ID; equal values say nothing.
   */
  public static long top(Bytes key, Bytes id) {
    return key.prefixLong() ^ id.prefixLong();
  }

  /**
   * A random ID that shares exactly its first {@code prefix} bits with {@code id}: bit
   * {@code prefix} flipped, the bits after it random. An ID at distance [2^(m-prefix-1),
   * 2^(m-prefix)) from {@code id}, the range of Kademlia's bucket {@code prefix}.
   */
  public static Bytes randomWithPrefix(Bytes id, int prefix,
      java.util.random.RandomGenerator random) {
    byte[] b = id.toByteArray();
    if (prefix >= 8 * b.length) {
      throw new IllegalArgumentException("prefix " + prefix + " is the whole ID");
    }
    byte[] noise = new byte[b.length];
    random.nextBytes(noise);
    int byteIndex = prefix >>> 3;
    int bitMask = 0x80 >>> (prefix & 7);
    // Keep the bits before the flipped one, flip it, randomize the rest of its byte and after.
    int keep = ~((bitMask << 1) - 1) & 0xFF;
    b[byteIndex] = (byte) ((b[byteIndex] & keep) | ((b[byteIndex] ^ bitMask) & bitMask)
        | (noise[byteIndex] & (bitMask - 1)));
    for (int i = byteIndex + 1; i < b.length; i++) {
      b[i] = noise[i];
    }
    return Bytes.ownerOf(b);
  }

  /**
   * The ID in {@code ids} nearest to {@code key} by the XOR metric, or null if there is none.
   * The IDs sharing a prefix form a contiguous run of the sorted set, so the nearest one is
   * found by descending the key's bits, keeping at each bit the half that agrees with the key
   * when it is not empty: O(m log n) rather than a scan of the set.
   */
  public static Bytes nearest(Bytes key, NavigableSet<Bytes> ids) {
    if (ids.isEmpty()) {
      return null;
    }
    int n = key.length();
    byte[] lo = new byte[n]; // the run is [lo, hi], both inclusive, sharing the first `bit` bits
    byte[] hi = new byte[n];
    java.util.Arrays.fill(hi, (byte) 0xFF);
    for (int bit = 0; bit < 8 * n; bit++) {
      Bytes first = ids.ceiling(Bytes.of(lo));
      if (first == null || first.compareTo(Bytes.of(hi)) > 0) {
        return null; // cannot happen: the run is never empty
      }
      Bytes second = ids.higher(first);
      if (second == null || second.compareTo(Bytes.of(hi)) > 0) {
        return first; // the run holds one ID
      }
      int i = bit >>> 3;
      int mask = 0x80 >>> (bit & 7);
      // The upper half of the run starts at lo with this bit set; the lower ends at hi with it
      // cleared.
      byte[] upperLo = lo.clone();
      upperLo[i] |= (byte) mask;
      byte[] lowerHi = hi.clone();
      lowerHi[i] &= (byte) ~mask;
      Bytes u = ids.ceiling(Bytes.of(upperLo));
      boolean upperEmpty = u == null || u.compareTo(Bytes.of(hi)) > 0;
      boolean lowerEmpty = first.compareTo(Bytes.of(lowerHi)) > 0;
      boolean wantUpper = (key.get(i) & mask) != 0;
      if (wantUpper ? !upperEmpty : lowerEmpty) {
        lo = upperLo;
      } else {
        hi = lowerHi;
      }
    }
    return ids.ceiling(Bytes.of(lo));
  }
}
