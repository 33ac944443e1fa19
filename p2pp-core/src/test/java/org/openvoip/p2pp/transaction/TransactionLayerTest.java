package org.openvoip.p2pp.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.openvoip.p2pp.env.Counters;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.env.Transport;
import org.openvoip.p2pp.transaction.TransactionLayer.Incoming;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.Examples;
import org.openvoip.p2pp.wire.Header;
import org.openvoip.p2pp.wire.IpAddress;
import org.openvoip.p2pp.wire.Message;
import org.openvoip.p2pp.wire.MessageKind;
import org.openvoip.p2pp.wire.Method;
import org.openvoip.p2pp.wire.ResponseCode;
import org.openvoip.p2pp.wire.WireDecoder;
import org.openvoip.p2pp.wire.WireEncoder;
import org.openvoip.p2pp.wire.WireObject.AddressInfo;
import org.openvoip.p2pp.wire.WireObject.Candidate;
import org.openvoip.p2pp.wire.WireObject.ErrorInfo;
import org.openvoip.p2pp.wire.WireObject.PeerInfo;

/** The transaction state machines of draft section 6, packet by packet, on virtual time. */
class TransactionLayerTest {
  private final TestNetwork net = new TestNetwork();

  /** One node: its transaction layer, what it received, what its requests got back. */
  final class Node {
    final Endpoint at;
    final Bytes id;
    final PeerInfo self;
    final Counters counters = new Counters();
    final TransactionLayer layer;
    final List<Incoming> received = new ArrayList<>();
    final List<Message> responses = new ArrayList<>();
    final List<String> failures = new ArrayList<>();
    Consumer<Incoming> onRequest = in -> {};

    Node(String address, Bytes id, TransactionConfig config) {
      this.at = Endpoint.of(address, 7080);
      this.id = id;
      this.self = PeerInfo.of(id, AddressInfo.of(Candidate.host(at.address(), at.port())));
      this.layer = new TransactionLayer(net.env(at, id.hashCode()), config, new WireDecoder(20), id,
          true, () -> self, in -> {
            received.add(in);
            onRequest.accept(in);
          }, counters);
      net.attach(at, layer::onBytes);
    }

    TransactionLayer.ResponseListener listener() {
      return new TransactionLayer.ResponseListener() {
        @Override
        public void onResponse(Message response, Endpoint from) {
          responses.add(response);
        }

        @Override
        public void onFailure(int code, String reason) {
          failures.add(code + " " + reason);
        }
      };
    }

    Message join(int txId) {
      return Message.of(Header.request(Method.JOIN, true, false, 10, txId, id), self);
    }

    /** Answers every request at once with 200 and this node's Peer-Info. */
    Node answering() {
      onRequest = in -> layer.respond(in, ResponseCode.OK, List.of(self));
      return this;
    }
  }

  private final Node a = new Node("192.0.2.1", Examples.JOINING_PEER, TransactionConfig.DEFAULTS);
  private final Node b = new Node("192.0.2.2", Examples.ADMITTING_PEER, TransactionConfig.DEFAULTS);

  private List<String> wire() {
    List<String> out = new ArrayList<>();
    for (TestNetwork.Packet p : net.log) {
      out.add(p.toString());
    }
    return out;
  }

  @Test
  void aRequestAnsweredAtOnceCostsThreeDatagrams() {
    b.answering();
    a.layer.sendRequest(a.join(1), Transport.UDP, b.at, a.listener());
    net.runUntil(60_000);
    assertThat(wire()).containsExactly(
        "0ms 192.0.2.1:7080->192.0.2.2:7080 UDP Join request",
        "10ms 192.0.2.2:7080->192.0.2.1:7080 UDP Join responseACK 200",
        "20ms 192.0.2.1:7080->192.0.2.2:7080 UDP ACK of Join responseACK 200");
    assertThat(a.responses).hasSize(1);
    assertThat(a.responses.get(0).header().responseId()).isEqualTo(b.id);
    assertThat(a.failures).isEmpty();
    assertThat(a.layer.pendingRequests()).isZero();
    assertThat(b.counters.get("transaction.retransmissions")).isZero();
  }

  @Test
  void aLostRequestIsSentAgainAfterT0() {
    b.answering();
    net.drop(p -> p.time() == 0);
    a.layer.sendRequest(a.join(2), Transport.UDP, b.at, a.listener());
    net.runUntil(60_000);
    assertThat(wire()).containsExactly(
        "0ms 192.0.2.1:7080->192.0.2.2:7080 UDP Join request (dropped)",
        "500ms 192.0.2.1:7080->192.0.2.2:7080 UDP Join request",
        "510ms 192.0.2.2:7080->192.0.2.1:7080 UDP Join responseACK 200",
        "520ms 192.0.2.1:7080->192.0.2.2:7080 UDP ACK of Join responseACK 200");
    assertThat(a.responses).hasSize(1);
  }

