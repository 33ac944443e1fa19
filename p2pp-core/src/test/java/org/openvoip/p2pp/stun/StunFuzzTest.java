package org.openvoip.p2pp.stun;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.openvoip.p2pp.env.Counters;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.env.Env;
import org.openvoip.p2pp.env.Transport;

/**
 * Coverage-guided fuzzing of the STUN decoder and of the agent that answers STUN on every P2PP
 * port, with Jazzer, as {@link org.openvoip.p2pp.wire.WireDecoderFuzzTest} does for P2PP: in
 * every {@code ./mvnw test} the inputs under {@code StunFuzzTestInputs/fuzzStun/} replay; the
 * {@code fuzz-stun} execution of p2pp-core's pom fuzzes for {@code -Dfuzz.stun.duration} seconds.
 *
 * <p>Properties: decoding throws nothing but MalformedStunException; a decoded message re-encodes
 * to as many bytes, which decode to an equal message; the address, error-code, integrity and
 * fingerprint readers throw nothing unchecked on any attribute; the agent, with a partner and
 * trusting every forwarder (so that every path is reachable), throws nothing, and whatever it
 * sends is well-formed STUN with a valid FINGERPRINT and at most 128 bytes longer than what it
 * got (an answer is never an amplifier); and the relay's TURN server, given the same bytes from
 * a client and from a peer, throws nothing and sends only well-formed STUN or ChannelData.
 */
class StunFuzzTest {
  private static final Endpoint FROM = Endpoint.of("192.0.2.1", 5000);
  private static final Endpoint PARTNER = Endpoint.of("198.51.100.2", 7080);
  private static final Endpoint RELAYED = Endpoint.of("203.0.113.5", 49152);

  @FuzzTest(maxDuration = "5m")
  void fuzzStun(byte[] input) {
    StunMessage m;
    try {
      m = StunMessage.decode(input);
    } catch (StunMessage.MalformedStunException e) {
      check(e.getMessage() != null && !e.getMessage().isEmpty(), "a rejection without a reason");
      m = null;
    }
    if (m != null) {
      byte[] again = m.encode();
      check(again.length == input.length, "re-encoded to " + again.length + " bytes, not "
          + input.length);
      try {
        check(StunMessage.decode(again).equals(m), "re-encoding changed the message");
      } catch (StunMessage.MalformedStunException e) {
        throw new AssertionError("its own encoding does not decode: " + e.getMessage());
      }
      for (StunMessage.Attribute a : m.attributes()) {
        readers(a, m);
      }
      StunMessage.integrityValid(input, new byte[] {1, 2, 3});
      StunMessage.fingerprintValid(input);
    }

    turn(input);

    List<byte[]> sent = new ArrayList<>();
    StunAgent agent = new StunAgent(env(sent), new Counters());
    agent.partner(from -> PARTNER);
    agent.forwarders(e -> true);
    agent.onDatagram(input, FROM);
    for (byte[] out : sent) {
      check(out.length <= input.length + 128, "answered " + input.length + " bytes with "
          + out.length);
      check(StunMessage.fingerprintValid(out), "an answer without a valid FINGERPRINT");
      try {
        StunMessage.decode(out);
      } catch (StunMessage.MalformedStunException e) {
        throw new AssertionError("the agent sent malformed STUN: " + e.getMessage());
      }
    }
  }

  /**
   * The relay's TURN server, open (no authentication) so that every path is reachable, with an
   * allocation, a permission and a channel already in place: the input arrives from the client
   * and from the peer. Whatever it sends is well-formed STUN or ChannelData.
   */
  private static void turn(byte[] input) {
    List<byte[]> out = new ArrayList<>();
    org.openvoip.p2pp.relay.TurnServer server = new org.openvoip.p2pp.relay.TurnServer(
        env(new ArrayList<>()), new Counters(), org.openvoip.p2pp.relay.TurnServer.Config.of(
            "fuzz", java.util.Map.of()), new org.openvoip.p2pp.relay.TurnServer.Ports() {
              @Override
              public Endpoint open(boolean even) {
                return RELAYED;
              }

              @Override
              public void close(Endpoint relayed) {}
            }, new org.openvoip.p2pp.relay.TurnServer.Output() {
              @Override
              public void toClient(Endpoint client, byte[] b, int off, int len) {
                out.add(java.util.Arrays.copyOfRange(b, off, off + len));
              }

              @Override
              public void toPeer(Endpoint relayed, Endpoint peer, byte[] b, int off, int len) {
                check(off >= 0 && off + len <= b.length, "a payload outside its array");
              }
            });
    org.openvoip.p2pp.wire.Bytes tx = org.openvoip.p2pp.wire.Bytes.of(new byte[12]);
    server.onClientDatagram(new StunMessage(0x0003, tx, List.of()).with(0x0019,
        org.openvoip.p2pp.wire.Bytes.of((byte) 17, (byte) 0, (byte) 0, (byte) 0)).encode(), FROM);
    server.onClientDatagram(new StunMessage(0x0009, tx, List.of()).with(0x000C,
        org.openvoip.p2pp.wire.Bytes.of((byte) 0x40, (byte) 1, (byte) 0, (byte) 0))
        .with(0x0012, StunMessage.xorAddress(PARTNER, tx)).encode(), FROM);
    check(server.allocations() == 1, "the fuzz set-up allocates");
    out.clear();
    server.onClientDatagram(input, FROM);
    server.onPeerDatagram(RELAYED, PARTNER, input);
    for (byte[] b : out) {
      if ((b[0] & 0xC0) == 0x40) {
        check(b.length >= 4 && ((b[2] & 0xFF) << 8 | (b[3] & 0xFF)) == b.length - 4,
            "ChannelData whose length is not its payload's");
      } else {
        try {
          StunMessage.decode(b);
        } catch (StunMessage.MalformedStunException e) {
          throw new AssertionError("the relay sent malformed STUN: " + e.getMessage());
        }
      }
    }
  }

  private static void readers(StunMessage.Attribute a, StunMessage m) {
    try {
      StunMessage.fromXorAddress(a.value(), m.transactionId());
    } catch (StunMessage.MalformedStunException expected) {
      // fine: not an address
    }
    try {
      StunMessage.fromPlainAddress(a.value());
    } catch (StunMessage.MalformedStunException expected) {
      // fine: not an address
    }
    StunMessage.errorCodeOf(a.value());
    StunMessage.errorReasonOf(a.value());
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new AssertionError(what);
    }
  }

  private static Env env(List<byte[]> sent) {
    RandomGenerator random = new SplittableRandom(1);
    return new Env() {
      @Override
      public long now() {
        return 0;
      }

      @Override
      public long epochMillis() {
        return 0;
      }

      @Override
      public Timer schedule(long delayMillis, Runnable task) {
        return () -> {};
      }

      @Override
      public RandomGenerator random() {
        return random;
      }

      @Override
      public void send(Transport transport, Endpoint destination, byte[] bytes) {
        sent.add(bytes);
      }
    };
  }
}
