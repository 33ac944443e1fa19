package org.openvoip.p2pp.overlay.kademlia;

import java.util.ArrayList;
import java.util.List;
import org.openvoip.p2pp.env.Counters;
import org.openvoip.p2pp.overlay.Overlay;
import org.openvoip.p2pp.overlay.OverlayContext;
import org.openvoip.p2pp.overlay.PeerRef;
import org.openvoip.p2pp.overlay.RecentlyGone;
import org.openvoip.p2pp.overlay.Requests;
import org.openvoip.p2pp.overlay.Xor;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.Message;
import org.openvoip.p2pp.wire.WireObject;
import org.openvoip.p2pp.wire.WireObject.P2pOptions;

/**
 * Kademlia (Maymounkov and Mazieres, IPTPS 2002) on P2PP messages.
 *
 * <p>The distance between two IDs is their XOR. Bucket {@code j} holds up to k peers that share
 * exactly the first j bits of this node's ID, least recently seen first. A peer heard from
 * directly goes to the tail of its bucket; when the bucket is full, its least recently seen
 * peer gets a KeepAlive: if it answers it stays (and the newcomer waits in the bucket's
 * replacement cache), if not it is dropped and the newest replacement takes its place. Peers
 * only heard of (in another peer's tables or a lookup's answer) fill free room and never push
 * anyone out.
 *
 * <p>A peer nearer a key than this node shares the key's first bits up to a bit where the key
 * differs from this node, so it sits in a bucket whose index is such a bit: this node is
 * responsible for a key exactly when all those buckets are empty, one test per 64 bits against
 * a bit set of the non-empty buckets. The same order (the key's differing bits first, then
 * this node, then the agreeing bits from the deepest) lists the known peers nearest a key
 * without sorting the table.
 *
 * <ul>
 *   <li>join: the Join routed to our own ID is the lookup of it; the node that admits us sends
 *       its tables, and we then refresh every bucket farther than our nearest neighbour;
 *   <li>neighbours (every NMT): an ExchangeTable with each of the {@code successors} nearest
 *       peers, pushing our nearest peers and learning theirs, so that neighbours know each
 *       other and a dead one is found within a period;
 *   <li>bucket refresh (every RMT): a LookupPeer for a random ID in the bucket refreshed
 *       longest ago, among those from 0 to our deepest non-empty one, started at the peers we
 *       know even when the bucket is empty and our table says we own the ID;
 *   <li>lookups: iterative and parallel (alpha) through the engine's lookup, which orders
 *       candidates by {@link #rankForKey} and {@link #compareForKey}.
 * </ul>
 */
final class Kademlia implements Overlay {
  /** Peers asked for in a bucket refresh's LookupPeer (they fit one datagram). */
  private static final int REFRESH_COUNT = 8;

  private final OverlayContext ctx;
  private final Bytes selfId;
  private final int bits;
  private final int k;
  private final int neighbors;
  private final Bucket[] buckets;
  /** Bit j (most significant first, as in IDs) is set when bucket j holds a peer. */
  private final long[] nonEmpty;
  private int size;
  private long changes;
  private boolean running;
  private final RecentlyGone gone;
  private final Counters.Counter refreshes;
  private final Counters.Counter evictionChecks;
  private final Counters.Counter neighborRounds;

  /** One k-bucket: peers least recently seen first, and the replacement cache. */
  private static final class Bucket {
    final List<PeerRef> peers = new ArrayList<>(4);
    final List<PeerRef> replacements = new ArrayList<>(0);
    boolean checking;
    long refreshedAt;
  }

  Kademlia(OverlayContext ctx) {
    this.ctx = ctx;
    this.gone = new RecentlyGone(RecentlyGone.windowOf(ctx));
    this.selfId = ctx.self().id();
    this.bits = 8 * selfId.length();
    this.k = ctx.config().bucketSize();
    this.neighbors = ctx.config().successors();
    this.buckets = new Bucket[bits];
    this.nonEmpty = new long[(bits + 63) / 64];
    this.refreshes = ctx.counters().counter("kademlia.bucket-refreshes");
    this.evictionChecks = ctx.counters().counter("kademlia.eviction-checks");
    this.neighborRounds = ctx.counters().counter("kademlia.neighbor-rounds");
  }

  @Override
  public int p2pAlgorithm() {
    return P2pOptions.P2P_KADEMLIA;
  }

  // ----------------------------------------------------------------------------- the table

  private boolean sameSpace(Bytes id) {
    return id.length() == selfId.length() && !id.equals(selfId);
  }

