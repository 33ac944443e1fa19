package org.openvoip.p2pp.overlay.chord;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openvoip.p2pp.env.Counters;
import org.openvoip.p2pp.overlay.Overlay;
import org.openvoip.p2pp.overlay.OverlayContext;
import org.openvoip.p2pp.overlay.PeerRef;
import org.openvoip.p2pp.overlay.Requests;
import org.openvoip.p2pp.overlay.Ring;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.Message;
import org.openvoip.p2pp.wire.Method;
import org.openvoip.p2pp.wire.WireObject;
import org.openvoip.p2pp.wire.WireObject.NeighborTable;
import org.openvoip.p2pp.wire.WireObject.PeerInfo;
import org.openvoip.p2pp.wire.WireObject.P2pOptions;
import org.openvoip.p2pp.wire.WireObject.RequestOptions;

/**
 * Chord (Stoica et al., SIGCOMM 2001) on P2PP messages.
 *
 * <p>Everything this node knows about other peers sits in one table ordered by clockwise
 * distance from this node ({@link ClockwiseTable}, a small sorted array). Its first {@code s} entries are the successor list, its last two the
 * predecessors, and the rest only the true fingers (the first known peer at or after
 * n + 2^i for some i); any other entry is dropped when learned. So the finger table, successor
 * list and predecessor are views of one structure, each query is O(log n), and a node holds
 * about log2(N) + s + 2 peers.
 *
 * <ul>
 *   <li>stabilize (every NMT): an ExchangeTable request to the first successor asks for its
 *       neighbour table (N) and pushes ours; its predecessor and successor list refresh ours,
 *       and our request, carrying our Peer-Info, is Chord's notify.
 *   <li>check-predecessor (every KAT): a KeepAlive to the predecessor.
 *   <li>fix-fingers (every RMT): a LookupPeer for n + 2^i for each i beyond the successor list,
 *       one after the other.
 *   <li>join: the peer responsible for our ID answers the Join with its neighbour and routing
 *       tables; we then send a Join with the S flag to it (our successor) and its predecessor
 *       (ours). Leave: the engine sends Leave indications to the neighbour table.
 * </ul>
 */
final class Chord implements Overlay {
  private final OverlayContext ctx;
  private final Bytes selfId;
  private final int successorsWanted;
  private final ClockwiseTable table;
  private final Counters.Counter stabilizeRounds;
  private final Counters.Counter fixFingerRounds;
  private final Counters.Counter fingerLookups;
  private final Counters.Counter fingerChecks;
  /**
   * Peers found dead (a request failed, a Leave, or the successor no longer lists them), with
   * when: second-hand news of them is ignored for a while, or neighbours that have not noticed
   * yet would push a dead peer back into the lists of those that have, round the ring for ever.
   * Hearing from the peer itself (a restart) clears its entry.
   */
  private final Map<PeerRef, Long> gone = new java.util.HashMap<>();
  private boolean running;
  private boolean fixing;
  private boolean stabilizeSoonPending;
  /** Neighbour tables of fingers asked during the current fix-fingers round. */
  private final Map<Bytes, List<PeerRef>> roundTables = new java.util.HashMap<>();

  Chord(OverlayContext ctx) {
    this.ctx = ctx;
    this.stabilizeRounds = ctx.counters().counter("chord.stabilize");
    this.fixFingerRounds = ctx.counters().counter("chord.fix-fingers");
    this.fingerLookups = ctx.counters().counter("chord.finger-lookups");
    this.fingerChecks = ctx.counters().counter("chord.finger-checks");
    this.selfId = ctx.self().id();
    this.successorsWanted = ctx.config().successors();
    this.table = new ClockwiseTable(selfId);
  }

  @Override
  public int p2pAlgorithm() {
    return P2pOptions.P2P_CHORD;
  }

  // ------------------------------------------------------------------------------- routing

  @Override
  public boolean isResponsible(Bytes key) {
    if (table.isEmpty() || key.equals(selfId)) {
      return true;
    }
    // (predecessor, self]: the key is farther clockwise than the predecessor.
    return keyCeiling(key) == table.size();
  }

  /**
   * The table's ceiling for a routing key, remembered for the last key: routing one request
   * asks whether this node is responsible, whether it would be if its predecessor were gone,
   * and for the next hops, all about the same key object.
   */
  private int keyCeiling(Bytes key) {
    if (key != ceilingKey || table.changes() != ceilingChanges) {
      ceilingKey = key;
      ceilingChanges = table.changes();
      ceilingOfKey = table.ceiling(key);
    }
    return ceilingOfKey;
  }