  @Test
  void aLostAnswerIsResentFromTheCacheAndTheRequestIsDeliveredOnce() {
    b.answering();
    net.drop(p -> p.time() == 10); // the first responseACK
    a.layer.sendRequest(a.join(3), Transport.UDP, b.at, a.listener());
    net.runUntil(60_000);
    assertThat(b.received).hasSize(1);
    assertThat(b.counters.get("transaction.duplicates")).isEqualTo(1);
    assertThat(a.responses).hasSize(1);
    assertThat(a.failures).isEmpty();
    // At 510 ms B's own retransmission and its answer to the duplicate cross; A acknowledges
    // both, and B counts the second ACK as unmatched.
    assertThat(wire()).containsExactly(
        "0ms 192.0.2.1:7080->192.0.2.2:7080 UDP Join request",
        "10ms 192.0.2.2:7080->192.0.2.1:7080 UDP Join responseACK 200 (dropped)",
        "500ms 192.0.2.1:7080->192.0.2.2:7080 UDP Join request",
        "510ms 192.0.2.2:7080->192.0.2.1:7080 UDP Join responseACK 200",
        "510ms 192.0.2.2:7080->192.0.2.1:7080 UDP Join responseACK 200",
        "520ms 192.0.2.1:7080->192.0.2.2:7080 UDP ACK of Join responseACK 200",
        "520ms 192.0.2.1:7080->192.0.2.2:7080 UDP ACK of Join responseACK 200");
    assertThat(b.counters.get("transaction.unacknowledged")).isZero();
    assertThat(b.counters.get("drop.ack-unmatched")).isEqualTo(1);
  }

  @Test
  void aLostAckIsHealedByTheRespondersRetransmission() {
    b.answering();
    net.drop(p -> p.time() == 20); // A's ACK
    a.layer.sendRequest(a.join(4), Transport.UDP, b.at, a.listener());
    net.runUntil(60_000);
    assertThat(wire()).containsExactly(
        "0ms 192.0.2.1:7080->192.0.2.2:7080 UDP Join request",
        "10ms 192.0.2.2:7080->192.0.2.1:7080 UDP Join responseACK 200",
        "20ms 192.0.2.1:7080->192.0.2.2:7080 UDP ACK of Join responseACK 200 (dropped)",
        "510ms 192.0.2.2:7080->192.0.2.1:7080 UDP Join responseACK 200",
        "520ms 192.0.2.1:7080->192.0.2.2:7080 UDP ACK of Join responseACK 200");
    assertThat(a.responses).hasSize(1);
    assertThat(a.counters.get("drop.response-unmatched")).isEqualTo(1);
    assertThat(b.counters.get("transaction.unacknowledged")).isZero();
  }

  @Test
  void aSilentNextHopFailsWith418AfterT2WithDoublingRetransmissions() {
    net.attach(b.at, (bytes, t, from) -> {}); // B is gone
    a.layer.sendRequest(a.join(5), Transport.UDP, b.at, a.listener());
    net.runUntil(60_000);
    assertThat(net.log).extracting(TestNetwork.Packet::time).containsExactly(0L, 500L, 1500L, 3500L);
    assertThat(a.failures).containsExactly(
        "418 no acknowledgement from 192.0.2.2:7080 over UDP after 4 transmissions");
    assertThat(a.layer.pendingRequests()).isZero();
    assertThat(a.counters.get("transaction.timeouts")).isEqualTo(1);
  }

  @Test
  void aLaterAnswerIsAcknowledgedFirstThenSentAsAResponse() {
    List<Incoming> held = new ArrayList<>();
    b.onRequest = held::add;
    a.layer.sendRequest(a.join(6), Transport.UDP, b.at, a.listener());
    net.runUntil(2_000);
    b.layer.respond(held.get(0), ResponseCode.OK, List.of(b.self));
    net.runUntil(60_000);
    assertThat(wire()).containsExactly(
        "0ms 192.0.2.1:7080->192.0.2.2:7080 UDP Join request",
        "10ms 192.0.2.2:7080->192.0.2.1:7080 UDP ACK of Join request 0",
        "2000ms 192.0.2.2:7080->192.0.2.1:7080 UDP Join response 200",
        "2010ms 192.0.2.1:7080->192.0.2.2:7080 UDP ACK of Join response 200");
    assertThat(a.responses).hasSize(1);
  }

