package org.openvoip.p2pp.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An immutable octet string: peer-IDs, resource-IDs, certificates, signatures, opaque values.
 *
 * <p>Equality, hashing and ordering are by content (unsigned lexicographic), so IDs work as map keys
 * and records holding them compare by value.
 */
public final class Bytes implements Comparable<Bytes> {
  private static final HexFormat HEX = HexFormat.of();
  public static final Bytes EMPTY = new Bytes(new byte[0]);

  private final byte[] data;
  /** Cached content hash; 0 until computed (IDs are hashed over and over as map keys). */
  private int hash;

  private Bytes(byte[] data) {
    this.data = data;
  }

  /** Copies {@code data}. */
  public static Bytes of(byte... data) {
    return data.length == 0 ? EMPTY : new Bytes(data.clone());
  }

  /** Copies {@code len} bytes of {@code data} from {@code off}. */
  public static Bytes copyOf(byte[] data, int off, int len) {
    return len == 0 ? EMPTY : new Bytes(Arrays.copyOfRange(data, off, off + len));
  }

  /**
   * Takes ownership of {@code data} without copying: for code that builds a fresh array and
   * never touches it again (ID arithmetic). Anything else should use {@link #of}.
   */
  public static Bytes ownerOf(byte[] data) {
    return wrap(data);
  }

  /** Takes ownership of {@code data}; the caller must not modify it afterwards. */
  static Bytes wrap(byte[] data) {
    return data.length == 0 ? EMPTY : new Bytes(data);
  }

  /**
   * Parses hex digits; whitespace, ':' separators and a leading "0x" are allowed.
   *
   * @throws IllegalArgumentException naming the offending character
   */
  public static Bytes fromHex(CharSequence text) {
    return wrap(parseHex(text));
  }

  /** Parses hex text as {@link #fromHex} does, into a plain array. */
  public static byte[] parseHex(CharSequence text) {
    StringBuilder digits = new StringBuilder(text.length());
    String s = text.toString().strip();
    if (s.startsWith("0x") || s.startsWith("0X")) {
      s = s.substring(2);
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.digit(c, 16) >= 0) {
        digits.append(c);
      } else if (!Character.isWhitespace(c) && c != ':') {
        throw new IllegalArgumentException("'" + c + "' is not a hex digit (position " + i + ")");
      }
    }
    if (digits.length() % 2 != 0) {
      throw new IllegalArgumentException("odd number of hex digits (" + digits.length() + ")");
    }
    return HEX.parseHex(digits);
  }

  public int length() {
    return data.length;
  }

  public byte get(int index) {
    return data[index];
  }

  /** The first four bytes as a big-endian int (zero-padded when shorter). */
  public int prefixInt() {
    int v = 0;
    int n = Math.min(4, data.length);
    for (int i = 0; i < n; i++) {
      v = (v << 8) | (data[i] & 0xFF);
    }
    return v << (8 * (4 - n));
  }

  /** A copy of the content. */
  public byte[] toByteArray() {
    return data.clone();
  }

  /** Writes the content into {@code dst} at {@code off}. */
  public void copyTo(byte[] dst, int off) {
    System.arraycopy(data, 0, dst, off, data.length);
  }

  public String hex() {
    return HEX.formatHex(data);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Bytes b && Arrays.equals(data, b.data);
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = (int) contentHash(data);
      hash = h == 0 ? 1 : h;
    }
    return h;
  }

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /**
   * A 64-bit hash of {@code data}: IDs are hashed as map keys on every message, and the
   * simulator hashes every packet into its trace fingerprint. Eight bytes per step, and in four
   * independent lanes over 32-byte blocks, so that long packets do not wait on one chain of
   * multiplications. Depends only on the content, so runs stay reproducible.
   */
  public static long contentHash(byte[] data) {
    int n = data.length;
    long h = 0x9E3779B97F4A7C15L ^ n;
    int i = 0;
    if (n >= 32) {
      long h1 = h;
      long h2 = h ^ 0x243F6A8885A308D3L;
      long h3 = h ^ 0x13198A2E03707344L;
      long h4 = h ^ 0xA4093822299F31D0L;
      for (; i + 32 <= n; i += 32) {
        h1 = (h1 ^ (long) LONGS.get(data, i)) * 0xBF58476D1CE4E5B9L;
        h2 = (h2 ^ (long) LONGS.get(data, i + 8)) * 0xBF58476D1CE4E5B9L;
        h3 = (h3 ^ (long) LONGS.get(data, i + 16)) * 0xBF58476D1CE4E5B9L;
        h4 = (h4 ^ (long) LONGS.get(data, i + 24)) * 0xBF58476D1CE4E5B9L;
        h1 ^= h1 >>> 31;
        h2 ^= h2 >>> 31;
        h3 ^= h3 >>> 31;
        h4 ^= h4 >>> 31;
      }
      h = h1 ^ Long.rotateLeft(h2, 16) ^ Long.rotateLeft(h3, 32) ^ Long.rotateLeft(h4, 48);
    }
    for (; i + 8 <= n; i += 8) {
      h = (h ^ (long) LONGS.get(data, i)) * 0xBF58476D1CE4E5B9L;
      h ^= h >>> 31;
    }
    for (; i < n; i++) {
      h = (h ^ (data[i] & 0xFF)) * 0x94D049BB133111EBL;
    }
    h ^= h >>> 29;
    h *= 0xBF58476D1CE4E5B9L;
    return h ^ (h >>> 32);
  }

  @Override
  public int compareTo(Bytes o) {
    return Arrays.compareUnsigned(data, o.data);
  }

  @Override
  public String toString() {
    return hex();
  }
}