  private Bytes ceilingKey;
  private long ceilingChanges;
  private int ceilingOfKey;

  @Override
  public PeerRef responsibleIfGone(Bytes key) {
    if (table.size() < 2 || isResponsible(key)) {
      return null;
    }
    // key in (second predecessor, predecessor]: ours if the predecessor is gone
    return keyCeiling(key) == table.size() - 1 ? table.last() : null;
  }

  @Override
  public List<PeerRef> nextHops(Bytes key, int max) {
    List<PeerRef> out = new ArrayList<>(max);
    if (table.isEmpty() || max <= 0) {
      return out;
    }
    int c = keyCeiling(key);
    if (c == 0 && !key.equals(selfId)) {
      // key in (self, successor]: the successor is responsible; then the rest of the list.
      return successors(max);
    }
    // Closest preceding nodes first: the largest distances not beyond the key (a peer whose ID
    // is the key included). The last slot goes to the first known peer after the key: if the
    // peers before the key are dead, it is the one that takes the key over (and probes its
    // predecessor when asked).
    boolean exact = c < table.size() && table.id(c).equals(key);
    int start = exact ? c : c - 1;
    PeerRef after = c < table.size() ? table.get(c) : null;
    int preceding = after != null && max > 1 ? max - 1 : max;
    for (int i = start; i >= 0 && out.size() < preceding; i--) {
      out.add(table.get(i));
    }
    if (after != null && out.size() < max && !out.contains(after)) {
      out.add(after);
    }
    return out;
  }

  @Override
  public int compareForKey(Bytes key, Bytes a, Bytes b) {
    // Nearer to the key counter-clockwise: the key itself first, then the larger clockwise
    // distance from the key.
    boolean ak = a.equals(key);
    boolean bk = b.equals(key);
    if (ak || bk) {
      return ak == bk ? 0 : ak ? -1 : 1;
    }
    return Ring.compareClockwise(key, b, a);
  }

  /**
   * The top 64 bits of the counter-clockwise distance from the key, (key - id) mod 2^m: the key
   * itself is 0, and a larger clockwise distance is a smaller counter-clockwise one.
   */
  @Override
  public long rankForKey(Bytes key, Bytes id) {
    return key.length() == id.length() ? Ring.topOfDifference(key, id) : 0;
  }

  @Override
  public List<PeerRef> closestPeers(Bytes key, int count) {
    List<PeerRef> out = new ArrayList<>(count);
    if (count <= 0) {
      return out;
    }
    if (isResponsible(key)) {
      out.add(ctx.self());
      for (int i = 0; i < table.size() && out.size() < count; i++) {
        out.add(table.get(i));
      }
      return out;
    }
    int c = table.ceiling(key);
    for (int i = c; i < table.size() && out.size() < count; i++) {
      out.add(table.get(i));
    }
    if (out.size() < count) {
      out.add(ctx.self());
    }
    for (int i = 0; i < c && out.size() < count; i++) {
      out.add(table.get(i));
    }
    return out;
  }

  @Override
  public List<PeerRef> replicaSet(Bytes key, int count) {
    return successors(count);
  }

  private List<PeerRef> successors(int count) {
    List<PeerRef> out = new ArrayList<>(Math.max(0, Math.min(count, table.size())));
    for (int i = 0; i < table.size() && i < count; i++) {
      out.add(table.get(i));
    }
    return out;
  }

  private PeerRef predecessor() {
    return table.last();
  }

  // ---------------------------------------------------------------------------- membership

  @Override
  public void joined(PeerRef admitting, List<PeerRef> neighborTable, List<PeerRef> routingTable) {
    if (admitting != null) {
      learn(admitting);
    }
    neighborTable.forEach(this::learn);
    routingTable.forEach(this::learn);
    running = true;
    long nmt = ctx.config().neighborMaintenanceMillis();
    long kat = ctx.config().keepAliveMillis();
    long rmt = ctx.config().routingMaintenanceMillis();
    // Each task returns at once once stop() has cleared `running`.
    ctx.every(nmt, this::stabilize);
    ctx.every(kat, this::checkPredecessor);
    ctx.every(rmt, this::fixFingers);
    if (admitting != null) {
      stabilizeSoon();
      ctx.schedule(1 + ctx.random().nextInt(1000), this::fixFingers);
    }
  }

