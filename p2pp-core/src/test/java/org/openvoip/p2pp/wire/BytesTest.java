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
}
