package org.openvoip.p2pp.wire;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** ACKs are written straight into bytes; they must be exactly what the general encoder writes. */
class AckEncodingTest {
  @Test
  void anAckWrittenDirectlyEqualsTheEncodedAckHeader() {
    RandomMessages gen = new RandomMessages(0xACC);
    int checked = 0;
    for (int i = 0; i < 20_000; i++) {
      int idLen = gen.idLength();
      Header h = gen.message(idLen).header();
      if (h.ack()) {
        continue;
      }
      byte[] own = new byte[h.sourceId().length()];
      own[own.length - 1] = (byte) i;
      Bytes ownId = Bytes.of(own);
      boolean peer = (i & 1) == 0;
      assertThat(WireEncoder.encodeAck(h, peer, ownId))
          .as("message %d: %s", i, h)
          .isEqualTo(WireEncoder.encode(Message.of(Header.ackFor(h, peer, ownId))));
      checked++;
    }
    assertThat(checked).isGreaterThan(10_000);
  }
}
