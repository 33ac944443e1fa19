package org.openvoip.p2pp.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openvoip.p2pp.env.Counters;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.env.Env;
import org.openvoip.p2pp.stun.StunMessage;
import org.openvoip.p2pp.transaction.TestNetwork;
import org.openvoip.p2pp.wire.Bytes;

/** The TURN server's control and data planes, driven directly on a virtual clock. */
class TurnServerTest {
  static final Endpoint CLIENT = Endpoint.of("192.0.2.10", 50000);
  static final Endpoint PEER = Endpoint.of("198.51.100.7", 40000);
  static final String REALM = "test";
  static final byte[] KEY = TurnServer.longTermKey("alice", REALM, "secret");

  final TestNetwork clock = new TestNetwork();
  final Env env = clock.env(Endpoint.of("203.0.113.1", 3478), 1);
  final Counters counters = new Counters();
  final List<String> closed = new ArrayList<>();
  int nextPort = 49152;

  record Sent(boolean toClient, Endpoint from, Endpoint to, byte[] bytes) {}

  final List<Sent> sent = new ArrayList<>();
  final TurnServer server = new TurnServer(env, counters,
      new TurnServer.Config(REALM, Map.of("alice", "secret"), 10, 2, 600, 3600, 3_600_000),
      new TurnServer.Ports() {
        @Override
        public Endpoint open(boolean even) {
          int p = nextPort;
          nextPort += 2;
          return Endpoint.of("203.0.113.1", p);
        }

        @Override
        public void close(Endpoint relayed) {
          closed.add(relayed.toString());
        }
      },
      new TurnServer.Output() {
        @Override
        public void toClient(Endpoint client, byte[] b, int off, int len) {
          sent.add(new Sent(true, null, client, java.util.Arrays.copyOfRange(b, off, off + len)));
        }

        @Override
        public void toPeer(Endpoint relayed, Endpoint peer, byte[] b, int off, int len) {
          sent.add(new Sent(false, relayed, peer,
              java.util.Arrays.copyOfRange(b, off, off + len)));
        }
      });

  String nonce;
  int tx;

  StunMessage last() throws Exception {
    return StunMessage.decode(sent.get(sent.size() - 1).bytes());
  }

  Bytes txId() {
    byte[] b = new byte[12];
    b[11] = (byte) ++tx;
    return Bytes.of(b);
  }

  /** Sends {@code m} from the client, signed as alice with the current nonce; the answer. */
  StunMessage ask(StunMessage m, Endpoint from) throws Exception {
    StunMessage signed = m.with(StunMessage.USERNAME, StunMessage.text("alice"))
        .with(TurnServer.REALM, StunMessage.text(REALM))
        .with(TurnServer.NONCE, StunMessage.text(nonce)).withIntegrity(KEY);
    server.onClientDatagram(signed.withFingerprint().encode(), from);
    StunMessage answer = last();
    boolean challenged = answer.isError() && (code(answer) == 401 || code(answer) == 438);
    // Answers to authenticated requests carry integrity; a challenge cannot (RFC 8489 9.2.4).
    assertThat(StunMessage.integrityValid(sent.get(sent.size() - 1).bytes(), KEY))
        .isEqualTo(!challenged);
    return answer;
  }

  StunMessage allocate(Endpoint from) throws Exception {
    StunMessage m = new StunMessage(0x0003, txId(), List.of())
        .with(TurnServer.REQUESTED_TRANSPORT, Bytes.of((byte) 17, (byte) 0, (byte) 0, (byte) 0));
    server.onClientDatagram(m.encode(), from);
    StunMessage challenge = last();
    assertThat(challenge.isError()).isTrue();
    assertThat(StunMessage.errorCodeOf(challenge.attribute(StunMessage.ERROR_CODE).value()))
        .isEqualTo(401);
    nonce = new String(challenge.attribute(TurnServer.NONCE).value().toByteArray(),
        StandardCharsets.UTF_8);
    return ask(new StunMessage(0x0003, txId(), List.of()).with(TurnServer.REQUESTED_TRANSPORT,
        Bytes.of((byte) 17, (byte) 0, (byte) 0, (byte) 0)), from);
  }

  Endpoint relayedOf(StunMessage allocated) throws Exception {
    return StunMessage.fromXorAddress(allocated.attribute(TurnServer.XOR_RELAYED_ADDRESS)
        .value(), allocated.transactionId());
  }

  static int code(StunMessage m) {
    return StunMessage.errorCodeOf(m.attribute(StunMessage.ERROR_CODE).value());
  }

