package org.openvoip.p2pp.overlay.bamboo;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.openvoip.p2pp.env.Counters;
import org.openvoip.p2pp.overlay.Overlay;
import org.openvoip.p2pp.overlay.OverlayContext;
import org.openvoip.p2pp.overlay.PeerRef;
import org.openvoip.p2pp.overlay.RecentlyGone;
import org.openvoip.p2pp.overlay.Requests;
import org.openvoip.p2pp.overlay.Ring;
import org.openvoip.p2pp.overlay.Xor;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.Message;
import org.openvoip.p2pp.wire.WireObject;
import org.openvoip.p2pp.wire.WireObject.P2pOptions;

/**
 * Bamboo (Rhea, Geels, Roscoe and Kubiatowicz, "Handling Churn in a DHT", USENIX 2004): Pastry's
 * geometry with periodic rather than reactive recovery, on P2PP messages.
 *
 * <p>IDs are read as digits of b bits (2^b = 16 by default). A key belongs to the peer
 * numerically nearest it on the circle ({@link Circular}). The routing table has a row per digit
 * position and 2^b entries per row: entry (r, c) is a peer that shares the first r digits with
 * this node and has digit c next. Each entry holds one peer, chosen by proximity: a peer heard
 * from directly with a shorter measured round trip replaces the entry's peer (proximity
 * neighbour selection). The leaf set is the L/2 nearest peers on each side (L = 16). Every peer
 * this node keeps is in one index sorted by ID, so the leaf set, responsibility and the peers
 * nearest a key are a few steps from the key's place in it; a peer that is neither a leaf nor an
 * entry is dropped.
 *
 * <ul>
 *   <li>leaf set (every NMT): an ExchangeTable with a random leaf that pushes our leaf set and
 *       pulls theirs; after joining, with the nearest peers on each side, following every new
 *       nearest peer an answer reveals;
 *   <li>liveness (every KAT): a KeepAlive to the nearest peer on each side; a peer that does not
 *       answer is forgotten, and second-hand news of it is ignored for a while;
 *   <li>routing table (every RMT): a LookupPeer for a random ID in a random entry's range (shared
 *       prefix, then the entry's digit), which fills empty entries and offers nearer peers for
 *       full ones;
 *   <li>lookups: the engine's iterative lookup toward the numerically nearest peers, whose hop
 *       timeouts come from each peer's measured RTT (mean + 4 deviations).
 * </ul>
 */
final class Bamboo implements Overlay {
  /** Peers asked for in a routing-table exploration (they fit one datagram). */
  private static final int EXPLORE_COUNT = 4;

  private final OverlayContext ctx;
  private final Bytes selfId;
  private final int bits;
  private final int digitBits;
  private final int rows;
  private final int half;
  /** Every peer kept, leaves and routing-table entries, by ID. */
  private final TreeMap<Bytes, PeerRef> known = new TreeMap<>();
  private final PeerRef[][] table;
  private final RecentlyGone gone;
  /** Leaves being probed because a neighbour's leaf set left them out. */
  private final Set<Bytes> probing = new HashSet<>();
  /** After joining: the peers asked while meeting the neighbours, or null. */
  private Set<Bytes> meeting;
  private long changes;
  private boolean running;
  private final Counters.Counter leafRounds;
  private final Counters.Counter explorations;
  private final Counters.Counter proximityReplacements;
  private final Counters.Counter suspectProbes;

  Bamboo(OverlayContext ctx) {
    this.ctx = ctx;
    this.gone = new RecentlyGone(RecentlyGone.windowOf(ctx));
    this.selfId = ctx.self().id();
    this.bits = 8 * selfId.length();
    this.digitBits = ctx.config().digitBits();
    this.rows = (bits + digitBits - 1) / digitBits;
    this.half = ctx.config().leafSetSize() / 2;
    this.table = new PeerRef[rows][];
    this.leafRounds = ctx.counters().counter("bamboo.leaf-set-rounds");
    this.explorations = ctx.counters().counter("bamboo.table-explorations");
    this.proximityReplacements = ctx.counters().counter("bamboo.proximity-replacements");
    this.suspectProbes = ctx.counters().counter("bamboo.suspect-probes");
  }

