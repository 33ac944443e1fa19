package org.openvoip.p2pp.overlay;

import java.util.NavigableSet;
import org.openvoip.p2pp.wire.Bytes;

/**
 * Creates an overlay plugin; implementations are found with {@link java.util.ServiceLoader}
 * (META-INF/services/org.openvoip.p2pp.overlay.OverlayProvider) and chosen by {@link #name()}.
 */
public interface OverlayProvider {
  /** The algorithm's name in the overlay configuration: "chord", "kademlia" ... */
  String name();

  Overlay create(OverlayContext context);

  /**
   * The ideal owner of {@code key} among {@code liveIds} by this algorithm's definition (Chord:
   * the first ID at or after the key): the ground truth the simulator judges lookups by.
   */
  Bytes owner(Bytes key, NavigableSet<Bytes> liveIds);

  /**
   * The replica count r of a configuration that leaves it to the overlay (replicas 0): by
   * default 3, the responsible node and two successors.
   */
  default int defaultReplicas(org.openvoip.p2pp.node.OverlayConfig c) {
    return 3;
  }

  /**
   * Refuses a configuration whose replica count r this overlay cannot place. By default the
   * replicas are the responsible node and its successors: r at most successors + 1.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  default void checkReplicas(org.openvoip.p2pp.node.OverlayConfig c) {
    if (c.replicas() > c.successors() + 1) {
      throw new IllegalArgumentException("need 1 <= replicas <= successors + 1 (got "
          + c.replicas() + " and " + c.successors() + ")");
    }
  }
}
