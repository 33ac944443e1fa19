package org.openvoip.p2pp.node;

import java.util.List;
import org.openvoip.p2pp.overlay.PeerRef;
import org.openvoip.p2pp.wire.WireObject.ResourceObject;

/** What the node's operations return. */
public final class Results {
  private Results() {}

  /**
   * How a routed request went: who answered, how many hops the request took to get there (0 when
   * this node answered itself) and how long it took.
   */
  public record Route(PeerRef responder, int hops, long millis) {}

  /** The peers a LookupPeer found, closest first. */
  public record PeerLookup(List<PeerRef> peers, Route route) {}

  /** The objects found under a resource (empty when the responsible peer has none). */
  public record ObjectLookup(List<ResourceObject> objects, Route route) {
    public boolean found() {
      return !objects.isEmpty();
    }
  }

  /** A stored object and the lifetime the responsible peer granted it. */
  public record Published(long lifetimeSeconds, Route route) {}

  /** A removal: whether the responsible peer had the object. */
  public record Removed(boolean existed, Route route) {}

  /**
   * A direct path ICE found to a node after Connect: the node and the address to send to, the
   * kind of its candidate that worked (host, server-reflexive, peer-reflexive, relayed), and the
   * route the Connect took.
   */
  public record Connected(PeerRef peer, String candidateType, Route route) {}
}