  @Override
  public int p2pAlgorithm() {
    return P2pOptions.P2P_BAMBOO;
  }

  // ----------------------------------------------------------------------------- the tables

  private boolean sameSpace(Bytes id) {
    return id.length() == selfId.length() && !id.equals(selfId);
  }

  /** Digit {@code r} of {@code id}: bits r*b .. r*b + b - 1, zero-padded past the end. */
  private int digit(Bytes id, int r) {
    int v = 0;
    for (int i = r * digitBits; i < (r + 1) * digitBits; i++) {
      v = (v << 1) | (i < bits && Xor.bit(id, i) ? 1 : 0);
    }
    return v;
  }

  private int row(Bytes id) {
    return Xor.commonPrefix(selfId, id) / digitBits;
  }

  private PeerRef entry(Bytes id) {
    int r = row(id);
    return table[r] == null ? null : table[r][digit(id, r)];
  }

  private boolean isEntry(Bytes id) {
    PeerRef e = entry(id);
    return e != null && e.id().equals(id);
  }

  /** The {@code n} nearest kept peers clockwise (or counter-clockwise) from this node. */
  private List<PeerRef> side(boolean clockwise, int n) {
    List<PeerRef> out = new ArrayList<>(Math.min(n, known.size()));
    walk(selfId, clockwise, n, null, out);
    return out;
  }

  /**
   * Adds to {@code out} up to {@code n} kept peers met walking the circle from {@code from}
   * (excluded) clockwise or counter-clockwise, wrapping around; with {@code seen}, stops at the
   * first peer already in it (the walk came round) and adds each peer's ID to it. Without it,
   * never more steps than there are peers.
   */
  private void walk(Bytes from, boolean clockwise, int n, Set<Bytes> seen, List<PeerRef> out) {
    Bytes at = from;
    for (int i = 0, steps = Math.min(n, known.size()); i < steps; i++) {
      Map.Entry<Bytes, PeerRef> e = clockwise ? known.higherEntry(at) : known.lowerEntry(at);
      if (e == null) {
        e = clockwise ? known.firstEntry() : known.lastEntry();
      }
      if (seen != null && !seen.add(e.getKey())) {
        return;
      }
      out.add(e.getValue());
      at = e.getKey();
    }
  }

  /** The leaf set: the nearest peers clockwise, then counter-clockwise, each nearest first. */
  private List<PeerRef> leafSet() {
    List<PeerRef> out = side(true, half);
    for (PeerRef p : side(false, half)) {
      if (!out.contains(p)) {
        out.add(p);
      }
    }
    return out;
  }

  /** Whether {@code id} is, or would be if kept, within the leaf set. */
  private boolean isLeaf(Bytes id) {
    return isLeaf(id, side(true, half), side(false, half));
  }

  /** As {@link #isLeaf(Bytes)}, given the sides as {@link #side} lists them now. */
  private boolean isLeaf(Bytes id, List<PeerRef> cw, List<PeerRef> ccw) {
    if (cw.size() < half || Ring.inOpenClosed(id, selfId, cw.get(half - 1).id())) {
      return true;
    }
    Bytes edge = ccw.size() < half ? null : ccw.get(half - 1).id();
    return edge == null || id.equals(edge) || Ring.inOpenClosed(id, edge, selfId);
  }

  /**
   * Up to {@code count} kept peers nearest {@code key}, nearest first, this node among them when
   * {@code withSelf}: the peers on each side of the key's place in the index, merged.
   */
  private List<PeerRef> nearest(Bytes key, int count, boolean withSelf) {
    List<PeerRef> pool = new ArrayList<>(2 * count + 1);
    Set<Bytes> seen = new HashSet<>();
    PeerRef atKey = known.get(key);
    if (atKey != null) {
      pool.add(atKey);
      seen.add(key);
    }
    walk(key, true, count, seen, pool);
    walk(key, false, count, seen, pool);
    if (withSelf) {
      pool.add(ctx.self());
    }
    pool.sort((a, b) -> Circular.compare(key, a.id(), b.id()));
    return new ArrayList<>(pool.subList(0, Math.min(count, pool.size())));
  }

  // ------------------------------------------------------------------------------- routing

