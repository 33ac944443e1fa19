package org.openvoip.p2pp.overlay.chord;

import java.util.NavigableSet;
import org.openvoip.p2pp.wire.Bytes;

import org.openvoip.p2pp.overlay.Overlay;
import org.openvoip.p2pp.overlay.OverlayContext;
import org.openvoip.p2pp.overlay.OverlayProvider;

/** Registers Chord under the name "chord". */
public final class ChordProvider implements OverlayProvider {
  @Override
  public String name() {
    return "chord";
  }

  @Override
  public Overlay create(OverlayContext context) {
    return new Chord(context);
  }

  @Override
  public Bytes owner(Bytes key, NavigableSet<Bytes> liveIds) {
    Bytes b = liveIds.ceiling(key);
    return b != null ? b : liveIds.isEmpty() ? null : liveIds.first();
  }
}
