package org.openvoip.p2pp.overlay;

import java.util.List;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.WireObject.AddressInfo;
import org.openvoip.p2pp.wire.WireObject.Candidate;
import org.openvoip.p2pp.wire.WireObject.PeerInfo;

/** A peer as routing sees it: its ID and the transport address to reach it at. */
public record PeerRef(Bytes id, Endpoint endpoint) {
  public PeerRef {
    if (id == null || endpoint == null) {
      throw new IllegalArgumentException("a peer needs an ID and an endpoint");
    }
  }

  /** The Peer-Info carrying this peer's ID and one host candidate. */
  public PeerInfo toPeerInfo() {
    return PeerInfo.of(id, AddressInfo.of(Candidate.host(endpoint.address(), endpoint.port())));
  }

  /**
   * The peer a Peer-Info describes, reached at its first UDP candidate (any candidate if none is
   * UDP); null if it lacks a Peer-ID or a candidate.
   */
  public static PeerRef from(PeerInfo info) {
    if (info == null || info.peerId() == null || info.addressInfo() == null) {
      return null;
    }
    List<Candidate> cs = info.addressInfo().candidates();
    Candidate chosen = null;
    for (Candidate c : cs) {
      if (c.transport() == Candidate.UDP) {
        chosen = c;
        break;
      }
    }
    if (chosen == null) {
      if (cs.isEmpty()) {
        return null;
      }
      chosen = cs.get(0);
    }
    return new PeerRef(info.id(), new Endpoint(chosen.address(), chosen.port()));
  }

  @Override
  public String toString() {
    String h = id.hex();
    return h.substring(0, Math.min(8, h.length())) + "@" + endpoint;
  }
}