  @Override
  public boolean isResponsible(Bytes key) {
    Bytes nearest = Circular.nearest(key, known.navigableKeySet());
    return nearest == null || Circular.compare(key, selfId, nearest) < 0;
  }

  @Override
  public PeerRef responsibleIfGone(Bytes key) {
    List<PeerRef> two = nearest(key, 2, true);
    return two.size() == 2 && two.get(1) == ctx.self() ? two.get(0) : null;
  }

  @Override
  public List<PeerRef> nextHops(Bytes key, int max) {
    return max <= 0 ? new ArrayList<>() : nearest(key, max, false);
  }

  @Override
  public int compareForKey(Bytes key, Bytes a, Bytes b) {
    return Circular.compare(key, a, b);
  }

  @Override
  public long rankForKey(Bytes key, Bytes id) {
    return key.length() == id.length() ? Circular.rank(key, id) : 0;
  }

  @Override
  public List<PeerRef> closestPeers(Bytes key, int count) {
    return count <= 0 ? new ArrayList<>() : nearest(key, count, true);
  }

  @Override
  public List<PeerRef> replicaSet(Bytes key, int count) {
    return count <= 0 ? new ArrayList<>() : nearest(key, count, false);
  }

  // ---------------------------------------------------------------------------- membership

  @Override
  public void joined(PeerRef admitting, List<PeerRef> neighborTable, List<PeerRef> routingTable) {
    running = true;
    if (admitting != null) {
      learn(admitting, true);
    }
    neighborTable.forEach(this::hearsOf);
    routingTable.forEach(this::hearsOf);
    ctx.every(ctx.config().keepAliveMillis(), this::probeNearest);
    ctx.every(ctx.config().neighborMaintenanceMillis(), this::pushPullLeafSet);
    ctx.every(ctx.config().routingMaintenanceMillis(), this::explore);
    if (admitting != null) {
      leafRounds.increment();
      meeting = new HashSet<>();
      exchangeWithNew(meeting);
      ctx.schedule(1 + ctx.random().nextInt(1000), this::explore);
    }
  }

  @Override
  public List<PeerRef> neighborJoinTargets() {
    List<PeerRef> out = side(true, 1);
    for (PeerRef p : side(false, 1)) {
      if (!out.contains(p)) {
        out.add(p);
      }
    }
    return out;
  }

  @Override
  public void peerSeen(PeerRef peer) {
    gone.clear(peer.id());
    learn(peer, true);
  }

  @Override
  public void peerFailed(PeerRef peer) {
    forget(peer);
  }

  @Override
  public void peerLeft(PeerRef peer) {
    forget(peer);
  }

  @Override
  public void tablesReceived(PeerRef from, List<PeerRef> routingTable,
      List<PeerRef> neighborTable) {
    gone.clear(from.id());
    learn(from, true);
    leafSetOf(from, neighborTable);
    routingTable.forEach(this::hearsOf);
  }

  /**
   * A peer's leaf set, pushed or pulled: its peers are learned, and each of our leaves that the
   * peer should list but does not (it lies between the peer and one of the peer's listed leaves
   * on the same side) gets a KeepAlive: the peer may have found it dead. If it does not answer,
   * the engine reports it failed; so a dead leaf leaves every leaf set within a few exchanges,
   * not only those of the two peers that probe it.
   */
  private void leafSetOf(PeerRef from, List<PeerRef> theirs) {
    theirs.forEach(this::hearsOf);
    if (!running) {
      return;
    }
    Set<Bytes> listed = new HashSet<>();
    for (PeerRef q : theirs) {
      listed.add(q.id());
    }
    for (PeerRef p : leafSet()) {
      Bytes id = p.id();
      if (id.equals(from.id()) || listed.contains(id) || probing.contains(id)
          || !shouldList(from.id(), id, theirs)) {
        continue;
      }
      suspectProbes.increment();
      probe(p);
    }
  }

  /**
   * A KeepAlive to {@code p}, unless one is on its way: an answer makes the engine report it
   * seen (and learned directly), no answer makes it report it failed (and forgotten).
   */
  private void probe(PeerRef p) {
    Bytes id = p.id();
    if (!running || !probing.add(id)) {
      return;
    }
    Requests.keepAlive(ctx, p, new OverlayContext.Reply() {
      @Override
      public void onResponse(Message response) {
        probing.remove(id);
        if (meeting != null) {
          exchangeWithNew(meeting);
        }
      }

      @Override
      public void onFailure(int code, String reason) {
        probing.remove(id);
      }
    });
  }

