package org.openvoip.p2pp.overlay;

import java.util.HashMap;
import java.util.Map;
import org.openvoip.p2pp.wire.Bytes;

/**
 * Peers found dead lately, by ID, with when: an overlay ignores second-hand news of them for a
 * while, or neighbours that have not noticed yet would push a dead peer back into the tables of
 * those that have, round the overlay for ever. Hearing from the peer itself (a restart) clears
 * its entry. Bounded: past 256 entries, those older than the window are dropped.
 */
public final class RecentlyGone {
  private static final int PRUNE_ABOVE = 256;

  private final Map<Bytes, Long> since = new HashMap<>();
  private final long windowMillis;

  /** @param windowMillis how long news of a dead peer is ignored */
  public RecentlyGone(long windowMillis) {
    this.windowMillis = windowMillis;
  }

  /** The window of an overlay that checks its neighbours every NMT and KAT: four rounds. */
  public static long windowOf(OverlayContext ctx) {
    return 4 * Math.max(ctx.config().neighborMaintenanceMillis(),
        ctx.config().keepAliveMillis());
  }

  /** The peer was found dead (or said it leaves) at {@code now}. */
  public void mark(Bytes id, long now) {
    if (since.size() > PRUNE_ABOVE) {
      since.values().removeIf(t -> now - t > windowMillis);
    }
    since.put(id, now);
  }

  /** The peer was heard from directly: it is alive (again). */
  public void clear(Bytes id) {
    if (!since.isEmpty()) {
      since.remove(id);
    }
  }

  /** Whether news of the peer should be ignored at {@code now}; forgets entries past the window. */
  public boolean ignores(Bytes id, long now) {
    Long t = since.get(id);
    if (t == null) {
      return false;
    }
    if (now - t < windowMillis) {
      return true;
    }
    since.remove(id);
    return false;
  }
}