  private int bucketOf(Bytes id) {
    return Xor.commonPrefix(selfId, id);
  }

  private Bucket bucket(int j) {
    Bucket b = buckets[j];
    if (b == null) {
      b = new Bucket();
      b.refreshedAt = ctx.now();
      buckets[j] = b;
    }
    return b;
  }

  private static int indexOf(List<PeerRef> peers, Bytes id) {
    for (int i = 0; i < peers.size(); i++) {
      if (peers.get(i).id().equals(id)) {
        return i;
      }
    }
    return -1;
  }

  private void markNonEmpty(int j, boolean on) {
    long bit = 1L << (63 - (j & 63));
    if (on) {
      nonEmpty[j >>> 6] |= bit;
    } else {
      nonEmpty[j >>> 6] &= ~bit;
    }
  }

  private void added(int j, PeerRef p) {
    size++;
    changes++;
    if (buckets[j].peers.size() == 1) {
      markNonEmpty(j, true);
    }
    if (isNeighbor(p.id())) {
      ctx.responsibilityChanged();
    }
  }

  /** The bucket indices holding peers, from the shallowest. */
  private int[] nonEmptyBuckets() {
    int count = 0;
    for (long w : nonEmpty) {
      count += Long.bitCount(w);
    }
    int[] out = new int[count];
    int n = 0;
    for (int w = 0; w < nonEmpty.length; w++) {
      long x = nonEmpty[w];
      while (x != 0) {
        int lead = Long.numberOfLeadingZeros(x);
        out[n++] = 64 * w + lead;
        x &= ~(1L << (63 - lead));
      }
    }
    return out;
  }

  /** Bits of {@code key} that differ from this node's, in the layout of {@link #nonEmpty}. */
  private long differing(Bytes key, int w) {
    return key.longAt(8 * w) ^ selfId.longAt(8 * w);
  }

  /**
   * Up to {@code count} known peers nearest {@code key}, nearest first, this node among them
   * when {@code withSelf}. Buckets at a bit where the key differs from this node hold peers
   * nearer the key than this node, the shallowest such bucket the nearest; then this node;
   * then buckets at bits where they agree, the deepest first.
   */
  private List<PeerRef> nearest(Bytes key, int count, boolean withSelf) {
    List<PeerRef> out = new ArrayList<>(Math.max(0, count));
    if (count <= 0) {
      return out;
    }
    int[] js = nonEmptyBuckets();
    for (int j : js) {
      if (Xor.bit(key, j) != Xor.bit(selfId, j) && takeSorted(buckets[j].peers, key, count, out)) {
        return out;
      }
    }
    if (withSelf) {
      out.add(ctx.self());
      if (out.size() >= count) {
        return out;
      }
    }
    for (int x = js.length - 1; x >= 0; x--) {
      int j = js[x];
      if (Xor.bit(key, j) == Xor.bit(selfId, j) && takeSorted(buckets[j].peers, key, count, out)) {
        return out;
      }
    }
    return out;
  }

  /** Adds a bucket's peers nearest {@code key} first until {@code out} holds {@code count}. */
  private static boolean takeSorted(List<PeerRef> peers, Bytes key, int count,
      List<PeerRef> out) {
    if (peers.size() <= 1) { // nothing to sort; out has room, or the caller had returned
      out.addAll(peers);
      return out.size() >= count;
    }
    List<PeerRef> sorted = new ArrayList<>(peers);
    sorted.sort((a, b) -> Xor.compare(key, a.id(), b.id()));
    for (int i = 0; i < sorted.size() && out.size() < count; i++) {
      out.add(sorted.get(i));
    }
    return out.size() >= count;
  }

  /** Whether {@code id} is, or would be, among the {@code neighbors} peers nearest this node. */
  private boolean isNeighbor(Bytes id) {
    List<PeerRef> near = nearest(selfId, neighbors + 1, false);
    return near.size() <= neighbors || Xor.compare(selfId, id, near.get(neighbors).id()) <= 0;
  }

  // ------------------------------------------------------------------------------- routing