  /** Whether x lies between {@code owner} and one of its listed leaves on the same side. */
  private boolean shouldList(Bytes owner, Bytes x, List<PeerRef> leaves) {
    Bytes opposite = Ring.plusPowerOfTwo(owner, bits - 1);
    for (PeerRef q : leaves) {
      Bytes id = q.id();
      if (id.length() != owner.length() || id.equals(owner)) {
        continue;
      }
      boolean clockwiseSide = Ring.compareClockwise(owner, id, opposite) < 0;
      if (clockwiseSide ? Ring.inOpenClosed(x, owner, id) && !x.equals(id)
          : Ring.inOpenClosed(x, id, owner) && !x.equals(owner)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void stop() {
    running = false;
  }

  /** A peer heard of from another: learned unless it was found dead lately. */
  private void hearsOf(PeerRef p) {
    if (!sameSpace(p.id())) {
      return;
    }
    if (gone.ignores(p.id(), ctx.now())) {
      ctx.counters().increment("bamboo.ignored-recently-gone");
      return;
    }
    learn(p, false);
  }

  /**
   * Keeps a peer if it belongs to the leaf set or fills its routing-table entry (or, heard from
   * directly, is nearer by round trip than the entry's peer); then drops what it pushed out.
   */
  private void learn(PeerRef p, boolean direct) {
    Bytes id = p.id();
    if (!sameSpace(id)) {
      return;
    }
    PeerRef held = known.get(id);
    if (held != null) {
      if (direct && !held.endpoint().equals(p.endpoint())) {
        replace(held, p); // the peer restarted at another address
      }
      return;
    }
    int r = row(id);
    int c = digit(id, r);
    PeerRef current = table[r] == null ? null : table[r][c];
    boolean takeEntry = current == null || direct && nearerByRtt(p, current);
    List<PeerRef> cw = side(true, half);
    List<PeerRef> ccw = side(false, half);
    boolean leaf = isLeaf(id, cw, ccw);
    if (!takeEntry && !leaf) {
      return;
    }
    if (leaf && !direct) {
      // A leaf decides who owns keys: heard of second-hand, it may be dead (its neighbours may
      // not have noticed yet), so it joins the leaf set only once it answers a KeepAlive.
      probe(p);
      return;
    }
    // The leaves at the edges may fall out of the leaf set once p is in.
    List<PeerRef> edges = new ArrayList<>(3);
    if (cw.size() == half) {
      edges.add(cw.get(half - 1));
    }
    if (ccw.size() == half) {
      edges.add(ccw.get(half - 1));
    }
    known.put(id, p);
    changes++;
    if (takeEntry) {
      if (table[r] == null) {
        table[r] = new PeerRef[1 << digitBits];
      }
      table[r][c] = p;
      if (current != null) {
        proximityReplacements.increment();
        edges.add(current);
      }
    }
    if (!edges.isEmpty()) {
      List<PeerRef> cwNow = side(true, half);
      List<PeerRef> ccwNow = side(false, half);
      for (PeerRef e : edges) {
        if (known.get(e.id()) == e && !isLeaf(e.id(), cwNow, ccwNow) && !isEntry(e.id())) {
          known.remove(e.id());
        }
      }
    }
    if (leaf) {
      ctx.responsibilityChanged();
    }
  }

  private boolean nearerByRtt(PeerRef p, PeerRef current) {
    long rp = ctx.rttMillis(p);
    if (rp < 0) {
      return false;
    }
    long rc = ctx.rttMillis(current);
    return rc < 0 || rp < rc;
  }

  private void replace(PeerRef held, PeerRef p) {
    known.put(p.id(), p);
    int r = row(p.id());
    if (table[r] != null && table[r][digit(p.id(), r)] == held) {
      table[r][digit(p.id(), r)] = p;
    }
    changes++;
  }

  private void forget(PeerRef peer) {
    Bytes id = peer.id();
    if (!sameSpace(id)) {
      return;
    }
    PeerRef held = known.get(id);
    if (held == null || !held.equals(peer)) {
      return; // not kept, or kept at a newer address
    }
    boolean leaf = isLeaf(id);
    known.remove(id);
    int r = row(id);
    if (table[r] != null && table[r][digit(id, r)] == held) {
      table[r][digit(id, r)] = null;
    }
    changes++;
    gone.mark(id, ctx.now());
    if (leaf) {
      ctx.responsibilityChanged();
    }
  }

  // ---------------------------------------------------------------------------- maintenance

  /** Liveness: a KeepAlive to the nearest peer on each side. */
  private void probeNearest() {
    if (!running) {
      return;
    }
    for (PeerRef p : neighborJoinTargets()) {
      Requests.keepAlive(ctx, p, r -> {});
    }
  }


  /** Periodic leaf-set recovery: push ours to a random leaf and pull its own. */
  private void pushPullLeafSet() {
    if (!running || known.isEmpty()) {
      return;
    }
    leafRounds.increment();
    List<PeerRef> leaves = leafSet();
    exchange(leaves.get(ctx.random().nextInt(leaves.size())), null);
  }

  /**
   * Leaf-set exchange with the nearest peer on each side, then with any peer an answer makes the
   * nearest on a side, within one round: a node that just joined meets its neighbours at once.
   */
  private void exchangeWithNew(Set<Bytes> asked) {
    if (!running || asked.size() >= 2 * half) {
      return;
    }
    for (PeerRef p : neighborJoinTargets()) {
      if (asked.add(p.id())) {
        exchange(p, asked);
      }
    }
  }

  private void exchange(PeerRef to, Set<Bytes> follow) {
    Requests.exchangeNeighborTables(ctx, to, theirs -> {
      leafSetOf(to, theirs);
      if (follow != null) {
        exchangeWithNew(follow);
      }
    }, () -> {
      if (follow != null) {
        exchangeWithNew(follow); // the engine forgot `to`: the next nearest is asked
      }
    });
  }


  /**
   * Routing-table recovery: a lookup of a random ID in a random entry's range, among the rows up
   * to the first that has no peer (rows beyond are empty in an overlay of this size).
   */
  private void explore() {
    if (!running || known.isEmpty()) {
      return;
    }
    int filled = 0;
    while (filled < rows && table[filled] != null && hasPeer(table[filled])) {
      filled++;
    }
    int r = ctx.random().nextInt(Math.min(rows, filled + 1));
    int c = ctx.random().nextInt((1 << digitBits) - 1);
    if (c >= digit(selfId, r)) {
      c++; // any digit but ours
    }
    explorations.increment();
    ctx.lookupPeers(randomInEntry(r, c), EXPLORE_COUNT, peers -> peers.forEach(this::hearsOf));
  }

  private static boolean hasPeer(PeerRef[] row) {
    for (PeerRef p : row) {
      if (p != null) {
        return true;
      }
    }
    return false;
  }

  /** A random ID whose first r digits are ours and whose digit r is c. */
  private Bytes randomInEntry(int r, int c) {
    byte[] b = new byte[selfId.length()];
    ctx.random().nextBytes(b);
    for (int i = 0; i < Math.min(bits, (r + 1) * digitBits); i++) {
      boolean v = i < r * digitBits ? Xor.bit(selfId, i)
          : ((c >>> ((r + 1) * digitBits - 1 - i)) & 1) != 0;
      int mask = 0x80 >>> (i & 7);
      b[i >>> 3] = (byte) (v ? b[i >>> 3] | mask : b[i >>> 3] & ~mask);
    }
    return Bytes.ownerOf(b);
  }

  // ----------------------------------------------------------------------------------- views

  @Override
  public List<PeerRef> routingTable() {
    List<PeerRef> out = new ArrayList<>();
    for (PeerRef[] row : table) {
      if (row != null) {
        for (PeerRef p : row) {
          if (p != null) {
            out.add(p);
          }
        }
      }
    }
    return out;
  }

  @Override
  public List<PeerRef> neighborTable() {
    return leafSet();
  }

  @Override
  public long tablesVersion() {
    return changes;
  }
}
