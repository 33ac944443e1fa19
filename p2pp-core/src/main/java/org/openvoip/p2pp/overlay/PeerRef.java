package org.openvoip.p2pp.overlay;

import java.util.List;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.WireObject.AddressInfo;
import org.openvoip.p2pp.wire.WireObject.Candidate;
import org.openvoip.p2pp.wire.WireObject.PeerInfo;

/**
 * A peer as routing sees it: its ID and the transport address to reach it at. Equal when both
 * are equal. Immutable; it builds its Peer-Info once, since tables are sent over and over.
 */
public final class PeerRef {
  private final Bytes id;
  private final Endpoint endpoint;
  private PeerInfo info;

  public PeerRef(Bytes id, Endpoint endpoint) {
    if (id == null || endpoint == null) {
      throw new IllegalArgumentException("a peer needs an ID and an endpoint");
    }
    this.id = id;
    this.endpoint = endpoint;
  }

  public Bytes id() {
    return id;
  }

  public Endpoint endpoint() {
    return endpoint;
  }

  /** The Peer-Info carrying this peer's ID and one host candidate. */
  public PeerInfo toPeerInfo() {
    PeerInfo i = info;
    if (i == null) {
      i = PeerInfo.of(id, AddressInfo.of(Candidate.host(endpoint.address(), endpoint.port())));
      info = i;
    }
    return i;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PeerRef p && id.equals(p.id) && endpoint.equals(p.endpoint);
  }

  @Override
  public int hashCode() {
    return 31 * id.hashCode() + endpoint.hashCode();
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