  @Override
  public List<PeerRef> neighborJoinTargets() {
    List<PeerRef> out = new ArrayList<>(2);
    if (!table.isEmpty()) {
      out.add(table.first());
      PeerRef pred = predecessor();
      if (!pred.id().equals(out.get(0).id())) {
        out.add(pred);
      }
    }
    return out;
  }

  @Override
  public void peerSeen(PeerRef peer) {
    if (!gone.isEmpty()) {
      gone.remove(peer);
    }
    learn(peer);
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
    gone.remove(from);
    learn(from);
    boolean pure = gone.isEmpty(); // then hearing of a peer is learning it
    long before = table.changes();
    if (pure && learnedBefore(routingTable, neighborTable, before)) {
      return;
    }
    neighborTable.forEach(this::hearsOf);
    routingTable.forEach(this::hearsOf);
    if (pure && table.changes() == before) {
      int k = nextLearned;
      nextLearned = 1 - k;
      learned[2 * k] = routingTable;
      learned[2 * k + 1] = neighborTable;
      learnedAt[k] = before;
    }
  }

  /**
   * The last two pairs of table lists that taught this node nothing, with its table's change
   * count then. Neighbours send the same table objects over and over (the engine builds them
   * once per change, and a received table's peers are read once per table object); learning
   * the same lists again, into the same table, changes nothing again, so it is skipped.
   */
  private final Object[] learned = new Object[4];
  private final long[] learnedAt = {-1, -1};
  private int nextLearned;

  private boolean learnedBefore(List<PeerRef> routingTable, List<PeerRef> neighborTable,
      long changes) {
    for (int k = 0; k < 2; k++) {
      if (learnedAt[k] == changes && learned[2 * k] == routingTable
          && learned[2 * k + 1] == neighborTable) {
        return true;
      }
    }
    return false;
  }

  /** How long second-hand news of a dead peer is ignored: a few stabilization rounds. */
  private long goneMillis() {
    return 4 * Math.max(ctx.config().neighborMaintenanceMillis(),
        ctx.config().keepAliveMillis());
  }

  private void markGone(PeerRef p) {
    long now = ctx.now();
    if (gone.size() > 256) {
      gone.values().removeIf(t -> now - t > goneMillis());
    }
    gone.put(p, now);
  }

  /** Learns a peer from another peer's tables, unless it was found dead recently. */
  private void hearsOf(PeerRef p) {
    Long since = gone.get(p);
    if (since != null) {
      if (ctx.now() - since < goneMillis()) {
        ctx.counters().increment("chord.ignored-recently-gone");
        return;
      }
      gone.remove(p);
    }
    learn(p);
  }

  @Override
  public void stop() {
    running = false; // pending timers find it stopped and do nothing
  }

  /** Adds a live peer if it is a successor, one of the two predecessors, or a finger. */
  void learn(PeerRef p) {
    Bytes d = p.id();
    if (d.length() != selfId.length() || d.equals(selfId)) {
      return;
    }
    long t = table.top(d);
    int c = table.ceiling(t, d);
    boolean held = table.holds(c, t, d);
    if (held && table.get(c).equals(p)) {
      return; // the common case: a peer we already hold, heard from again
    }
    if (!held && !wouldKeep(c, t, d)) {
      return; // neither successor, predecessor nor finger: it would be pruned at once
    }
    boolean wasSuccessorOrPredecessor = held && inNeighborhood(c);
    int i = table.put(p);
    if (i == 0 && !held) {
      stabilizeSoon(); // a new first successor: notify it now, not at the next period
    }
    boolean changed = inNeighborhood(i);
    // The new entry may replace the finger after it; then entries pushed out of the successor
    // list or off the predecessor end.
    int after = prune(i) ? i : i + 1;
    if (after < table.size()) {
      prune(after);
    }
    if (successorsWanted < table.size()) {
      prune(successorsWanted);
    }
    if (table.size() >= 3) {
      prune(table.size() - 3);
    }
    if (changed || wasSuccessorOrPredecessor) {
      ctx.responsibilityChanged();
    }
  }

