package org.openvoip.p2pp.stun;

import java.util.List;
import org.openvoip.p2pp.env.Counters;
import org.openvoip.p2pp.env.Endpoint;

/**
 * What a peer's P2PP port answers in STUN (RFC 8489): a Binding request gets a success response
 * naming, in XOR-MAPPED-ADDRESS, the address and port it came from (what a NAT made of the
 * sender's), with SOFTWARE and FINGERPRINT. Everything else STUN is counted and dropped. No I/O:
 * the runtime hands it datagrams whose magic cookie is STUN's ({@link StunMessage#isStun}) and
 * sends back what it returns.
 */
public final class StunServer {
  static final String SOFTWARE = "OpenVoIP";

  private final Counters counters;

  public StunServer(Counters counters) {
    this.counters = counters;
  }

  /** The answer to {@code datagram} from {@code from}, or null (counted) if there is none. */
  public byte[] answer(byte[] datagram, Endpoint from) {
    StunMessage m;
    try {
      m = StunMessage.decode(datagram);
    } catch (StunMessage.MalformedStunException e) {
      counters.increment("drop.stun.malformed");
      return null;
    }
    if (m.type() != StunMessage.BINDING_REQUEST) {
      counters.increment("drop.stun.not-a-binding-request");
      return null;
    }
    counters.increment("stun.binding-answered");
    return new StunMessage(StunMessage.BINDING_SUCCESS, m.transactionId(), List.of())
        .with(StunMessage.XOR_MAPPED_ADDRESS, StunMessage.xorAddress(from, m.transactionId()))
        .with(StunMessage.SOFTWARE, StunMessage.text(SOFTWARE))
        .withFingerprint().encode();
  }
}
