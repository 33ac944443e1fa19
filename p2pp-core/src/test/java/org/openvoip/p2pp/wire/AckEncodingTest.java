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

  @Test
  void aBareAckIsRecognizedInPlaceExactlyWhenTheDecoderReadsItAsOne() throws Exception {
    RandomMessages gen = new RandomMessages(0xBA5E);
    java.util.SplittableRandom r = new java.util.SplittableRandom(3);
    int recognized = 0;
    for (int i = 0; i < 20_000; i++) {
      int idLen = gen.idLength();
      WireDecoder decoder = new WireDecoder(idLen);
      Message original = gen.message(idLen);
      byte[] ack = original.header().ack()
          ? WireEncoder.encode(original)
          : WireEncoder.encodeAck(original.header(), true, original.header().sourceId());
      // Some intact, some with one byte changed or one byte more or less.
      byte[] b = switch (r.nextInt(4)) {
        case 0 -> ack;
        case 1 -> java.util.Arrays.copyOf(ack, ack.length + (r.nextBoolean() ? 1 : -1));
        default -> {
          byte[] c = ack.clone();
          c[r.nextInt(Math.min(c.length, Header.FIXED_LENGTH + 2))] ^= (byte) (1 << r.nextInt(8));
          yield c;
        }
      };
      if (!decoder.isBareAck(b)) {
        continue;
      }
      recognized++;
      Header h = decoder.decode(b).header(); // accepted whole, by the general way too
      assertThat(h.ack()).isTrue();
      assertThat(WireDecoder.ackKind(b)).isEqualTo(h.kind());
      assertThat(WireDecoder.ackTransactionId(b)).isEqualTo(h.transactionId());
      assertThat(h.sourceId().contentEquals(b, Header.FIXED_LENGTH, idLen)).isTrue();
      assertThat(decoder.decode(b).objects()).isEmpty();
    }
    assertThat(recognized).isGreaterThan(2_000);
    // An ACK for Bootstrap has 4-byte IDs whatever the overlay's: not bare for a 20-byte decoder.
    Header boot = Header.request(Method.BOOTSTRAP, true, false, 10, 1, Bytes.of(new byte[4]));
    byte[] bootAck = WireEncoder.encodeAck(boot, true, Bytes.of(new byte[4]));
    assertThat(new WireDecoder(20).isBareAck(bootAck)).isFalse();
    assertThat(new WireDecoder(20).decode(bootAck).header().ack()).isTrue();
  }
}