  private void forget(PeerRef peer) {
    if (peer.id().length() != selfId.length()) {
      return;
    }
    int i = table.indexOf(peer.id());
    if (i < 0 || !table.get(i).equals(peer)) {
      return; // not held, or held at a newer address
    }
    markGone(table.remove(i));
    ctx.responsibilityChanged();
  }

  /** Whether a peer not in the table, which would go at index c, would survive pruning. */
  private boolean wouldKeep(int c, long t, Bytes d) {
    int n = table.size();
    if (n < successorsWanted + 2) {
      return true;
    }
    if (c < successorsWanted || c >= n - 1) {
      return true; // a successor, or beyond the second predecessor
    }
    return table.slot(c - 1) < table.slotOf(t, d); // a finger (c > 0 here)
  }

  /** Whether entry i is a successor or one of the two predecessors. */
  private boolean inNeighborhood(int i) {
    return i < successorsWanted || i >= table.size() - 2;
  }

  /**
   * Drops entry i unless it is a successor, a predecessor or a finger; returns whether it was
   * dropped.
   */
  private boolean prune(int i) {
    if (inNeighborhood(i) || isFinger(i)) {
      return false;
    }
    table.remove(i);
    return true;
  }

  /**
   * Whether entry i is the first known peer at or after self + 2^b, where 2^b is the highest
   * power of two in its distance from us: no entry before it falls in the same slot.
   */
  private boolean isFinger(int i) {
    return i == 0 || table.slot(i - 1) < table.slot(i);
  }

  // ---------------------------------------------------------------------------- maintenance

  private List<PeerRef> neighborList() {
    // The predecessor (the last entry), then the successors; with a short table the
    // predecessor is also a successor and is listed once.
    int n = table.size();
    List<PeerRef> out = new ArrayList<>(successorsWanted + 1);
    if (n > 0) {
      out.add(table.last());
    }
    for (int i = 0; i < Math.min(successorsWanted, n - 1); i++) {
      out.add(table.get(i));
    }
    return out;
  }

  /** Runs stabilize within half a second, once, unless one is already due that soon. */
  private void stabilizeSoon() {
    if (!running || stabilizeSoonPending) {
      return;
    }
    stabilizeSoonPending = true;
    ctx.schedule(100 + ctx.random().nextInt(400), () -> {
      stabilizeSoonPending = false;
      stabilize();
    });
  }

  /** Stabilize: ask the successor for its neighbours, push ours (the request is the notify). */
  private void stabilize() {
    if (!running || table.isEmpty()) {
      return;
    }
    PeerRef succ = table.first();
    // The engine keeps the table object until our table changes: its bytes are encoded once,
    // and the successor, which receives the same table each round, converts it to peers once
    // (PeerRef.fromAll keeps them with the table, shared or decoded).
    stabilizeRounds.increment();
    Requests.exchangeNeighborTables(ctx, succ, theirs -> reconcile(succ, theirs), () -> {
      // The engine has forgotten the successor; try the next one soon.
      if (running && !table.isEmpty()) {
        ctx.schedule(100, this::stabilize);
      }
    });
  }

  /**
   * The successor's view replaces ours beyond it: peers we list between the successor and the
   * end of its successor list that it does not list are gone.
   */
  private void reconcile(PeerRef succ, List<PeerRef> theirs) {
    List<PeerRef> refs = new ArrayList<>(theirs.size());
    Bytes farthest = succ.id();
    // Only the successor's successors bound what it vouches for: those lie between it and us.
    // Its predecessor (us, or a peer before us it has not replaced yet) does not.
    for (PeerRef p : theirs) {
      if (p.id().length() != selfId.length()) {
        continue;
      }
      refs.add(p);
      if (!p.id().equals(selfId) && Ring.compareClockwise(succ.id(), p.id(), selfId) < 0
          && table.compare(p.id(), farthest) > 0) {
        farthest = p.id();
      }
    }
    boolean removed = false;
    // Entries strictly between the successor and the farthest peer it vouches for.
    int end = table.ceiling(farthest);
    for (int i = table.higher(succ.id()); i < end; ) {
      if (lists(refs, table.id(i))) {
        i++;
      } else {
        markGone(table.remove(i));
        end--;
        removed = true;
      }
    }
    for (PeerRef p : refs) {
      hearsOf(p);
    }
    if (removed) {
      ctx.responsibilityChanged();
    }
  }