  @Test
  void anAllocationRelaysBothWaysThroughIndicationsAndChannels() throws Exception {
    StunMessage ok = allocate(CLIENT);
    assertThat(ok.type()).isEqualTo(0x0103);
    Endpoint relayed = relayedOf(ok);
    assertThat(server.allocations()).isEqualTo(1);

    // No permission yet: the peer's datagram and the client's Send are dropped.
    server.onPeerDatagram(relayed, PEER, new byte[] {1, 2, 3});
    assertThat(counters.get("drop.turn.no-permission")).isEqualTo(1);

    StunMessage perm = ask(new StunMessage(0x0008, txId(), List.of())
        .with(TurnServer.XOR_PEER_ADDRESS, StunMessage.xorAddress(PEER, Bytes.of(new byte[12]))
        ), CLIENT);
    // The XOR mask is the message's own ID: the address above decodes to something else.
    assertThat(perm.type()).isEqualTo(0x0108);
    Bytes t = txId();
    assertThat(ask(new StunMessage(0x0008, t, List.of()).with(TurnServer.XOR_PEER_ADDRESS,
        StunMessage.xorAddress(PEER, t)), CLIENT).type()).isEqualTo(0x0108);

    Bytes s = txId();
    server.onClientDatagram(new StunMessage(0x0016, s, List.of())
        .with(TurnServer.XOR_PEER_ADDRESS, StunMessage.xorAddress(PEER, s))
        .with(TurnServer.DATA_ATTR, Bytes.of((byte) 9, (byte) 8)).encode(), CLIENT);
    Sent out = sent.get(sent.size() - 1);
    assertThat(out.toClient()).isFalse();
    assertThat(out.from()).isEqualTo(relayed);
    assertThat(out.to()).isEqualTo(PEER);
    assertThat(out.bytes()).containsExactly(9, 8);

    server.onPeerDatagram(relayed, PEER, new byte[] {7, 7, 7});
    StunMessage data = last();
    assertThat(data.type()).isEqualTo(0x0017);
    assertThat(StunMessage.fromXorAddress(data.attribute(TurnServer.XOR_PEER_ADDRESS).value(),
        data.transactionId())).isEqualTo(PEER);
    assertThat(data.attribute(TurnServer.DATA_ATTR).value().toByteArray()).containsExactly(7, 7,
        7);

    Bytes c = txId();
    assertThat(ask(new StunMessage(0x0009, c, List.of())
        .with(TurnServer.CHANNEL_NUMBER, Bytes.of((byte) 0x40, (byte) 0x01, (byte) 0, (byte) 0))
        .with(TurnServer.XOR_PEER_ADDRESS, StunMessage.xorAddress(PEER, c)), CLIENT).type())
        .isEqualTo(0x0109);
    server.onClientDatagram(new byte[] {0x40, 0x01, 0, 2, 5, 6}, CLIENT);
    assertThat(sent.get(sent.size() - 1).bytes()).containsExactly(5, 6);
    server.onPeerDatagram(relayed, PEER, new byte[] {4});
    assertThat(sent.get(sent.size() - 1).bytes()).containsExactly(0x40, 0x01, 0, 1, 4);
    assertThat(counters.get("turn.relayed-to-peer")).isEqualTo(2);
    assertThat(counters.get("turn.relayed-to-client")).isEqualTo(2);
  }

  @Test
  void wrongCredentialsAStaleNonceAndAQuotaAreRefused() throws Exception {
    allocate(CLIENT);
    // Wrong password: 401 again.
    StunMessage bad = new StunMessage(0x0004, txId(), List.of())
        .with(StunMessage.USERNAME, StunMessage.text("alice"))
        .with(TurnServer.REALM, StunMessage.text(REALM))
        .with(TurnServer.NONCE, StunMessage.text(nonce))
        .withIntegrity(TurnServer.longTermKey("alice", REALM, "guess"));
    server.onClientDatagram(bad.encode(), CLIENT);
    assertThat(code(last())).isEqualTo(401);
    // A second allocation from the same client: 437.
    assertThat(code(ask(new StunMessage(0x0003, txId(), List.of()).with(
        TurnServer.REQUESTED_TRANSPORT, Bytes.of((byte) 17, (byte) 0, (byte) 0, (byte) 0)),
        CLIENT))).isEqualTo(437);
    // alice may hold two: the third is refused with 486.
    allocate(Endpoint.of("192.0.2.11", 1));
    assertThat(code(ask(new StunMessage(0x0003, txId(), List.of()).with(
        TurnServer.REQUESTED_TRANSPORT, Bytes.of((byte) 17, (byte) 0, (byte) 0, (byte) 0)),
        Endpoint.of("192.0.2.12", 1)))).isEqualTo(486);
    // An hour later the nonce is stale: 438 with a fresh one.
    clock.runUntil(3_600_001);
    StunMessage refresh = new StunMessage(0x0004, txId(), List.of());
    StunMessage stale = ask(refresh, CLIENT);
    assertThat(code(stale)).isEqualTo(438);
    assertThat(stale.attribute(TurnServer.NONCE)).isNotNull();
  }

  @Test
  void allocationsEndOnRefreshZeroOrWhenTheirLifetimeRunsOut() throws Exception {
    Endpoint relayed = relayedOf(allocate(CLIENT));
    Endpoint other = Endpoint.of("192.0.2.20", 7);
    Endpoint relayed2 = relayedOf(allocate(other));
    StunMessage gone = ask(new StunMessage(0x0004, txId(), List.of())
        .with(TurnServer.LIFETIME, Bytes.of((byte) 0, (byte) 0, (byte) 0, (byte) 0)), CLIENT);
    assertThat(gone.type()).isEqualTo(0x0104);
    assertThat(closed).containsExactly(relayed.toString());
    clock.runUntil(600_001);
    assertThat(closed).containsExactly(relayed.toString(), relayed2.toString());
    assertThat(server.allocations()).isZero();
    assertThat(counters.get("turn.expired")).isEqualTo(1);
  }

  @Test
  void aRetransmittedAllocateGetsTheSameAnswer() throws Exception {
    allocate(CLIENT);
    byte[] first = sent.get(sent.size() - 1).bytes();
    // The same request again (same transaction ID): not a second allocation.
    StunMessage again = new StunMessage(0x0003, Bytes.of(java.util.Arrays.copyOfRange(first, 8,
        20)), List.of()).with(TurnServer.REQUESTED_TRANSPORT, Bytes.of((byte) 17, (byte) 0,
        (byte) 0, (byte) 0)).with(StunMessage.USERNAME, StunMessage.text("alice"))
        .with(TurnServer.REALM, StunMessage.text(REALM))
        .with(TurnServer.NONCE, StunMessage.text(nonce)).withIntegrity(KEY);
    server.onClientDatagram(again.encode(), CLIENT);
    assertThat(sent.get(sent.size() - 1).bytes()).isEqualTo(first);
    assertThat(server.allocations()).isEqualTo(1);
  }
}