  @Test
  void anAnswerSentAsTheDuplicateWindowClosesStillMatchesItsAck() {
    List<Incoming> held = new ArrayList<>();
    b.onRequest = held::add;
    a.layer.sendRequest(a.join(8), Transport.UDP, b.at, a.listener());
    long window = TransactionConfig.DEFAULTS.duplicateWindowMillis();
    net.runUntil(window - 5);
    b.layer.respond(held.get(0), ResponseCode.OK, List.of(b.self));
    net.runUntil(window + 60_000);
    // The ACK arrives after the window: the answer is still matched and not sent again.
    assertThat(wire()).endsWith(
        (window - 5) + "ms 192.0.2.2:7080->192.0.2.1:7080 UDP Join response 200",
        (window + 5) + "ms 192.0.2.1:7080->192.0.2.2:7080 UDP ACK of Join response 200");
    assertThat(b.counters.get("transaction.retransmissions")).isZero();
    assertThat(b.counters.get("drop.ack-unmatched")).isZero();
  }

  @Test
  void anAcknowledgedRequestWithoutAnswerFailsAfterT3() {
    b.onRequest = in -> {};
    a.layer.sendRequest(a.join(7), Transport.UDP, b.at, a.listener());
    net.runUntil(60_000);
    assertThat(net.log).hasSize(2); // the request and B's ACK: no retransmission after the ACK
    assertThat(a.failures).singleElement().asString().startsWith("418 no response from");
  }

  @Test
  void reliableTransportsNeedNoAcks() {
    b.answering();
    a.layer.sendRequest(a.join(8), Transport.TCP, b.at, a.listener());
    net.runUntil(60_000);
    assertThat(wire()).containsExactly(
        "0ms 192.0.2.1:7080->192.0.2.2:7080 TCP Join request",
        "10ms 192.0.2.2:7080->192.0.2.1:7080 TCP Join response 200");
    assertThat(a.responses).hasSize(1);
  }

  @Test
  void aRequestTooLargeForADatagramGoesOverTcp() {
    Node small = new Node("192.0.2.3", Examples.sequence(0x30, 20),
        TransactionConfig.DEFAULTS.withMaxDatagram(64)); // the Join is 83 bytes
    b.answering();
    small.layer.sendRequest(small.join(9), Transport.UDP, b.at, small.listener());
    net.runUntil(60_000);
    assertThat(net.log).extracting(TestNetwork.Packet::transport)
        .containsExactly(Transport.TCP, Transport.TCP);
    assertThat(small.counters.get("transaction.sent-over-stream-for-size")).isEqualTo(1);
    assertThat(small.responses).hasSize(1);
  }