  /** Whether one of the peers has this ID: a successor list is a handful, so a scan will do. */
  private static boolean lists(List<PeerRef> peers, Bytes id) {
    for (int k = 0; k < peers.size(); k++) {
      if (peers.get(k).id().equals(id)) {
        return true;
      }
    }
    return false;
  }

  /** Check-predecessor: a KeepAlive; if it goes unanswered the engine forgets the peer. */
  private void checkPredecessor() {
    PeerRef pred = predecessor();
    if (!running || pred == null) {
      return;
    }
    Requests.keepAlive(ctx, pred, r -> {});
  }

  /** Fix-fingers: look up n + 2^i for each i beyond the successor list, one at a time. */
  private void fixFingers() {
    if (!running || fixing || table.isEmpty()) {
      return;
    }
    List<PeerRef> succ = successors(successorsWanted);
    Bytes covered = succ.get(succ.size() - 1).id();
    List<Bytes> targets = new ArrayList<>();
    for (int i = selfId.length() * 8 - 1; i >= 0; i--) {
      Bytes start = Ring.plusPowerOfTwo(selfId, i);
      if (table.compare(start, covered) <= 0) {
        break;
      }
      targets.add(start);
    }
    fixing = true;
    fixFingerRounds.increment();
    fixNext(targets, 0);
  }

  private void fixNext(List<Bytes> targets, int i) {
    if (!running || i >= targets.size()) {
      fixing = false;
      if (!roundTables.isEmpty()) {
        roundTables.clear();
      }
      return;
    }
    Bytes start = targets.get(i);
    int c = table.ceiling(start);
    if (c == table.size()) {
      lookUpFinger(targets, i);
      return;
    }
    verifyFinger(start, table.get(c), 0, () -> fixNext(targets, i + 1));
  }

  /** The slow way: a LookupPeer for n + 2^i through the overlay. */
  private void lookUpFinger(List<Bytes> targets, int i) {
    fingerLookups.increment();
    ctx.lookupPeers(targets.get(i), 1, peers -> {
      for (PeerRef p : peers) {
        hearsOf(p);
        break;
      }
      fixNext(targets, i + 1);
    });
  }

  /**
   * The true successor of {@code start} lies between start and our finger {@code f}: if f's
   * predecessor is at or after start, it is nearer; walk back (at most three steps). One
   * ExchangeTable per finger usually settles it, and each finger's table is asked once a round.
   */
  private void verifyFinger(Bytes start, PeerRef f, int step, Runnable next) {
    List<PeerRef> known = roundTables.get(f.id());
    if (known != null) {
      walkBack(start, f, known, step, next);
      return;
    }
    fingerChecks.increment();
    ctx.request(f, Method.EXCHANGE_TABLE,
        List.of(new RequestOptions(false, false, true, false, false, false, false)),
        new OverlayContext.Reply() {
          @Override
          public void onResponse(Message response) {
            NeighborTable nt = response.first(NeighborTable.class);
            List<PeerRef> theirs = new ArrayList<>();
            if (nt != null) {
              for (PeerInfo i : nt.entries()) {
                PeerRef p = PeerRef.from(i);
                if (p != null && p.id().length() == selfId.length()) {
                  theirs.add(p);
                }
              }
            }
            roundTables.put(f.id(), theirs);
            walkBack(start, f, theirs, step, next);
          }

          @Override
          public void onFailure(int code, String reason) {
            next.run(); // the engine has forgotten f; the next round looks the finger up
          }
        });
  }

  private void walkBack(Bytes start, PeerRef f, List<PeerRef> theirs, int step, Runnable next) {
    PeerRef best = null;
    for (PeerRef p : theirs) {
      if (Ring.compareClockwise(start, p.id(), f.id()) < 0
          && (best == null || Ring.compareClockwise(start, p.id(), best.id()) < 0)) {
        best = p;
      }
    }
    if (best == null || best.id().equals(selfId)) {
      next.run();
      return;
    }
    hearsOf(best);
    if (step < 2) {
      verifyFinger(start, best, step + 1, next);
    } else {
      next.run();
    }
  }

  // ----------------------------------------------------------------------------------- views

  @Override
  public List<PeerRef> routingTable() {
    return table.toList();
  }

  @Override
  public List<PeerRef> neighborTable() {
    return neighborList();
  }

  @Override
  public long tablesVersion() {
    return table.changes();
  }
}
