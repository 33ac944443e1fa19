package org.openvoip.p2pp.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * An immutable octet string: peer-IDs, resource-IDs, certificates, signatures, opaque values.
 *
 * <p>Equality, hashing and ordering are by content (unsigned lexicographic), so IDs work as map keys
 * and records holding them compare by value.
 */
public final class Bytes implements Comparable<Bytes> {
  private static final HexFormat HEX = HexFormat.of();
  /** Contents up to this long live in three words of the object itself, not in an array. */
  static final int INLINE = 24;
  public static final Bytes EMPTY = new Bytes(new byte[0], 0, 0);

  private static final VarHandle BIG_LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  /**
   * The content when longer than {@value #INLINE} bytes; null otherwise. Short contents (IDs,
   * addresses) sit in w0..w2 instead, big-endian and zero-padded, so that comparing, hashing
   * or reading an ID touches one object, not an object and its array.
   */
  private final byte[] data;
  private final long w0;
  private final long w1;
  private final long w2;
  private final int length;
  /** Cached content hash; 0 until computed (IDs are hashed over and over as map keys). */
  private int hash;

  /** From {@code len} bytes of {@code src} at {@code off}; keeps {@code src} itself if owned. */
  private Bytes(byte[] src, int off, int len, boolean owned) {
    Objects.checkFromIndexSize(off, len, src.length);
    length = len;
    if (len <= INLINE) {
      data = null;
      w0 = word(src, off, len);
      w1 = word(src, off + 8, len - 8);
      w2 = word(src, off + 16, len - 16);
    } else {
      data = owned && off == 0 && len == src.length ? src : Arrays.copyOfRange(src, off, off + len);
      w0 = w1 = w2 = 0;
    }
  }

  private Bytes(byte[] src, int off, int len) {
    this(src, off, len, false);
  }

  /** Up to eight bytes of src from off as a big-endian word, zero-padded; 0 if none. */
  private static long word(byte[] src, int off, int avail) {
    if (avail >= 8) {
      return (long) BIG_LONGS.get(src, off);
    }
    if (avail <= 0) {
      return 0;
    }
    // A partial word: one 8-byte read that the array allows, then the bytes beyond cut away.
    if (off + 8 <= src.length) {
      return ((long) BIG_LONGS.get(src, off)) & (-1L << (8 * (8 - avail)));
    }
    if (off + avail >= 8) {
      return ((long) BIG_LONGS.get(src, off + avail - 8)) << (8 * (8 - avail));
    }
    long v = 0;
    for (int i = 0; i < avail; i++) {
      v |= (src[off + i] & 0xFFL) << (56 - 8 * i);
    }
    return v;
  }

  /** Copies {@code data}. */
  public static Bytes of(byte... data) {
    return data.length == 0 ? EMPTY : new Bytes(data, 0, data.length);
  }

  /** Copies {@code len} bytes of {@code data} from {@code off}. */
  public static Bytes copyOf(byte[] data, int off, int len) {
    return len == 0 ? EMPTY : new Bytes(data, off, len);
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
    return data.length == 0 ? EMPTY : new Bytes(data, 0, data.length, true);
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
    return length;
  }

  public byte get(int index) {
    if (data != null) {
      return data[index];
    }
    if (index < 0 || index >= length) {
      throw new IndexOutOfBoundsException("index " + index + " of " + length + " bytes");
    }
    long w = index < 8 ? w0 : index < 16 ? w1 : w2;
    return (byte) (w >>> (56 - 8 * (index & 7)));
  }

  /** The first four bytes as a big-endian int (zero-padded when shorter). */
  public int prefixInt() {
    return (int) (prefixLong() >>> 32);
  }

  /** The first eight bytes as a big-endian long (zero-padded when shorter). */
  public long prefixLong() {
    return data == null ? w0 : (long) BIG_LONGS.get(data, 0);
  }