  @Override
  public boolean isResponsible(Bytes key) {
    for (int w = 0; w < nonEmpty.length; w++) {
      if ((differing(key, w) & nonEmpty[w]) != 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public PeerRef responsibleIfGone(Bytes key) {
    // The one known peer nearer the key than this node, if there is exactly one.
    PeerRef only = null;
    for (int w = 0; w < nonEmpty.length; w++) {
      long x = differing(key, w) & nonEmpty[w];
      while (x != 0) {
        int lead = Long.numberOfLeadingZeros(x);
        List<PeerRef> peers = buckets[64 * w + lead].peers;
        if (only != null || peers.size() > 1) {
          return null;
        }
        only = peers.get(0);
        x &= ~(1L << (63 - lead));
      }
    }
    return only;
  }

  @Override
  public List<PeerRef> nextHops(Bytes key, int max) {
    return nearest(key, max, false);
  }

  @Override
  public int compareForKey(Bytes key, Bytes a, Bytes b) {
    return Xor.compare(key, a, b);
  }

  @Override
  public long rankForKey(Bytes key, Bytes id) {
    return key.length() == id.length() ? Xor.top(key, id) : 0;
  }

  @Override
  public List<PeerRef> closestPeers(Bytes key, int count) {
    return nearest(key, count, true);
  }

  @Override
  public List<PeerRef> replicaSet(Bytes key, int count) {
    return nearest(key, count, false);
  }

  // ---------------------------------------------------------------------------- membership

  @Override
  public void joined(PeerRef admitting, List<PeerRef> neighborTable, List<PeerRef> routingTable) {
    running = true;
    if (admitting != null) {
      seen(admitting);
    }
    neighborTable.forEach(this::hearsOf);
    routingTable.forEach(this::hearsOf);
    ctx.every(ctx.config().neighborMaintenanceMillis(), this::exchangeWithNeighbors);
    ctx.every(ctx.config().routingMaintenanceMillis(), this::refreshStalest);
    if (admitting != null) {
      exchangeWithNeighbors();
      ctx.schedule(1 + ctx.random().nextInt(1000), this::refreshAfterJoin);
    }
  }

  @Override
  public List<PeerRef> neighborJoinTargets() {
    return nearest(selfId, neighbors, false);
  }

  @Override
  public void peerSeen(PeerRef peer) {
    gone.clear(peer.id());
    seen(peer);
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
    seen(from);
    neighborTable.forEach(this::hearsOf);
    routingTable.forEach(this::hearsOf);
  }

  @Override
  public void stop() {
    running = false;
  }

  /** A peer heard from directly: to the tail of its bucket, or the eviction rule. */
  private void seen(PeerRef p) {
    if (!sameSpace(p.id())) {
      return;
    }
    int j = bucketOf(p.id());
    Bucket b = bucket(j);
    int i = indexOf(b.peers, p.id());
    if (i >= 0) {
      PeerRef held = b.peers.get(i);
      if (i != b.peers.size() - 1) {
        b.peers.remove(i);
        b.peers.add(p);
      } else if (held != p) {
        b.peers.set(i, p);
      }
      if (!held.endpoint().equals(p.endpoint())) {
        changes++; // restarted at another address
      }
      return;
    }
    if (b.peers.size() < k) {
      b.peers.add(p);
      added(j, p);
      return;
    }
    int r = indexOf(b.replacements, p.id());
    if (r >= 0) {
      b.replacements.remove(r);
    } else if (b.replacements.size() >= k) {
      b.replacements.remove(0);
    }
    b.replacements.add(p);
    checkLeastRecentlySeen(b);
  }

  /**
   * The bucket is full and a newcomer waits: a KeepAlive to the least recently seen peer. If it
   * answers, the engine reports it seen (to the tail); if not, it is forgotten and the newest
   * replacement moves in.
   */
  private void checkLeastRecentlySeen(Bucket b) {
    if (b.checking || !running) {
      return;
    }
    b.checking = true;
    evictionChecks.increment();
    PeerRef oldest = b.peers.get(0);
    Requests.keepAlive(ctx, oldest, new OverlayContext.Reply() {
      @Override
      public void onResponse(Message response) {
        b.checking = false;
      }

      @Override
      public void onFailure(int code, String reason) {
        b.checking = false; // the engine has called peerFailed, which promoted a replacement
      }
    });
  }


  /** A peer heard of from another: it fills free room only, unless it was found dead lately. */
  private void hearsOf(PeerRef p) {
    if (!sameSpace(p.id())) {
      return;
    }
    if (gone.ignores(p.id(), ctx.now())) {
      ctx.counters().increment("kademlia.ignored-recently-gone");
      return;
    }
    int j = bucketOf(p.id());
    Bucket b = bucket(j);
    if (b.peers.size() < k && indexOf(b.peers, p.id()) < 0) {
      b.peers.add(0, p); // not seen yet: first in line for the eviction check
      added(j, p);
    }
  }

  private void forget(PeerRef peer) {
    if (!sameSpace(peer.id())) {
      return;
    }
    int j = bucketOf(peer.id());
    Bucket b = buckets[j];
    if (b == null) {
      return;
    }
    int r = indexOf(b.replacements, peer.id());
    if (r >= 0 && b.replacements.get(r).equals(peer)) {
      b.replacements.remove(r);
    }
    int i = indexOf(b.peers, peer.id());
    if (i < 0 || !b.peers.get(i).equals(peer)) {
      return; // not held, or held at a newer address
    }
    b.peers.remove(i);
    size--;
    changes++;
    gone.mark(peer.id(), ctx.now());
    if (!b.replacements.isEmpty()) {
      b.peers.add(b.replacements.remove(b.replacements.size() - 1));
      size++;
    } else if (b.peers.isEmpty()) {
      markNonEmpty(j, false);
    }
    if (isNeighbor(peer.id())) {
      ctx.responsibilityChanged();
    }
  }

  // ---------------------------------------------------------------------------- maintenance

  /**
   * ExchangeTable with each neighbour: push our nearest peers, learn theirs. A peer that an
   * answer makes one of our neighbours is asked in turn, in the same round, so that a node that
   * just joined (or restarted) meets all its neighbours directly at once, and they learn it
   * from it rather than second-hand.
   */
  private void exchangeWithNeighbors() {
    if (!running || size == 0) {
      return;
    }
    neighborRounds.increment();
    exchangeWithNew(new java.util.HashSet<>());
  }

  private void exchangeWithNew(java.util.Set<Bytes> asked) {
    if (!running || asked.size() >= 3 * neighbors) {
      return;
    }
    for (PeerRef n : nearest(selfId, neighbors, false)) {
      if (asked.add(n.id())) {
        Requests.exchangeNeighborTables(ctx, n, theirs -> {
          theirs.forEach(this::hearsOf);
          exchangeWithNew(asked);
        }, () -> exchangeWithNew(asked)); // the engine forgot n: the next nearest is asked
      }
    }
  }


  /** The deepest non-empty bucket, or -1. */
  private int deepest() {
    for (int w = nonEmpty.length - 1; w >= 0; w--) {
      if (nonEmpty[w] != 0) {
        return 64 * w + 63 - Long.numberOfTrailingZeros(nonEmpty[w]);
      }
    }
    return -1;
  }

  /** Bucket refresh: a lookup of a random ID in the bucket refreshed longest ago. */
  private void refreshStalest() {
    int last = deepest();
    if (!running || last < 0) {
      return;
    }
    int stalest = 0;
    long oldest = Long.MAX_VALUE;
    for (int j = 0; j <= last; j++) {
      long at = buckets[j] == null ? Long.MIN_VALUE : buckets[j].refreshedAt;
      if (at < oldest) {
        oldest = at;
        stalest = j;
      }
    }
    refresh(stalest, null);
  }

  private void refresh(int j, Runnable then) {
    refreshes.increment();
    bucket(j).refreshedAt = ctx.now();
    // Explored from the peers we know, not answered from our table: an empty bucket means no
    // known peer is nearer its IDs than we are, so our table would answer, and learn nothing.
    ctx.explorePeers(Xor.randomWithPrefix(selfId, j, ctx.random()), REFRESH_COUNT, peers -> {
      peers.forEach(this::hearsOf);
      if (then != null) {
        then.run();
      }
    });
  }

  /** After joining: refresh every bucket farther than the nearest neighbour, one at a time. */
  private void refreshAfterJoin() {
    int last = deepest();
    if (!running || last < 0) {
      return;
    }
    refreshFrom(last - 1);
  }

  private void refreshFrom(int j) {
    if (!running || j < 0) {
      return;
    }
    refresh(j, () -> refreshFrom(j - 1));
  }

  // ----------------------------------------------------------------------------------- views

  @Override
  public List<PeerRef> routingTable() {
    List<PeerRef> out = new ArrayList<>(size);
    for (int j : nonEmptyBuckets()) {
      List<PeerRef> sorted = new ArrayList<>(buckets[j].peers);
      sorted.sort((a, b) -> a.id().compareTo(b.id()));
      out.addAll(sorted);
    }
    return out;
  }

  @Override
  public List<PeerRef> neighborTable() {
    return nearest(selfId, neighbors, false);
  }

  @Override
  public long tablesVersion() {
    return changes;
  }
}
