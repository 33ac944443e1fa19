package org.openvoip.p2pp.overlay.bamboo;

import java.util.NavigableSet;
import org.openvoip.p2pp.overlay.Overlay;
import org.openvoip.p2pp.overlay.OverlayContext;
import org.openvoip.p2pp.overlay.OverlayProvider;
import org.openvoip.p2pp.wire.Bytes;

/** Registers Bamboo under the name "bamboo". */
public final class BambooProvider implements OverlayProvider {
  @Override
  public String name() {
    return "bamboo";
  }

  @Override
  public Overlay create(OverlayContext context) {
    return new Bamboo(context);
  }

  /** The live ID numerically nearest the key on the circle. */
  @Override
  public Bytes owner(Bytes key, NavigableSet<Bytes> liveIds) {
    return Circular.nearest(key, liveIds);
  }

  /** Replicas are the leaves nearest the key: at most half the leaf set on either side. */
  @Override
  public void checkReplicas(org.openvoip.p2pp.node.OverlayConfig c) {
    if (c.replicas() > c.leafSetSize() / 2 + 1) {
      throw new IllegalArgumentException("need 1 <= replicas <= leaf set size / 2 + 1 (got "
          + c.replicas() + " and " + c.leafSetSize() + ")");
    }
  }
}