  /**
   * The eight bytes from {@code offset} as a big-endian long, zero-padded past the end (and
   * zero when {@code offset} is at or past it): IDs compared eight bytes at a time.
   */
  public long longAt(int offset) {
    if (offset < 0) {
      throw new IndexOutOfBoundsException("offset " + offset);
    }
    if (data == null) {
      switch (offset) {
        case 0:
          return w0;
        case 8:
          return w1;
        case 16:
          return w2;
        default:
          break;
      }
    }
    if (offset >= length) {
      return 0;
    }
    if (data != null && offset + 8 <= length) {
      return (long) BIG_LONGS.get(data, offset);
    }
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (offset + i < length ? get(offset + i) & 0xFF : 0);
    }
    return v;
  }

  /** A copy of the content. */
  public byte[] toByteArray() {
    if (data != null) {
      return data.clone();
    }
    byte[] out = new byte[length];
    copyTo(out, 0);
    return out;
  }

  /** Writes the content into {@code dst} at {@code off}. */
  public void copyTo(byte[] dst, int off) {
    if (data != null) {
      System.arraycopy(data, 0, dst, off, data.length);
      return;
    }
    if (off < 0 || off + length > dst.length) {
      throw new IndexOutOfBoundsException(length + " bytes at " + off + " of " + dst.length);
    }
    putWord(dst, off, w0, length);
    putWord(dst, off + 8, w1, length - 8);
    putWord(dst, off + 16, w2, length - 16);
  }

  /** Writes up to eight bytes of a big-endian word: n of them, or all eight if n >= 8. */
  private static void putWord(byte[] dst, int off, long w, int n) {
    if (n >= 8) {
      BIG_LONGS.set(dst, off, w);
      return;
    }
    for (int i = 0; i < n; i++) {
      dst[off + i] = (byte) (w >>> (56 - 8 * i));
    }
  }

  public String hex() {
    return HEX.formatHex(toByteArray());
  }

  /** Whether the content equals {@code len} bytes of {@code b} from {@code off}. */
  public boolean contentEquals(byte[] b, int off, int len) {
    Objects.checkFromIndexSize(off, len, b.length);
    if (len != length) {
      return false;
    }
    return data == null
        ? w0 == word(b, off, len) && w1 == word(b, off + 8, len - 8)
            && w2 == word(b, off + 16, len - 16)
        : Arrays.equals(data, 0, len, b, off, off + len);
  }

  /**
   * What {@link #prefixInt()} gives for the content {@code len} bytes of {@code b} from
   * {@code off}, without building it.
   */
  public static int prefixInt(byte[] b, int off, int len) {
    return (int) (prefixLong(b, off, len) >>> 32);
  }

  /**
   * What {@link #prefixLong()} gives for the content {@code len} bytes of {@code b} from
   * {@code off}, without building it.
   */
  public static long prefixLong(byte[] b, int off, int len) {
    Objects.checkFromIndexSize(off, len, b.length);
    return word(b, off, len);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Bytes b) || b.length != length) {
      return false;
    }
    // Same length, same form: both inline or both arrays.
    return data == null
        ? w0 == b.w0 && w1 == b.w1 && w2 == b.w2
        : Arrays.equals(data, b.data);
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      long x = data != null ? contentHash(data)
          : mix64(mix64(mix64(w0 ^ 0x9E3779B97F4A7C15L ^ length) ^ w1) ^ w2);
      h = (int) (x ^ (x >>> 32));
      hash = h == 0 ? 1 : h;
    }
    return h;
  }

  private static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /**
   * A 64-bit hash of {@code data}: long IDs and values are hashed as map keys, and IPv6
   * endpoints by their bytes. Eight bytes per step, and in four independent lanes over 32-byte
   * blocks, so that long contents do not wait on one chain of multiplications. Depends only on
   * the content, so runs stay reproducible.
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
    if (data == null && o.data == null) {
      // Zero-padded words: compare them, then the shorter of two equal prefixes comes first.
      int c = Long.compareUnsigned(w0, o.w0);
      if (c == 0) {
        c = Long.compareUnsigned(w1, o.w1);
      }
      if (c == 0) {
        c = Long.compareUnsigned(w2, o.w2);
      }
      return c != 0 ? c : Integer.compare(length, o.length);
    }
    byte[] a = data != null ? data : toByteArray();
    byte[] b = o.data != null ? o.data : o.toByteArray();
    return Arrays.compareUnsigned(a, b);
  }

  @Override
  public String toString() {
    return hex();
  }
}
