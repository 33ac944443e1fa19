package org.openvoip.p2pp.wire;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.openvoip.p2pp.wire.WireObject.AddressInfo;
import org.openvoip.p2pp.wire.WireObject.Candidate;
import org.openvoip.p2pp.wire.WireObject.Expires;
import org.openvoip.p2pp.wire.WireObject.PeerInfo;

/** Bytes written by hand from the draft and P2PP-NOTES, decoded and re-encoded. */
class HandWrittenVectorsTest {
  private final WireDecoder decoder = new WireDecoder(20);

  @Test
  void joinRequestFromAPeer() throws Exception {
    byte[] wire = TestVectors.load("join-request");
    assertThat(wire).hasSize(83);
    assertThat(wire[0]).isEqualTo((byte) 0x44);

    Message m = decoder.decode(wire);
    Header h = m.header();
    assertThat(h.version()).isEqualTo(1);
    assertThat(h.kind()).isEqualTo(MessageKind.REQUEST);
    assertThat(h.ack()).isFalse();
    assertThat(h.peer()).isTrue();
    assertThat(h.recursive()).isFalse();
    assertThat(h.method()).isEqualTo(Method.JOIN);
    assertThat(h.ttl()).isEqualTo(10);
    assertThat(h.transactionId()).isEqualTo(12345);
    assertThat(h.sourceId().hex()).isEqualTo("0102030405060708090a0b0c0d0e0f1011121314");
    assertThat(h.responseId()).isNull();

    assertThat(m.objects()).hasSize(1);
    PeerInfo pi = m.first(PeerInfo.class);
    assertThat(pi.id()).isEqualTo(h.sourceId());
    AddressInfo ai = pi.addressInfo();
    assertThat(ai.candidates()).hasSize(1);
    Candidate c = ai.candidates().get(0);
    assertThat(c.address().toString()).isEqualTo("192.0.2.10");
    assertThat(c.port()).isEqualTo(7080);
    assertThat(c.transport()).isEqualTo(Candidate.UDP);
    assertThat(c.hostType()).isEqualTo(Candidate.HOST);
    assertThat(c.priority()).isEqualTo(2130706430L);
    assertThat(c.relatedAddress()).isNull();

    assertThat(m).isEqualTo(Examples.joinRequest());
    assertThat(WireEncoder.encode(m)).isEqualTo(wire);
  }

  @Test
  void responseAckOk() throws Exception {
    byte[] wire = TestVectors.load("join-response-ack");
    assertThat(wire).hasSize(111);
    assertThat(wire[0]).isEqualTo((byte) 0x74);
    assertThat(wire[1]).isEqualTo((byte) 0xC8);

    Message m = decoder.decode(wire);
    Header h = m.header();
    assertThat(h.kind()).isEqualTo(MessageKind.RESPONSE_ACK);
    assertThat(h.responseCode()).isEqualTo(ResponseCode.OK);
    assertThat(h.method()).isEqualTo(Method.JOIN);
    assertThat(h.transactionId()).isEqualTo(12345);
    assertThat(h.sourceId().hex()).isEqualTo("0102030405060708090a0b0c0d0e0f1011121314");
    assertThat(h.responseId().hex()).isEqualTo("a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4");
    assertThat(m.first(PeerInfo.class).addressInfo().candidates().get(0).address())
        .hasToString("192.0.2.20");
    assertThat(m.first(Expires.class).seconds()).isEqualTo(3600);

    assertThat(m).isEqualTo(Examples.joinResponseAck());
    assertThat(WireEncoder.encode(m)).isEqualTo(wire);
  }

  @Test
  void theVectorsAreWholeDatagramsWhoseIdLengthCanBeInferred() {
    assertThat(WireDecoder.inferIdLength(TestVectors.load("join-request"))).isEqualTo(20);
    assertThat(WireDecoder.inferIdLength(TestVectors.load("join-response-ack"))).isEqualTo(20);
  }
}
