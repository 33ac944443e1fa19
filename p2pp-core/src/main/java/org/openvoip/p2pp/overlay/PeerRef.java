package org.openvoip.p2pp.overlay;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.WireObject;
import org.openvoip.p2pp.wire.WireObject.AddressInfo;
import org.openvoip.p2pp.wire.WireObject.Candidate;
import org.openvoip.p2pp.wire.WireObject.PeerInfo;

/**
 * A peer as routing sees it: its ID and the transport address to reach it at. Equal when both
 * are equal. Immutable.
 *
 * <p>Tables are sent and received over and over, so a peer and its Peer-Info go together: a
 * peer builds its Peer-Info once, and a received Peer-Info remembers the peer made from it
 * ({@link PeerInfo#memo()}). Such a peer reads its address from the Peer-Info only when first
 * asked: most Peer-Infos a node receives describe peers it already holds.
 */
public final class PeerRef {
  private final Bytes id;
  private Endpoint endpoint;
  /** This peer's own Peer-Info (its ID and one host candidate), built on first use. */
  private PeerInfo info;
  /** The received Peer-Info this peer was read from, or null. */
  private final PeerInfo source;

  public PeerRef(Bytes id, Endpoint endpoint) {
    if (id == null || endpoint == null) {
      throw new IllegalArgumentException("a peer needs an ID and an endpoint");
    }
    this.id = id;
    this.endpoint = endpoint;
    this.source = null;
  }

  private PeerRef(PeerInfo source) {
    this.id = source.id();
    this.source = source;
  }

  public Bytes id() {
    return id;
  }

  public Endpoint endpoint() {
    Endpoint e = endpoint;
    if (e == null) {
      Candidate c = chosen(source.addressInfo().candidates());
      e = new Endpoint(c.address(), c.port());
      endpoint = e;
    }
    return e;
  }

  /**
   * The Peer-Info carrying this peer's ID and one host candidate. A received Peer-Info of just
   * that form is reused.
   */
  public PeerInfo toPeerInfo() {
    PeerInfo i = info;
    if (i == null) {
      Endpoint e = endpoint();
      i = PeerInfo.of(id, AddressInfo.of(Candidate.host(e.address(), e.port())));
      if (source != null && source.equals(i)) {
        i = source;
      } else {
        i.memo(this);
      }
      info = i;
    }
    return i;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof PeerRef p) || !id.equals(p.id)) {
      return false;
    }
    PeerInfo a = source != null ? source : info;
    PeerInfo b = p.source != null ? p.source : p.info;
    if (a != null && b != null && a.equals(b)) {
      return true; // equal Peer-Infos: the same ID and the same first UDP candidate
    }
    return endpoint().equals(p.endpoint());
  }

  @Override
  public int hashCode() {
    return 31 * id.hashCode() + endpoint().hashCode();
  }

  /**
   * The peer a Peer-Info describes, reached at its first UDP candidate (any candidate if none is
   * UDP); null if it lacks a Peer-ID or a candidate. The same Peer-Info gives the same peer.
   */
  public static PeerRef from(PeerInfo info) {
    if (info == null) {
      return null;
    }
    if (info.memo() instanceof PeerRef known) {
      return known;
    }
    if (!info.isCommonForm() && (info.peerId() == null || info.addressInfo() == null
        || info.addressInfo().candidates().isEmpty())) {
      return null;
    }
    PeerRef p = new PeerRef(info);
    info.memo(p);
    return p;
  }

  /** The peers of these Peer-Infos that {@link #from} accepts, in order, in a new list. */
  public static List<PeerRef> fromAll(List<PeerInfo> infos) {
    List<PeerRef> out = new ArrayList<>(infos.size());
    for (PeerInfo i : infos) {
      PeerRef p = from(i);
      if (p != null) {
        out.add(p);
      }
    }
    return out;
  }

  /**
   * The peers of a table's entries, as {@link #fromAll(List)} gives them, but unmodifiable and
   * computed once per table object, which keeps them.
   */
  public static List<PeerRef> fromAll(WireObject.PeerTable table) {
    if (table.memo() instanceof PeerRefs known) {
      return known.peers;
    }
    List<PeerRef> peers = Collections.unmodifiableList(fromAll(table.entries()));
    table.memo(new PeerRefs(peers));
    return peers;
  }

  /** The memo {@link #fromAll} keeps with a table: typed, so no other memo is mistaken for it. */
  private record PeerRefs(List<PeerRef> peers) {}

  /** The first UDP candidate, else the first; the list is not empty. */
  private static Candidate chosen(List<Candidate> cs) {
    for (int i = 0; i < cs.size(); i++) {
      Candidate c = cs.get(i);
      if (c.transport() == Candidate.UDP) {
        return c;
      }
    }
    return cs.get(0);
  }

  @Override
  public String toString() {
    String h = id.hex();
    return h.substring(0, Math.min(8, h.length())) + "@" + endpoint();
  }
}
