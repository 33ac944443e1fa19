package org.openvoip.p2pp.overlay;

import java.util.List;
import org.openvoip.p2pp.wire.Bytes;

/**
 * An overlay algorithm plugged into the node engine (Chord, Kademlia, Bamboo ...). The engine
 * owns messages, transactions, routing modes, lookups and storage; a plugin owns its tables and
 * answers the questions below. It runs on its node's thread, does no I/O and talks to other
 * peers only through its {@link OverlayContext}.
 *
 * <p>Every implementation must pass the overlay contract suite in p2pp-sim's tests.
 */
public interface Overlay {

  /** The P2P algorithm code announced in P2P-Options (Chord 0, Kademlia 2, Bamboo 4 ...). */
  int p2pAlgorithm();

  // ---------------------------------------------------------------------------------- routing

  /**
   * Whether this node is responsible for {@code key}: it answers requests for it and stores
   * objects under it. A node alone in the overlay is responsible for every key.
   */
  boolean isResponsible(Bytes key);

  /**
   * Peers to send a request for {@code key} to next, best first, at most {@code max}, never
   * this node. Empty when this node knows no one nearer the key.
   */
  List<PeerRef> nextHops(Bytes key, int max);

  /**
   * The order in which an iterative lookup tries candidates it learned: negative if {@code a}
   * is a better next hop toward {@code key} than {@code b}. A total order: zero only when
   * {@code a} and {@code b} are the same ID.
   */
  int compareForKey(Bytes key, Bytes a, Bytes b);

  /**
   * A 64-bit summary of {@link #compareForKey}'s order, so that a lookup sorts its candidates
   * by comparing numbers: if {@code rankForKey(key, a)} is smaller than {@code rankForKey(key,
   * b)} as unsigned numbers, {@code a} is the better next hop; equal ranks say nothing, and
   * {@link #compareForKey} decides. The default, 0 for every ID, leaves every decision to it.
   */
  default long rankForKey(Bytes key, Bytes id) {
    return 0;
  }

  /**
   * As far as this node knows, the {@code count} nodes responsible for {@code key} and its
   * replicas, in replica order: the first is the responsible node. This node is included when it
   * belongs.
   */
  List<PeerRef> closestPeers(Bytes key, int count);

  /**
   * The peer whose failure would make this node responsible for {@code key} (Chord: the
   * predecessor, when the key is in its range), or null. A request for such a key that reaches
   * this node usually means the asker could not reach that peer, so the engine probes it at once
   * rather than redirect to a peer that may be dead.
   */
  default PeerRef responsibleIfGone(Bytes key) {
    return null;
  }

  /**
   * The peers that hold copies of objects whose responsible node is this node, at most
   * {@code count}, never this node.
   */
  List<PeerRef> replicaSet(Bytes key, int count);

  // ------------------------------------------------------------------------------ membership

  /**
   * Starts the overlay. {@code admitting} is the peer that accepted the join (null for the
   * first peer of an overlay) and the tables are what it sent in its Join response.
   */
  void joined(PeerRef admitting, List<PeerRef> neighborTable, List<PeerRef> routingTable);

  /** After {@link #joined}, the peers to send a Join with the S flag (new neighbour) to. */
  List<PeerRef> neighborJoinTargets();

  /** A live peer was heard from (it sent a request or a response). */
  void peerSeen(PeerRef peer);

  /**
   * A peer did not answer at this address: forget it, unless the entry held for its ID already
   * has another address (the peer restarted elsewhere and was heard from since).
   */
  void peerFailed(PeerRef peer);

  /** A peer said it leaves (Leave indication), or is not in the overlay (it answered 503). */
  void peerLeft(PeerRef peer);

  /** Tables received from {@code from} (ExchangeTable, Join or LookupPeer responses). */
  void tablesReceived(PeerRef from, List<PeerRef> routingTable, List<PeerRef> neighborTable);

  /** Stops the plugin's timers (the node leaves or crashes). */
  void stop();

  // ------------------------------------------------------------------------------------ views

  /** A snapshot of the routing table (ExchangeTable, diagnostics), without duplicates. */
  List<PeerRef> routingTable();

  /** A snapshot of the neighbour table (for Chord: predecessor, then successors). */
  List<PeerRef> neighborTable();

  /**
   * A number that changes whenever {@link #routingTable()} or {@link #neighborTable()} would
   * return something else, so that the engine can reuse what it built from them (the tables it
   * sends in every ExchangeTable answer). {@link Long#MIN_VALUE}, the default, means unknown:
   * nothing is reused.
   */
  default long tablesVersion() {
    return Long.MIN_VALUE;
  }
}
