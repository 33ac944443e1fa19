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
}
