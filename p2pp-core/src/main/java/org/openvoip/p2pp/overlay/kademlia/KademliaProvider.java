package org.openvoip.p2pp.overlay.kademlia;

import java.util.NavigableSet;
import org.openvoip.p2pp.overlay.Overlay;
import org.openvoip.p2pp.overlay.OverlayContext;
import org.openvoip.p2pp.overlay.OverlayProvider;
import org.openvoip.p2pp.overlay.Xor;
import org.openvoip.p2pp.wire.Bytes;

/** Registers Kademlia under the name "kademlia". */
public final class KademliaProvider implements OverlayProvider {
  @Override
  public String name() {
    return "kademlia";
  }

  @Override
  public Overlay create(OverlayContext context) {
    return new Kademlia(context);
  }

  /** The live ID nearest the key by the XOR metric. */
  @Override
  public Bytes owner(Bytes key, NavigableSet<Bytes> liveIds) {
    return Xor.nearest(key, liveIds);
  }

  /** Kademlia stores a value at the k nodes nearest its key. */
  @Override
  public int defaultReplicas(org.openvoip.p2pp.node.OverlayConfig c) {
    return c.bucketSize();
  }

  /** r goes up to k. */
  @Override
  public void checkReplicas(org.openvoip.p2pp.node.OverlayConfig c) {
    if (c.replicas() > c.bucketSize()) {
      throw new IllegalArgumentException("need 1 <= replicas <= k, the bucket size (got "
          + c.replicas() + " and " + c.bucketSize() + ")");
    }
  }
}
