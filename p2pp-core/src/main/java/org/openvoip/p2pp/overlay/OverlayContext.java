package org.openvoip.p2pp.overlay;

import java.util.List;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.openvoip.p2pp.env.Counters;
import org.openvoip.p2pp.env.Env;
import org.openvoip.p2pp.node.OverlayConfig;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.Message;
import org.openvoip.p2pp.wire.Method;
import org.openvoip.p2pp.wire.WireObject;

/** What the engine offers an overlay plugin: its identity, time, and requests to other peers. */
public interface OverlayContext {

  /** This node. */
  PeerRef self();

  OverlayConfig config();

  long now();

  Env.Timer schedule(long delayMillis, Runnable task);

  /**
   * Runs {@code task} every {@code periodMillis}, starting at a random phase within the first
   * period (so that peers do not all maintain at once), until the node stops.
   */
  void every(long periodMillis, Runnable task);

  RandomGenerator random();

  Counters counters();

  /**
   * This node's Neighbor-Table as it sends it (from {@link Overlay#neighborTable()}), the same
   * object until {@link Overlay#tablesVersion()} changes, so its bytes are encoded once.
   */
  WireObject.NeighborTable neighborTableObject();

  /**
   * Sends a request straight to {@code to} (not routed); this node's Peer-Info is put first.
   * If {@code to} does not answer, the engine tells the overlay ({@link Overlay#peerFailed})
   * before the callback's {@code onFailure}.
   */
  void request(PeerRef to, Method method, List<WireObject> objects, Reply reply);

  /**
   * Finds, through the overlay, the {@code count} peers responsible for {@code key} (a
   * LookupPeer routed by the engine's lookup). {@code done} gets them, or an empty list if the
   * lookup failed.
   */
  void lookupPeers(Bytes key, int count, Consumer<List<PeerRef>> done);

  /**
   * Finds the {@code count} peers nearest {@code key} as the other peers know them: an
   * iterative LookupPeer that starts at the peers this node knows nearest the key, even when by
   * its own table this node is responsible for the key, where {@link #lookupPeers} would answer
   * from that table and learn nothing. Table maintenance uses it to find the peers a region of
   * the table lacks (Kademlia's bucket refresh: an empty bucket is the region to fill). {@code
   * done} gets the peers of the final answer, or an empty list if no peer answered.
   */
  void explorePeers(Bytes key, int count, Consumer<List<PeerRef>> done);

  /**
   * The smoothed round-trip time to {@code peer} measured on this node's transactions, in
   * milliseconds, or -1 when there is no sample (for proximity neighbour selection).
   */
  default long rttMillis(PeerRef peer) {
    return -1;
  }

  /** The tables changed in a way that may move responsibility for keys (storage re-checks). */
  void responsibilityChanged();

  /** The outcome of a request. */
  interface Reply {
    void onResponse(Message response);

    default void onFailure(int code, String reason) {}
  }
}
