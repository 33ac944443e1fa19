package org.openvoip.p2pp.overlay;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.openvoip.p2pp.wire.Bytes;

/** The XOR metric, checked against BigInteger arithmetic on random IDs of several lengths. */
class XorTest {
  private static Bytes random(SplittableRandom r, int length) {
    byte[] b = new byte[length];
    r.nextBytes(b);
    return Bytes.of(b);
  }

  private static BigInteger distance(Bytes a, Bytes b) {
    return new BigInteger(1, a.toByteArray()).xor(new BigInteger(1, b.toByteArray()));
  }

  @Test
  void commonPrefixCountsSharedLeadingBits() {
    assertThat(Xor.commonPrefix(Bytes.fromHex("00000000"), Bytes.fromHex("80000000"))).isZero();
    assertThat(Xor.commonPrefix(Bytes.fromHex("00000000"), Bytes.fromHex("00000001")))
        .isEqualTo(31);
    assertThat(Xor.commonPrefix(Bytes.fromHex("abcdef01"), Bytes.fromHex("abcdef01")))
        .isEqualTo(32);
    SplittableRandom r = new SplittableRandom(1);
    for (int length : new int[] {4, 20, 32, 64}) {
      for (int i = 0; i < 500; i++) {
        Bytes a = random(r, length);
        Bytes b = random(r, length);
        BigInteger d = distance(a, b);
        int expected = d.signum() == 0 ? 8 * length : 8 * length - d.bitLength();
        assertThat(Xor.commonPrefix(a, b)).isEqualTo(expected);
      }
    }
  }

  @Test
  void compareAndTopOrderByDistance() {
    SplittableRandom r = new SplittableRandom(2);
    for (int length : new int[] {4, 20, 32}) {
      for (int i = 0; i < 2000; i++) {
        Bytes key = random(r, length);
        Bytes a = random(r, length);
        // Near IDs too, so that the first words tie and later words decide.
        Bytes b = i % 2 == 0 ? random(r, length) : Xor.randomWithPrefix(a, 8 * length - 3, r);
        int expected = Integer.signum(distance(key, a).compareTo(distance(key, b)));
        assertThat(Integer.signum(Xor.compare(key, a, b))).isEqualTo(expected);
        int byTop = Long.compareUnsigned(Xor.top(key, a), Xor.top(key, b));
        if (byTop != 0) {
          assertThat(Integer.signum(byTop)).isEqualTo(expected);
        }
      }
    }
  }

  @Test
  void aRandomIdWithPrefixFallsInThatBucket() {
    SplittableRandom r = new SplittableRandom(3);
    Bytes self = random(r, 20);
    for (int prefix = 0; prefix < 160; prefix++) {
      for (int i = 0; i < 5; i++) {
        assertThat(Xor.commonPrefix(self, Xor.randomWithPrefix(self, prefix, r)))
            .isEqualTo(prefix);
      }
    }
  }

  @Test
  void nearestAgreesWithAScan() {
    SplittableRandom r = new SplittableRandom(4);
    for (int round = 0; round < 50; round++) {
      TreeSet<Bytes> ids = new TreeSet<>();
      int n = 1 + r.nextInt(300);
      List<Bytes> list = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Bytes id = random(r, round % 2 == 0 ? 4 : 20);
        ids.add(id);
        list.add(id);
      }
      for (int q = 0; q < 50; q++) {
        Bytes key = q % 3 == 0 ? list.get(r.nextInt(n)) : random(r, list.get(0).length());
        Bytes best = list.get(0);
        for (Bytes id : list) {
          if (distance(key, id).compareTo(distance(key, best)) < 0) {
            best = id;
          }
        }
        assertThat(Xor.nearest(key, ids)).isEqualTo(best);
      }
    }
    assertThat(Xor.nearest(Bytes.fromHex("00000000"), new TreeSet<>())).isNull();
  }
}
