package org.openvoip.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.node.Node;
import org.openvoip.p2pp.node.NodeConfig;
import org.openvoip.p2pp.node.OverlayConfig;
import org.openvoip.p2pp.overlay.OverlayProvider;
import org.openvoip.p2pp.overlay.Overlays;
import org.openvoip.p2pp.wire.Bytes;

/**
 * An overlay of real P2PP nodes on the simulated network: node 0 is the bootstrap server and
 * first peer; the others join through it (a node whose join fails tries again after a back-off,
 * see {@link #retryJoins}). Nodes crash, leave and come back (with their identity);
 * the simulator knows who is online, which is the ground truth lookups are judged by.
 */
public final class SimOverlay {
  private final Simulator sim;
  private final SimNetwork net;
  private final OverlayConfig config;
  private final OverlayProvider provider;
  private final List<Node> nodes = new ArrayList<>();
  private final List<Bytes> ids = new ArrayList<>();
  private final java.util.Map<Bytes, Integer> index = new java.util.HashMap<>();
  private final List<Boolean> up = new ArrayList<>();
  private final TreeSet<Bytes> joinedIds = new TreeSet<>();
  /** When each node's current session's join completed (virtual time). */
  private final java.util.Map<Integer, Long> joinedAt = new java.util.HashMap<>();
  private final long seed;
  private final java.util.TreeMap<String, Long> joinFailureReasons = new java.util.TreeMap<>();
  private long joinFailures;
  private boolean retryJoins = true;
  private java.util.function.IntFunction<org.openvoip.p2pp.node.Security> security;
  private final List<org.openvoip.p2pp.node.Security> securities = new ArrayList<>();

  public SimOverlay(OverlayConfig config, long seed, double lossRate) {
    this.sim = new Simulator();
    this.net = new SimNetwork(sim, new LatencyModel(seed), lossRate, seed);
    this.config = Overlays.resolve(config);
    this.provider = Overlays.provider(config.algorithm());
    this.seed = seed;
  }

  public Simulator simulator() {
    return sim;
  }

  public SimNetwork network() {
    return net;
  }

  public OverlayConfig config() {
    return config;
  }

  public int size() {
    return nodes.size();
  }

  public Node node(int i) {
    return nodes.get(i);
  }

  public boolean online(int i) {
    return up.get(i);
  }

  public Endpoint bootstrap() {
    return net.endpoint(0);
  }

  /**
   * Runs the overlay secured: node {@code i} gets {@code forNode.apply(i)}, its identity and
   * checks, and joins with the node-ID its certificate binds. Call before adding nodes.
   */
  public void secure(java.util.function.IntFunction<org.openvoip.p2pp.node.Security> forNode) {
    if (!nodes.isEmpty()) {
      throw new IllegalStateException("secure the overlay before adding nodes");
    }
    this.security = forNode;
  }

  /** Whether the overlay runs secured ({@link #secure}). */
  public boolean secured() {
    return security != null;
  }

  /** Adds a node and starts its join now (node 0 starts the overlay). Returns its number. */
  public int addNode() {
    int i = net.addNode((b, t, f) -> {});
    if (security != null) {
      securities.add(security.apply(i));
    }
    Bytes id = security != null ? securities.get(i).identity().nodeId() : randomId(i);
    ids.add(id);
    index.put(id, i);
    up.add(true);
    nodes.add(null);
    start(i);
    return i;
  }

  /**
   * Adds {@code count} nodes one after another, running the simulation {@code gapMillis} after
   * each one's join starts (so the first may be the overlay's first node).
   */
  public void addNodes(int count, long gapMillis) {
    for (int k = 0; k < count; k++) {
      addNode();
      run(gapMillis);
    }
  }

  private Bytes randomId(int i) {
    byte[] b = new byte[config.idLength()];
    new java.util.SplittableRandom(seed ^ (0x5DEECE66DL * (i + 1))).nextBytes(b);
    return Bytes.of(b);
  }

  private void start(int i) {
    start(i, new int[1]);
  }

  private void start(int i, int[] joinAttempts) {
    NodeConfig nc = new NodeConfig(ids.get(i), net.endpoint(i), config,
        i == 0 ? null : net.endpoint(0), i == 0, security == null ? null : securities.get(i));
    Node n = new Node(nc, net.env(i), Runnable::run);
    nodes.set(i, n);
    net.receiver(i, n.receiver());
    net.setOnline(i, true);
    up.set(i, true);
    n.join().whenComplete((r, e) -> {
      if (nodes.get(i) != n) {
        return;
      }
      if (e == null) {
        joinedIds.add(ids.get(i));
        joinedAt.put(i, sim.now());
        joinAttempts[0] = 0;
        return;
      }
      joinFailures++;
      Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
          ? e.getCause() : e;
      String why = String.valueOf(cause.getMessage()).replaceAll("[0-9]+", "#");
      joinFailureReasons.merge(why, 1L, Long::sum);
      if (!retryJoins || !up.get(i)) {
        return;
      }
      // A real client tries again after a back-off: 5 s, 10 s, ... at most 60 s.
      int attempt = ++joinAttempts[0];
      sim.schedule(Math.min(60_000, 5_000L * attempt), () -> {
        if (nodes.get(i) == n && up.get(i)) {
          n.crashNow();
          start(i, joinAttempts);
        }
      });
    });
  }

  /** Node i fails silently: no goodbye, its state is lost. */
  public void crash(int i) {
    if (!up.get(i)) {
      return;
    }
    nodes.get(i).crashNow();
    net.setOnline(i, false);
    up.set(i, false);
    joinedIds.remove(ids.get(i));
  }

  /** Node i leaves gracefully, then goes offline once its goodbyes are acknowledged. */
  public void leave(int i) {
    if (!up.get(i)) {
      return;
    }
    Node n = nodes.get(i);
    n.leave();
    joinedIds.remove(ids.get(i));
    up.set(i, false);
    sim.schedule(config.transactions().t2Millis(), () -> {
      if (!up.get(i)) {
        net.setOnline(i, false);
      }
    });
  }

  /** Node i comes back with the same ID and joins again. */
  public void restart(int i) {
    if (up.get(i)) {
      return;
    }
    start(i);
  }

  /** Runs the simulation for {@code millis} of virtual time. */
  public void run(long millis) {
    sim.runUntil(sim.now() + millis);
  }

  /**
   * The virtual time at which node {@code i} last completed a join, or -1 if it never did (a
   * crash or leave does not clear it; check {@link #liveIds()} for whether it is in now).
   */
  public long joinedAt(int i) {
    return joinedAt.getOrDefault(i, -1L);
  }

  /** IDs of the nodes that have joined and are online. */
  public NavigableSet<Bytes> liveIds() {
    return joinedIds;
  }

  /** The node that should be responsible for {@code key} now, by the algorithm's definition. */
  public int owner(Bytes key) {
    Bytes id = provider.owner(key, joinedIds);
    return id == null ? -1 : index.get(id);
  }

  /**
   * Whether a node whose join fails tries again, as a fresh node with the same ID, after a
   * back-off of 5 s times the attempt number (at most 60 s). On by default.
   */
  public void retryJoins(boolean retry) {
    this.retryJoins = retry;
  }

  /** Joins that failed so far (each retry that fails counts again). */
  public long joinFailures() {
    return joinFailures;
  }

  /** Why joins failed: the failure messages (digits replaced by #) and how often each came. */
  public java.util.SortedMap<String, Long> joinFailureReasons() {
    return java.util.Collections.unmodifiableSortedMap(joinFailureReasons);
  }

  public Bytes id(int i) {
    return ids.get(i);
  }
}
