package org.openvoip.p2pp.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BytesTest {
  @Test
  void everyByteOfEveryLengthReachesTheContentHash() {
    SplittableRandom r = new SplittableRandom(11);
    for (int n = 0; n <= 130; n++) {
      byte[] data = new byte[n];
      r.nextBytes(data);
      Set<Long> seen = new HashSet<>();
      seen.add(Bytes.contentHash(data));
      for (int i = 0; i < n; i++) {
        for (int bit = 0; bit < 8; bit++) {
          data[i] ^= (byte) (1 << bit);
          assertThat(seen.add(Bytes.contentHash(data)))
              .as("length %d, byte %d, bit %d changes the hash", n, i, bit).isTrue();
          data[i] ^= (byte) (1 << bit);
        }
      }
    }
  }

  @Test
  void theHashDependsOnLengthAndIsStable() {
    assertThat(Bytes.contentHash(new byte[32])).isNotEqualTo(Bytes.contentHash(new byte[33]));
    byte[] a = new byte[64];
    for (int i = 0; i < a.length; i++) {
      a[i] = (byte) i;
    }
    assertThat(Bytes.contentHash(a)).isEqualTo(Bytes.contentHash(a.clone()));
    assertThat(Bytes.of(a).hashCode()).isEqualTo(Bytes.of(a.clone()).hashCode());
  }

  @Test
  void shortAndLongContentsBehaveAlike() {
    SplittableRandom r = new SplittableRandom(5);
    for (int round = 0; round < 3_000; round++) {
      int n = r.nextInt(40);
      byte[] a = new byte[n];
      r.nextBytes(a);
      Bytes x = Bytes.of(a);
      assertThat(x.length()).isEqualTo(n);
      assertThat(x.toByteArray()).isEqualTo(a);
      for (int i = 0; i < n; i++) {
        assertThat(x.get(i)).isEqualTo(a[i]);
      }
      byte[] framed = new byte[n + 7];
      r.nextBytes(framed); // bytes around the content must not leak into it
      x.copyTo(framed, 3);
      assertThat(Bytes.copyOf(framed, 3, n)).isEqualTo(x);
      for (int at = 0; at + n <= framed.length; at++) { // every alignment and room to read on
        System.arraycopy(a, 0, framed, at, n);
        Bytes moved = Bytes.copyOf(framed, at, n);
        assertThat(moved).isEqualTo(x).hasSameHashCodeAs(x);
        assertThat(moved.toByteArray()).isEqualTo(a);
        r.nextBytes(framed);
      }
      long prefix = 0;
      for (int i = 0; i < 8; i++) {
        prefix = (prefix << 8) | (i < n ? a[i] & 0xFF : 0);
      }
      assertThat(x.prefixLong()).isEqualTo(prefix);
      assertThat(x.prefixInt()).isEqualTo((int) (prefix >>> 32));
      assertThat(x.hex()).isEqualTo(java.util.HexFormat.of().formatHex(a));
      // Order and equality agree with the arrays', across the inline and array forms.
      int m = r.nextInt(40);
      byte[] b = new byte[m];
      r.nextBytes(b);
      if (r.nextBoolean() && m > 0 && n > 0) {
        System.arraycopy(a, 0, b, 0, Math.min(n, m)); // share a prefix, often all of one
      }
      Bytes y = Bytes.of(b);
      assertThat(Integer.signum(x.compareTo(y)))
          .as("%s vs %s", x, y).isEqualTo(Integer.signum(java.util.Arrays.compareUnsigned(a, b)));
      assertThat(x.equals(y)).isEqualTo(java.util.Arrays.equals(a, b));
      if (x.equals(y)) {
        assertThat(x.hashCode()).isEqualTo(y.hashCode());
      }
    }
    assertThat(Bytes.of(new byte[] {1})).isLessThan(Bytes.of(new byte[] {1, 0}));
    assertThat(Bytes.of(new byte[] {1, 0})).isNotEqualTo(Bytes.of(new byte[] {1}));
  }

  @Test
  void aRangeOutsideTheArrayIsRefused() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Bytes.copyOf(new byte[4], 2, 3))
        .isInstanceOf(IndexOutOfBoundsException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Bytes.of(new byte[3]).get(3))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void longAtReadsEightBigEndianBytesZeroPaddedInBothForms() {
    java.util.SplittableRandom r = new java.util.SplittableRandom(11);
    for (int len = 0; len <= 40; len++) { // up to 24 inline, longer in an array
      byte[] b = new byte[len];
      r.nextBytes(b);
      Bytes x = Bytes.of(b);
      for (int off = 0; off <= len + 9; off++) {
        long expected = 0;
        for (int k = 0; k < 8; k++) {
          expected = (expected << 8) | (off + k < len ? b[off + k] & 0xFF : 0);
        }
        org.assertj.core.api.Assertions.assertThat(x.longAt(off))
            .as("length %d offset %d", len, off).isEqualTo(expected);
      }
    }
  }
}
