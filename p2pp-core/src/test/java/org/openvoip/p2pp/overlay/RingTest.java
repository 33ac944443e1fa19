package org.openvoip.p2pp.overlay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.openvoip.p2pp.wire.Bytes;

/** Identifier-circle arithmetic on 4-byte IDs, where the wrap-around is easy to see. */
class RingTest {
  private static Bytes id(String hex) {
    return Bytes.fromHex(hex);
  }

  @Test
  void arcsIncludeTheirEndButNotTheirStartAndWrapAround() {
    assertThat(Ring.inOpenClosed(id("00000010"), id("00000000"), id("00000010"))).isTrue();
    assertThat(Ring.inOpenClosed(id("00000000"), id("00000000"), id("00000010"))).isFalse();
    assertThat(Ring.inOpenClosed(id("00000011"), id("00000000"), id("00000010"))).isFalse();
    // (f0000000, 00000010] wraps past zero.
    assertThat(Ring.inOpenClosed(id("ffffffff"), id("f0000000"), id("00000010"))).isTrue();
    assertThat(Ring.inOpenClosed(id("00000005"), id("f0000000"), id("00000010"))).isTrue();
    assertThat(Ring.inOpenClosed(id("80000000"), id("f0000000"), id("00000010"))).isFalse();
    // A node alone: the arc from itself to itself is the whole circle.
    assertThat(Ring.inOpenClosed(id("12345678"), id("abcdef01"), id("abcdef01"))).isTrue();
  }

  @Test
  void clockwiseDistanceIsModuloTheCircle() {
    assertThat(Ring.clockwise(id("00000010"), id("00000018"))).isEqualTo(id("00000008"));
    assertThat(Ring.clockwise(id("00000018"), id("00000010"))).isEqualTo(id("fffffff8"));
    assertThat(Ring.clockwise(id("fffffff0"), id("00000010"))).isEqualTo(id("00000020"));
    assertThat(Ring.clockwise(id("abcdef01"), id("abcdef01"))).isEqualTo(id("00000000"));
  }

  @Test
  void addingAPowerOfTwoCarriesAcrossBytesAndWraps() {
    assertThat(Ring.plusPowerOfTwo(id("000000ff"), 0)).isEqualTo(id("00000100"));
    assertThat(Ring.plusPowerOfTwo(id("00ffffff"), 0)).isEqualTo(id("01000000"));
    assertThat(Ring.plusPowerOfTwo(id("00000000"), 31)).isEqualTo(id("80000000"));
    assertThat(Ring.plusPowerOfTwo(id("80000001"), 31)).isEqualTo(id("00000001"));
    assertThat(Ring.plusPowerOfTwo(id("00000000"), 12)).isEqualTo(id("00001000"));
    assertThatThrownBy(() -> Ring.plusPowerOfTwo(id("00000000"), 32))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32-bit");
  }

  @Test
  void allocationFreeComparisonsAgreeWithTheComputedDistances() {
    java.util.SplittableRandom r = new java.util.SplittableRandom(11);
    for (int n = 0; n < 20_000; n++) {
      // Few distinct byte values, so equal IDs and shared prefixes come up often.
      Bytes from = randomId(r);
      Bytes a = randomId(r);
      Bytes b = randomId(r);
      int expected = Integer.signum(Ring.clockwise(from, a).compareTo(Ring.clockwise(from, b)));
      assertThat(Integer.signum(Ring.compareClockwise(from, a, b)))
          .as("%s %s %s", from, a, b).isEqualTo(expected);
      Bytes d = Ring.clockwise(from, a);
      int bit = -1;
      for (int i = 0; i < d.length() && bit < 0; i++) {
        if (d.get(i) != 0) {
          bit = (d.length() - 1 - i) * 8 + 31 - Integer.numberOfLeadingZeros(d.get(i) & 0xFF);
        }
      }
      assertThat(Ring.highestBitOfDistance(from, a)).as("%s %s", from, a).isEqualTo(bit);
    }
  }

  /**
   * The top 64 bits of a difference against the difference computed byte by byte, for IDs
   * shorter and longer than a word, with few distinct byte values so that the lower bytes often
   * decide the borrow; and the order they give a lookup's candidates (Chord's rank, (key - id)
   * mod 2^m) against the clockwise comparison that Chord's compareForKey uses.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(ints = {4, 8, 9, 16, 20, 24, 32})
  void topsOfDifferencesAreExactAndOrderAsTheDistances(int length) {
    java.util.SplittableRandom r = new java.util.SplittableRandom(length);
    for (int n = 0; n < 20_000; n++) {
      Bytes key = randomId(r, length);
      Bytes a = r.nextInt(10) == 0 ? key : randomId(r, length);
      Bytes b = r.nextInt(10) == 0 ? a : randomId(r, length);
      Bytes d = Ring.clockwise(a, key); // (key - a) mod 2^m
      long expected = 0;
      for (int i = 0; i < 8; i++) {
        expected = (expected << 8) | (i < length ? d.get(i) & 0xFF : 0);
      }
      long ta = Ring.topOfDifference(key, a);
      assertThat(ta).as("%s - %s", key, a).isEqualTo(expected);
      long tb = Ring.topOfDifference(key, b);
      int byTop = Long.compareUnsigned(ta, tb);
      if (byTop != 0) {
        // Nearer counter-clockwise first: the key itself, then the larger clockwise distance.
        int order = a.equals(key) ? -1 : b.equals(key) ? 1 : Ring.compareClockwise(key, b, a);
        assertThat(Integer.signum(order)).as("%s %s %s", key, a, b).isEqualTo(byTop);
      }
    }
  }

  private static Bytes randomId(java.util.SplittableRandom r, int length) {
    byte[] v = new byte[length];
    int[] pool = {0x00, 0x01, 0x7f, 0x80, 0xff};
    for (int i = 0; i < v.length; i++) {
      v[i] = (byte) pool[r.nextInt(pool.length)];
    }
    return Bytes.of(v);
  }

  private static Bytes randomId(java.util.SplittableRandom r) {
    byte[] v = new byte[4];
    int[] pool = {0x00, 0x01, 0x7f, 0x80, 0xff};
    for (int i = 0; i < v.length; i++) {
      v[i] = (byte) pool[r.nextInt(pool.length)];
    }
    return Bytes.of(v);
  }
}