  @Test
  void aResponseTooLargeForADatagramBecomes480AndTheRequestIsRetriedOverTcp() {
    Node tight = new Node("192.0.2.4", Examples.sequence(0x50, 20),
        TransactionConfig.DEFAULTS.withMaxDatagram(200));
    List<Candidate> many = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      many.add(Candidate.host(IpAddress.of((byte) 198, (byte) 51, (byte) 100, (byte) i), 7080));
    }
    PeerInfo big = PeerInfo.of(tight.id, new AddressInfo(many));
    tight.onRequest = in -> tight.layer.respond(in, ResponseCode.OK, List.of(big));
    a.layer.sendRequest(a.join(10), Transport.UDP, tight.at, a.listener());
    net.runUntil(60_000);
    assertThat(wire()).containsExactly(
        "0ms 192.0.2.1:7080->192.0.2.4:7080 UDP Join request",
        "10ms 192.0.2.4:7080->192.0.2.1:7080 UDP Join responseACK 480",
        "20ms 192.0.2.1:7080->192.0.2.4:7080 UDP ACK of Join responseACK 480",
        "20ms 192.0.2.1:7080->192.0.2.4:7080 TCP Join request",
        "30ms 192.0.2.4:7080->192.0.2.1:7080 TCP Join response 200");
    assertThat(a.responses).singleElement()
        .satisfies(r -> assertThat(r.first(PeerInfo.class)).isEqualTo(big));
    assertThat(tight.received).hasSize(2); // once per transport: the retry is not a duplicate
  }

  @Test
  void aMalformedRequestIsAnsweredWith400AndAnErrorObject() {
    Message empty = Message.of(Header.request(Method.JOIN, true, false, 10, 11, a.id));
    net.inject(a.at, b.at, Transport.UDP, WireEncoder.encodeUnchecked(empty));
    net.runUntil(60_000);
    TestNetwork.Packet answer = net.log.get(0);
    assertThat(answer.header().kind()).isEqualTo(MessageKind.RESPONSE_ACK);
    assertThat(answer.header().responseCode()).isEqualTo(ResponseCode.BAD_REQUEST);
    assertThat(answer.header().transactionId()).isEqualTo(11);
    ErrorInfo error = answer.message().first(ErrorInfo.class);
    assertThat(error.reason()).isEqualTo("Join request needs a Peer-Info");
    assertThat(b.counters.get("drop.malformed.missing_object")).isEqualTo(1);
    assertThat(b.received).isEmpty();
  }

  @Test
  void garbageAndStrayPacketsAreCountedAndDropped() {
    net.inject(a.at, b.at, Transport.UDP, new byte[] {1, 2, 3});
    net.inject(a.at, b.at, Transport.UDP, WireEncoder.encode(
        Message.of(Header.ackFor(a.join(12).header(), true, a.id))));
    net.runUntil(60_000);
    assertThat(net.log).isEmpty();
    assertThat(b.counters.snapshot()).containsEntry("drop.malformed.not_p2pp", 1L)
        .containsEntry("drop.ack-unmatched", 1L);
  }

  @Test
  void anIndicationIsAcknowledgedRetransmittedUntilThenAndDeliveredOnce() {
    net.drop(p -> p.time() == 10); // B's first ACK
    Message leave = Message.of(Header.indication(Method.LEAVE, true, 13, a.id), a.self);
    a.layer.sendIndication(leave, Transport.UDP, b.at);
    net.runUntil(60_000);
    assertThat(wire()).containsExactly(
        "0ms 192.0.2.1:7080->192.0.2.2:7080 UDP Leave indication",
        "10ms 192.0.2.2:7080->192.0.2.1:7080 UDP ACK of Leave indication 0 (dropped)",
        "500ms 192.0.2.1:7080->192.0.2.2:7080 UDP Leave indication",
        "510ms 192.0.2.2:7080->192.0.2.1:7080 UDP ACK of Leave indication 0");
    assertThat(b.received).hasSize(1);
  }

  @Test
  void timersComeFromTheConfiguration() {
    Node quick = new Node("192.0.2.5", Examples.sequence(0x70, 20),
        new TransactionConfig(100, 1000, 1000, 1400, 2000));
    net.attach(b.at, (bytes, t, from) -> {});
    quick.layer.sendRequest(quick.join(14), Transport.UDP, b.at, quick.listener());
    net.runUntil(60_000);
    assertThat(net.log).extracting(TestNetwork.Packet::time)
        .containsExactly(0L, 100L, 300L, 700L);
    assertThat(quick.failures).hasSize(1);
  }

  @Test
  void allWorkHappensOnTheVirtualClock() {
    b.answering();
    a.layer.sendRequest(a.join(15), Transport.UDP, b.at, a.listener());
    net.runUntil(15);
    assertThat(a.responses).isEmpty(); // the answer is still on its way (10 ms each way)
    net.runUntil(25);
    assertThat(a.responses).hasSize(1);
  }

  /**
   * A packet from a sender in this process comes with the message it was encoded from; where
   * the receiver's decoder would give that message back, it is taken as is, and the bytes are
   * not read at all (here they are garbage of the right length to prove it).
   */
  @Test
  void theSendersMessageIsTakenWhereTheDecoderAgreesAndTheBytesDecodedOtherwise() {
    Message join = a.join(7);
    byte[] garbage = new byte[WireEncoder.encode(join).length];
    b.layer.onPacket(garbage, join, Transport.UDP, a.at);
    assertThat(b.received).hasSize(1);
    assertThat(b.received.get(0).message()).isSameAs(join);
    assertThat(b.counters.snapshot()).noneSatisfy((k, v) -> assertThat(k).startsWith("drop."));

    // 8-byte IDs where this node reads 20: the bytes are decoded, and refused as a real node
    // would refuse them.
    Bytes shortId = Bytes.ownerOf(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    Message foreign = Message.of(Header.request(Method.JOIN, true, false, 10, 9, shortId), a.self);
    b.layer.onPacket(WireEncoder.encode(foreign), foreign, Transport.UDP, a.at);
    assertThat(b.received).hasSize(1);
    assertThat(b.counters.snapshot().keySet()).anySatisfy(k -> assertThat(k)
        .startsWith("drop.malformed."));
  }
}
