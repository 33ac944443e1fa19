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
}
