package org.openvoip.p2pp.node;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.openvoip.p2pp.env.Counters;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.env.PacketReceiver;
import org.openvoip.p2pp.stun.StunAgent;
import org.openvoip.p2pp.env.Env;
import org.openvoip.p2pp.env.TimerTask;
import org.openvoip.p2pp.env.Transport;
import org.openvoip.p2pp.overlay.Overlay;
import org.openvoip.p2pp.overlay.OverlayContext;
import org.openvoip.p2pp.overlay.Overlays;
import org.openvoip.p2pp.overlay.PeerRef;
import org.openvoip.p2pp.overlay.Ring;
import org.openvoip.p2pp.transaction.TransactionLayer;
import org.openvoip.p2pp.transaction.TransactionLayer.Incoming;
import org.openvoip.p2pp.security.AccessControl;
import org.openvoip.p2pp.security.Kind;
import org.openvoip.p2pp.security.Refusal;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.Header;
import org.openvoip.p2pp.wire.Message;
import org.openvoip.p2pp.wire.MessageKind;
import org.openvoip.p2pp.wire.ObjectType;
import org.openvoip.p2pp.wire.Method;
import org.openvoip.p2pp.wire.ResponseCode;
import org.openvoip.p2pp.wire.WireDecoder;
import org.openvoip.p2pp.wire.WireObject;
import org.openvoip.p2pp.wire.WireObject.ErrorInfo;
import org.openvoip.p2pp.wire.WireObject.Expires;
import org.openvoip.p2pp.wire.WireObject.NeighborTable;
import org.openvoip.p2pp.wire.WireObject.P2pOptions;
import org.openvoip.p2pp.wire.WireObject.PLookup;
import org.openvoip.p2pp.wire.WireObject.PeerInfo;
import org.openvoip.p2pp.wire.WireObject.RLookup;
import org.openvoip.p2pp.wire.WireObject.RequestOptions;
import org.openvoip.p2pp.wire.WireObject.ResourceList;
import org.openvoip.p2pp.wire.WireObject.ResourceObject;
import org.openvoip.p2pp.wire.WireObject.RoutingTable;

/**
 * The protocol engine of one node: it answers and routes requests, runs lookups, keeps the
 * storage duties (replication, transfer) and drives the overlay plugin. Single-threaded and
 * I/O-free: it sees the world through its {@link Env}. {@link Node} is its public face.
 */
final class Engine {

  enum State { NEW, JOINING, JOINED, LEFT }

  /** An answer produced by this node for a request it is responsible for. */
  record Answer(int code, List<WireObject> objects) {}

  /** The end of a routed request: the response, who sent it, and the hops it took. */
  interface RouteCallback {
    void onResponse(Message response, Results.Route route);

    void onFailure(int code, String reason);
  }

  private static final int NEXT_HOPS_IN_REDIRECT = 3;
  /** Replication periods after which a primary sends every copy again. */
  private static final int COPY_REFRESH_PASSES = 4;
  private static final int FORWARD_ATTEMPTS = 3;
  private static final int OBJECTS_PER_MESSAGE = 32;
  private static final int BOOTSTRAP_PEERS = 8;
  /** Next hops a lookup starts with beyond its parallelism, and refills from when stuck. */
  private static final int SPARE_HOPS = 5;
  private static final int REFILL = 16;

  final NodeConfig config;
  final OverlayConfig oc;
  /** The node's identity and checks in a secured overlay, or null. */
  final Security security;
  /** Requests per Source-ID, in a secured overlay. */
  private final RateLimiter rateLimiter;
  final Env env;
  final Counters counters = new Counters();
  private final Counters.Counter redirects = counters.counter("routing.redirects");
  private final Counters.Counter lookupsCompleted = counters.counter("lookup.completed");
  final PeerRef self;
  /** This node's ID (kept here too: compared on every message, without reading {@link #self}). */
  private final Bytes selfId;
  final PeerInfo selfInfo;
  final TransactionLayer transactions;
  final Overlay overlay;
  final Storage storage = new Storage();
  final RttTable rtt;
  private final Consumer<State> stateListener;
  private State state = State.NEW;
  private boolean closed;
  private int nextTransactionId;
  private boolean timersStarted;
  private Env.Timer replicationTimer;
  private long replicationDue = Long.MAX_VALUE;
  /** The pending timer of each periodic task, cancelled on close. */
  private final List<Env.Timer[]> periodic = new ArrayList<>();
  private StunAgent stun;
  private org.openvoip.p2pp.ice.IceSessions iceSessions;
  private DirectLinks links;

  Engine(NodeConfig config, Env env, Consumer<State> stateListener) {
    this.config = config;
    this.oc = Overlays.resolve(config.overlay());
    this.security = config.security();
    this.rateLimiter = security == null ? null : new RateLimiter(
        security.limits().requestsPerSecond(), security.limits().burst());
    this.env = env;
    this.stateListener = stateListener;
    RandomGenerator random = env.random();
    Bytes id = config.id();
    if (id == null) {
      byte[] b = new byte[oc.idLength()];
      random.nextBytes(b);
      id = Bytes.of(b);
    }
    this.self = new PeerRef(id, config.address());
    this.selfId = id;
    this.selfInfo = self.toPeerInfo();
    this.nextTransactionId = random.nextInt();
    this.rtt = new RttTable(oc.hopTimeoutMillis(), oc.minHopTimeoutMillis(),
        oc.transactions().t2Millis());
    this.transactions = new TransactionLayer(env, oc.transactions(),
        env.decoder(oc.idLength()), id, true, () -> selfInfo, this::onRequest, counters);
    transactions.onRttSample(rtt::sample);
    transactions.stun((bytes, from) -> stun().onDatagram(bytes, from));
    this.overlay = Overlays.provider(oc.algorithm()).create(new Context());
  }

  /**
   * The node's STUN agent, made when first needed (most simulated nodes never see STUN). Its
   * partner for NAT discovery is its first neighbour other than the asking node; it answers for
   * partners it knows.
   */
  StunAgent stun() {
    if (stun == null) {
      stun = new StunAgent(env, counters);
      stun.partner(from -> {
        for (PeerRef p : overlay.neighborTable()) {
          if (!p.endpoint().equals(self.endpoint()) && !p.endpoint().equals(from)) {
            return p.endpoint();
          }
        }
        return null;
      });
      stun.forwarders(this::knowsPeerAt);
      iceSessions = new org.openvoip.p2pp.ice.IceSessions(counters);
      stun.checks(iceSessions);
    }
    return stun;
  }

  /** The node's ICE sessions, by ufrag: where its STUN agent hands connectivity checks. */
  org.openvoip.p2pp.ice.IceSessions iceSessions() {
    stun();
    return iceSessions;
  }

  /** Connect and the direct paths ICE found, made when first needed. */
  DirectLinks links() {
    if (links == null) {
      links = new DirectLinks(this);
    }
    return links;
  }

  /** Up to {@code max} endpoints of peers in this node's tables, neighbours first. */
  List<Endpoint> knownPeerEndpoints(int max) {
    List<Endpoint> out = new ArrayList<>();
    for (List<PeerRef> table : List.of(overlay.neighborTable(), overlay.routingTable())) {
      for (PeerRef p : table) {
        if (out.size() < max && !p.id().equals(selfId) && !out.contains(p.endpoint())) {
          out.add(p.endpoint());
        }
      }
    }
    return out;
  }

  /** Whether a peer of this node's tables sits at {@code e}. */
  private boolean knowsPeerAt(Endpoint e) {
    for (PeerRef p : overlay.neighborTable()) {
      if (p.endpoint().equals(e)) {
        return true;
      }
    }
    for (PeerRef p : overlay.routingTable()) {
      if (p.endpoint().equals(e)) {
        return true;
      }
    }
    return false;
  }

  State state() {
    return state;
  }

  private void setState(State s) {
    state = s;
    stateListener.accept(s);
  }

  // ------------------------------------------------------------------------------ plumbing

  /**
   * Schedules a task that does nothing once the node is closed. One-shot timers are not
   * tracked: after a close they fire as no-ops, within a lookup or retransmission timeout.
   */
  Env.Timer schedule(long delay, Runnable task) {
    return env.schedule(delay, () -> {
      if (!closed) {
        task.run();
      }
    });
  }

  /**
   * Schedules {@code task} every {@code period} ms, starting after a random fraction of it,
   * until the node closes (which cancels the pending run).
   */
  void every(long period, Runnable task) {
    long first = 1 + (long) (env.random().nextDouble() * period);
    Env.Timer[] pending = new Env.Timer[1];
    periodic.add(pending);
    pending[0] = schedule(first, new Runnable() {
      @Override
      public void run() {
        task.run();
        if (!closed) {
          pending[0] = schedule(period, this);
        }
      }
    });
  }

  /**
   * Where received bytes go, with no hop through this engine: its transaction layer, which
   * counts and drops them once the engine is closed.
   */
  PacketReceiver receiver() {
    return transactions;
  }

  /** Stops everything at once, as a crash would: no goodbye; timers now do nothing. */
  void close() {
    if (closed) {
      return;
    }
    closed = true;
    transactions.close();
    if (links != null) {
      links.close();
    }
    if (stun != null) {
      stun.close();
    }
    overlay.stop();
    for (Env.Timer[] t : periodic) {
      t[0].cancel();
    }
    periodic.clear();
  }

  boolean closed() {
    return closed;
  }

  private int newTransactionId() {
    return nextTransactionId++;
  }

  private Message request(Method m, boolean recursive, List<WireObject> objects) {
    return requestCarrying(m, recursive, withSelf(objects));
  }

  /** A new request with exactly {@code objects}, which {@link #withSelf} gave. */
  private Message requestCarrying(Method m, boolean recursive, List<WireObject> objects) {
    return new Message(Header.request(m, true, recursive, oc.ttl(), newTransactionId(), selfId),
        objects);
  }

  /** A new list holding this node's Peer-Info, for more objects to follow. */
  private List<WireObject> selfFirst() {
    List<WireObject> out = new ArrayList<>(4);
    out.add(selfInfo);
    return out;
  }

  /**
   * This node's Peer-Info, then {@code objects}, as an immutable list that a message keeps
   * without copying it again.
   */
  private List<WireObject> withSelf(List<? extends WireObject> objects) {
    if (!objects.isEmpty() && objects.get(0) instanceof PeerInfo p && selfId.equals(p.id())) {
      return List.copyOf(objects); // the caller's own Peer-Info for this node (Connect's)
    }
    return Message.objects(selfInfo, objects);
  }

  /**
   * A message from a peer makes it known as live; but a 503 answer says the peer is not in the
   * overlay (it has left, or has not joined yet), so it is forgotten instead. A peer that
   * has left answers 503 to requests that crossed its Leave, and learning it from that answer
   * would put it back into the tables its Leave just took it out of.
   */
  private void sawPeer(Message m) {
    Header h = m.header();
    if (!h.peer()) {
      return;
    }
    PeerRef p = PeerRef.from(m.first(PeerInfo.class));
    if (p == null || p.id().equals(selfId) || p.id().length() != oc.idLength()) {
      return;
    }
    if (h.kind().isResponse() && h.responseCode() == ResponseCode.OVERLOADED) {
      counters.increment("overlay.peer-not-in-overlay");
      overlay.peerLeft(p);
      holdsNoCopies(p.id());
    } else {
      overlay.peerSeen(p);
    }
  }

  /** Sends a request straight to {@code to}; a peer that does not answer is reported failed. */
  void direct(PeerRef to, Method method, List<WireObject> objects,
      OverlayContext.Reply reply) {
    Message req = request(method, false, objects);
    transactions.sendRequest(req, Transport.UDP, to.endpoint(),
        new TransactionLayer.ResponseListener() {
          @Override
          public void onResponse(Message response, Endpoint from) {
            sawPeer(response);
            reply.onResponse(response);
          }

          @Override
          public void onFailure(int code, String reason) {
            counters.increment("overlay.peer-unresponsive");
            overlay.peerFailed(to);
            holdsNoCopies(to.id());
            reply.onFailure(code, reason);
          }
        });
  }

  // ------------------------------------------------------------------------- joining, leaving

  /** Joins the overlay: through the bootstrap server, or alone if there is none. */
  void join(RouteCallback done) {
    if (state != State.NEW) {
      done.onFailure(ResponseCode.REQUEST_REJECTED, "join() called in state " + state);
      return;
    }
    setState(State.JOINING);
    startTimers();
    Endpoint bootstrap = config.bootstrap();
    if (bootstrap == null || bootstrap.equals(self.endpoint())) {
      overlay.joined(null, List.of(), List.of());
      setState(State.JOINED);
      done.onResponse(null, new Results.Route(self, 0, 0));
      return;
    }
    attemptJoin(bootstrap, done, 1);
  }

  /**
   * Join attempts before giving up. A join fails now and then while many peers join at once:
   * the peer responsible for our ID can itself be joining, and it refuses routed requests until
   * it has joined. A second attempt a moment later finds it in the overlay.
   */
  static final int JOIN_ATTEMPTS = 3;

  /** One try: ask the bootstrap server for peers, then route a Join to our own ID. */
  private void attemptJoin(Endpoint bootstrap, RouteCallback done, int attempt) {
    RouteCallback once = new RouteCallback() {
      @Override
      public void onResponse(Message response, Results.Route route) {
        done.onResponse(response, route);
      }

      @Override
      public void onFailure(int code, String reason) {
        boolean retryable = code == ResponseCode.TIMEOUT || code == ResponseCode.OVERLOADED;
        if (retryable && attempt < JOIN_ATTEMPTS && !closed) {
          counters.increment("join.retried");
          schedule(1000L * attempt, () -> attemptJoin(bootstrap, done, attempt + 1));
          return;
        }
        setState(State.NEW);
        done.onFailure(code, attempt > 1 ? reason + " (attempt " + attempt + ")" : reason);
      }
    };
    Message req = new Message(Header.request(Method.BOOTSTRAP, true, false, oc.ttl(),
        newTransactionId(), Bytes.of(new byte[Method.PRE_JOIN_ID_LENGTH])), List.of(selfInfo));
    long start = env.now();
    transactions.sendRequest(req, Transport.UDP, bootstrap,
        new TransactionLayer.ResponseListener() {
          @Override
          public void onResponse(Message response, Endpoint from) {
            onBootstrapResponse(response, start, once);
          }

          @Override
          public void onFailure(int code, String reason) {
            once.onFailure(code, "bootstrap server " + bootstrap + ": " + reason);
          }
        });
  }

  private void onBootstrapResponse(Message response, long start, RouteCallback done) {
    int code = response.header().responseCode();
    if (code != ResponseCode.OK) {
      done.onFailure(code, "the bootstrap server refused: " + reason(response));
      return;
    }
    P2pOptions opts = response.first(P2pOptions.class);
    if (opts.p2pAlgorithm() != overlay.p2pAlgorithm() || opts.hashLength() != oc.idLength()) {
      done.onFailure(ResponseCode.REQUEST_REJECTED, "the overlay runs "
          + P2pOptions.p2pAlgorithmName(opts.p2pAlgorithm()) + " with " + opts.hashLength()
          + "-byte IDs; this node is configured for " + oc.algorithm() + " with "
          + oc.idLength() + "-byte IDs");
      return;
    }
    List<PeerInfo> infos = response.all(PeerInfo.class);
    List<PeerRef> peers = new ArrayList<>();
    for (PeerRef p : PeerRef.fromAll(infos.subList(Math.min(2, infos.size()), infos.size()))) {
      if (!p.id().equals(selfId)) {
        peers.add(p);
      }
    }
    if (peers.isEmpty()) {
      overlay.joined(null, List.of(), List.of());
      setState(State.JOINED);
      done.onResponse(response, new Results.Route(self, 0, env.now() - start));
      return;
    }
    List<WireObject> objects = List.of(
        new RequestOptions(false, true, true, false, false, false, false));
    route(Method.JOIN, selfId, objects, oc.recursive(), peers, new RouteCallback() {
      @Override
      public void onResponse(Message r, Results.Route route) {
        if (r.header().responseCode() != ResponseCode.OK) {
          done.onFailure(r.header().responseCode(), "join refused: " + reason(r));
          return;
        }
        RoutingTable rt = r.first(RoutingTable.class);
        NeighborTable nt = r.first(NeighborTable.class);
        overlay.joined(route.responder(), nt == null ? List.of() : PeerRef.fromAll(nt),
            rt == null ? List.of() : PeerRef.fromAll(rt));
        setState(State.JOINED);
        // Join with S to the new neighbours. They hand over our objects before they answer,
        // so once every one has answered (or failed), the join is complete with its data.
        RequestOptions s = new RequestOptions(false, false, false, false, false, true, false);
        List<PeerRef> targets = overlay.neighborJoinTargets();
        int[] waiting = {targets.size()};
        Runnable oneDone = () -> {
          if (--waiting[0] == 0) {
            done.onResponse(r, route);
          }
        };
        if (targets.isEmpty()) {
          done.onResponse(r, route);
        }
        for (PeerRef n : targets) {
          direct(n, Method.JOIN, List.of(s), new OverlayContext.Reply() {
            @Override
            public void onResponse(Message response) {
              oneDone.run();
            }

            @Override
            public void onFailure(int code, String reason) {
              oneDone.run();
            }
          });
        }
      }

      @Override
      public void onFailure(int code, String reason) {
        done.onFailure(code, "join: " + reason);
      }
    });
  }

  private void startTimers() {
    if (!timersStarted) { // once, even if a failed join is tried again
      timersStarted = true;
      every(oc.replicationMillis(), this::replicationPass);
    }
  }

  /**
   * Leaves gracefully: the neighbours get a Leave indication, and each object this node is
   * responsible for goes to the peer that takes over (in the Leave to that peer).
   */
  void leave() {
    if (state != State.JOINED) {
      setState(State.LEFT);
      close();
      return;
    }
    Map<PeerRef, List<WireObject>> handover = new LinkedHashMap<>();
    for (PeerRef n : overlay.neighborTable()) {
      handover.put(n, new ArrayList<>());
    }
    long now = env.now();
    for (Storage.Stored s : storage.all()) {
      Bytes key = s.key.resourceId();
      if (s.expiresAt <= now || !overlay.isResponsible(key)) {
        continue;
      }
      for (PeerRef p : overlay.closestPeers(key, 2)) {
        if (!p.id().equals(selfId)) {
          handover.computeIfAbsent(p, k -> new ArrayList<>()).add(s.withRemaining(now));
          break;
        }
      }
    }
    for (Map.Entry<PeerRef, List<WireObject>> e : handover.entrySet()) {
      Message ind = new Message(Header.indication(Method.LEAVE, true, newTransactionId(),
          selfId), withSelf(e.getValue()));
      transactions.sendIndication(ind, Transport.UDP, e.getKey().endpoint());
      counters.increment("overlay.leave-sent");
    }
    overlay.stop();
    setState(State.LEFT);
    // Keep answering ACKs long enough for the Leave indications to be acknowledged.
    env.schedule(oc.transactions().t2Millis(), this::close);
  }

  // ------------------------------------------------------------------------------- requests

  private void onRequest(Incoming in) {
    Message m = in.message();
    Header h = m.header();
    if (h.kind() == MessageKind.INDICATION) {
      onIndication(in);
      return;
    }
    Method method = h.method();
    if (method == Method.BOOTSTRAP) {
      if (config.bootstrapServer() && state == State.JOINED) {
        answerBootstrap(in);
      } else {
        refuse(in, ResponseCode.REQUEST_REJECTED, "this node is not a bootstrap server");
      }
      return;
    }
    if (state != State.JOINED) {
      refuse(in, ResponseCode.OVERLOADED, "not in the overlay (" + state + ")");
      return;
    }
    if (rateLimiter != null && !rateLimiter.allow(h.sourceId(), env.now())) {
      Refusal r = Refusal.RATE_LIMITED;
      counters.increment(r.counter());
      transactions.respond(in, r.responseCode(), List.of(selfInfo, new ErrorInfo(
          r.responseCode(), r.subCode(), ErrorInfo.NO_OBJECT, "more than "
              + security.limits().requestsPerSecond() + " requests per second from "
              + h.sourceId().hex())));
      return;
    }
    boolean routed = isRouted(m);
    if (!(method == Method.JOIN && routed)) {
      sawPeer(m);
    }
    if (!routed) {
      Answer a = answerDirect(in);
      transactions.respond(in, a.code(), a.objects());
      return;
    }
    Bytes key = routingKey(m);
    if (key == null || key.length() != oc.idLength()) {
      counters.increment("drop.routing-key-missing");
      refuse(in, ResponseCode.BAD_REQUEST, "no " + oc.idLength() + "-byte key to route on");
      return;
    }
    if (h.ttl() == 0) {
      counters.increment("routing.ttl-exceeded");
      refuse(in, ResponseCode.TTL_EXCEEDED, "TTL exceeded");
      return;
    }
    routeOrAnswer(in, key, true);
  }

  /**
   * Answers a routed request if this node is responsible; otherwise redirects or forwards it.
   * When the key would be ours if the peer before us were gone, and that peer has not been heard
   * from lately, it is probed first ({@code mayProbe}) and the request handled after the probe.
   */
  private void routeOrAnswer(Incoming in, Bytes key, boolean mayProbe) {
    Message m = in.message();
    Header h = m.header();
    if (overlay.isResponsible(key)) {
      Answer a = answerRouted(m, key);
      transactions.respond(in, a.code(), a.objects());
      return;
    }
    PeerRef suspect = mayProbe ? overlay.responsibleIfGone(key) : null;
    if (suspect != null && !suspect.id().equals(h.sourceId())) {
      if (probe(suspect, () -> routeOrAnswer(in, key, false))) {
        return;
      }
    }
    List<PeerRef> hops = overlay.nextHops(key, NEXT_HOPS_IN_REDIRECT);
    PeerRef oldSelf = originatorsOldSelf(m, hops);
    if (oldSelf != null) {
      counters.increment("routing.restarted-originator-forgotten");
      overlay.peerLeft(oldSelf);
      if (!overlay.nextHops(key, NEXT_HOPS_IN_REDIRECT).contains(oldSelf)) {
        routeOrAnswer(in, key, mayProbe); // as if that entry had never been
        return;
      }
    }
    if (hops.isEmpty()) {
      Answer a = answerRouted(m, key); // nobody known nearer: the best answer is ours
      transactions.respond(in, a.code(), a.objects());
      return;
    }
    if (h.recursive()) {
      if (routeLogHasSelf(m)) {
        counters.increment("routing.loop-detected");
        refuse(in, ResponseCode.TTL_EXCEEDED, "routing loop: this peer is in the route log");
        return;
      }
      if (transactions.isPending(h.sourceId(), h.transactionId())) {
        // The same request by a second path: an upstream hop gave up on the first (which is
        // still on its way here through a slow or dead hop) and tried another. The route log
        // of the second path does not name this peer, but forwarding it again would be a loop.
        counters.increment("routing.already-forwarding");
        refuse(in, ResponseCode.TTL_EXCEEDED,
            "routing loop: this peer is already forwarding this request");
        return;
      }
      // Never back to the originator: its transaction for this request is still open.
      hops.removeIf(p -> p.id().equals(h.sourceId()));
      if (hops.isEmpty()) {
        counters.increment("routing.only-hop-is-originator");
        refuse(in, ResponseCode.TTL_EXCEEDED, "the only next hop is the originator");
        return;
      }
      forward(in, key, hops, 0);
    } else {
      redirects.increment();
      List<WireObject> objs = selfFirst();
      for (int i = 0; i < hops.size(); i++) {
        objs.add(hops.get(i).toPeerInfo());
      }
      transactions.respond(in, ResponseCode.NEXT_HOP, objs);
    }
  }

  /**
   * The next hop that has the originator's ID at another address than the originator's
   * Peer-Info gives, or null. A node ID belongs to one node at one address, so such an entry is
   * what is left of the originator before it restarted elsewhere (it crashed, or its Leave did
   * not reach this peer): routing to it would send the request back to its originator's old
   * self. A node coming back with its kept ID (the CLI's {@code --data-dir}) joins through peers
   * that may still hold its old address.
   */
  private static PeerRef originatorsOldSelf(Message m, List<PeerRef> hops) {
    Bytes source = m.header().sourceId();
    for (int i = 0; i < hops.size(); i++) {
      PeerRef hop = hops.get(i);
      if (hop.id().equals(source)) {
        PeerRef origin = PeerRef.from(m.first(PeerInfo.class));
        boolean elsewhere = origin != null && origin.id().equals(source)
            && !origin.endpoint().equals(hop.endpoint());
        return elsewhere ? hop : null;
      }
    }
    return null;
  }

  /**
   * How long a hop gets to acknowledge a forwarded request or a probe before it is taken for
   * dead: max(3 T0, 3 RTO), at most T2.
   */
  private long hopGiveUp(PeerRef hop) {
    return Math.min(oc.transactions().t2Millis(),
        Math.max(3 * oc.transactions().t0Millis(), 3 * rtt.timeout(hop.endpoint())));
  }

  /** A liveness probe in flight, and what waits for it. */
  private final Map<Bytes, List<Runnable>> probing = new java.util.HashMap<>();
  /** When each recently probed peer last answered a probe. */
  private final Map<Bytes, Long> probedAlive = new java.util.HashMap<>();

  /**
   * Probes {@code peer} with a KeepAlive that gives up after max(3 T0, 3 RTO), unless it answered
   * a probe in the last 4 T0; {@code then} runs when the probe ends (the engine
   * has forgotten the peer if it did not answer). Returns false if no probe is needed.
   */
  private boolean probe(PeerRef peer, Runnable then) {
    Long alive = probedAlive.get(peer.id());
    if (alive != null && env.now() - alive < 4 * oc.transactions().t0Millis()) {
      return false;
    }
    List<Runnable> waiting = probing.get(peer.id());
    if (waiting != null) {
      waiting.add(then);
      return true;
    }
    waiting = new ArrayList<>();
    waiting.add(then);
    probing.put(peer.id(), waiting);
    counters.increment("routing.probes");
    Message req = request(Method.KEEP_ALIVE, false,
        List.of(new Expires(Math.max(1, oc.keepAliveMillis() / 1000))));
    long giveUp = hopGiveUp(peer);
    transactions.sendRequest(req, Transport.UDP, peer.endpoint(), giveUp,
        new TransactionLayer.ResponseListener() {
          @Override
          public void onResponse(Message response, Endpoint from) {
            if (probedAlive.size() > 64) {
              probedAlive.clear();
            }
            probedAlive.put(peer.id(), env.now());
            done();
          }

          @Override
          public void onFailure(int code, String reason) {
            counters.increment("routing.probes-unanswered");
            overlay.peerFailed(peer);
            done();
          }

          private void done() {
            for (Runnable r : probing.remove(peer.id())) {
              r.run();
            }
          }
        });
    return true;
  }

  private void refuse(Incoming in, int code, String reason) {
    transactions.respond(in, code, List.of(selfInfo,
        new ErrorInfo(code, 0, ErrorInfo.NO_OBJECT, reason)));
  }

  private static String reason(Message r) {
    ErrorInfo e = r.first(ErrorInfo.class);
    return e == null ? "code " + r.header().responseCode() : e.reason();
  }

  /** Requests routed through the overlay toward a key; all others are for the receiver. */
  static boolean isRouted(Message m) {
    return switch (m.header().method()) {
      case LOOKUP_PEER, PUBLISH, LOOKUP_OBJECT, REMOVE_OBJECT, CONNECT -> true;
      case JOIN -> {
        RequestOptions o = m.first(RequestOptions.class);
        yield o == null || !o.neighborJoin();
      }
      default -> false;
    };
  }

  /** The key a routed request travels toward. */
  static Bytes routingKey(Message m) {
    return switch (m.header().method()) {
      case JOIN -> {
        PeerInfo p = m.first(PeerInfo.class);
        yield p == null ? null : p.id();
      }
      case LOOKUP_PEER -> m.first(PLookup.class).peerIdA();
      case PUBLISH, REMOVE_OBJECT -> m.first(ResourceObject.class).resourceId().id();
      case LOOKUP_OBJECT -> m.first(RLookup.class).resourceId().id();
      case CONNECT -> {
        WireObject.IceParameters p = m.first(WireObject.IceParameters.class);
        yield p == null ? null : p.targetId();
      }
      default -> null;
    };
  }

  private boolean routeLogHasSelf(Message m) {
    List<PeerInfo> infos = m.all(PeerInfo.class);
    for (int i = 1; i < infos.size(); i++) {
      if (selfId.equals(infos.get(i).id())) {
        return true;
      }
    }
    return false;
  }

  private static boolean wantsRouteLog(Message m) {
    RequestOptions o = m.first(RequestOptions.class);
    return o != null && o.routeLog() && m.header().recursive();
  }

  /** Recursive routing: pass the request on with TTL - 1; on failure try the next hop. */
  private void forward(Incoming in, Bytes key, List<PeerRef> hops, int attempt) {
    Message m = in.message();
    Header h = m.header();
    PeerRef next = hops.get(0);
    List<WireObject> objs = m.objects();
    if (wantsRouteLog(m)) {
      objs = new ArrayList<>(objs);
      int at = 0; // after the originator's Peer-Info and the hops before us
      for (int i = 0; i < objs.size(); i++) {
        if (objs.get(i) instanceof PeerInfo) {
          at = i + 1;
        }
      }
      objs.add(at, selfInfo);
    }
    Header fh = new Header(h.version(), h.kind(), false, h.peer(), true, 0, h.method(),
        h.ttl() - 1, h.transactionId(), h.sourceId(), null);
    counters.increment("routing.forwarded");
    long giveUp = hopGiveUp(next);
    // A request that came over a stream was most often sent again that way because its answer
    // is too large for a datagram (480): the answer from beyond will be as large, so it goes
    // on over a stream too, rather than through the same 480 at every hop.
    Transport via = in.transport().reliable() ? in.transport() : Transport.UDP;
    transactions.sendRequest(new Message(fh, objs), via, next.endpoint(), giveUp,
        new TransactionLayer.ResponseListener() {
          @Override
          public void onResponse(Message response, Endpoint from) {
            if (response.header().responseCode() == ResponseCode.OVERLOADED
                && attempt + 1 < FORWARD_ATTEMPTS) {
              counters.increment("routing.next-hop-not-in-overlay");
              overlay.peerLeft(next);
              List<PeerRef> others = overlay.nextHops(key, NEXT_HOPS_IN_REDIRECT);
              others.removeIf(p -> p.id().equals(next.id()) || p.id().equals(h.sourceId()));
              if (!others.isEmpty()) {
                forward(in, key, others, attempt + 1);
                return;
              }
            }
            transactions.relay(in, response);
          }

          @Override
          public void onNoResponse(int code, String reason) {
            // The next hop is alive and still routing the request: another path would carry
            // a second copy of it. Tell the hop before us in time instead.
            counters.increment("routing.next-hop-late");
            refuse(in, ResponseCode.TIMEOUT, "no answer from beyond the next hop: " + reason);
          }

          @Override
          public void onFailure(int code, String reason) {
            counters.increment("routing.next-hop-failed");
            overlay.peerFailed(next);
            List<PeerRef> others = overlay.nextHops(key, NEXT_HOPS_IN_REDIRECT);
            others.removeIf(p -> p.id().equals(next.id()) || p.id().equals(h.sourceId()));
            if (attempt + 1 < FORWARD_ATTEMPTS && !others.isEmpty()) {
              forward(in, key, others, attempt + 1);
            } else if (overlay.isResponsible(key) || others.isEmpty()) {
              Answer a = answerRouted(m, key);
              transactions.respond(in, a.code(), a.objects());
            } else {
              refuse(in, ResponseCode.TIMEOUT, "next hops did not answer: " + reason);
            }
          }
        });
  }

  // -------------------------------------------------------------------- answering requests

  /** Answers a request addressed to this node itself (not routed). */
  private Answer answerDirect(Incoming in) {
    Message m = in.message();
    return switch (m.header().method()) {
      case JOIN -> {
        // A new neighbour: hand it its objects now, before the answer it waits for. A peer
        // that joins holds nothing, even one that held copies before it crashed and restarted
        // under the same ID: it gets them again.
        counters.increment("overlay.neighbor-joins");
        PeerInfo joiner = m.first(PeerInfo.class);
        if (joiner != null) {
          holdsNoCopies(joiner.id());
        }
        replicationPass();
        yield new Answer(ResponseCode.OK, withSelf(List.of()));
      }
      case KEEP_ALIVE -> keepAliveAnswer();
      case EXCHANGE_TABLE -> exchangeTable(in);
      case QUERY -> new Answer(ResponseCode.OK, withSelf(List.of(
          oc.p2pOptions(overlay.p2pAlgorithm()), new ResourceList(List.of()))));
      case REPLICATE, TRANSFER -> storeCopies(m);
      default -> {
        counters.increment("drop.unsupported-method." + m.header().method().wireName());
        yield new Answer(ResponseCode.REQUEST_REJECTED, withSelf(List.of(new ErrorInfo(
            ResponseCode.REQUEST_REJECTED, 0, ErrorInfo.NO_OBJECT,
            m.header().method().wireName() + " is not supported by this node"))));
      }
    };
  }

  /** The answer to every KeepAlive: immutable, so built once. */
  private Answer keepAliveAnswer;

  private Answer keepAliveAnswer() {
    Answer a = keepAliveAnswer;
    if (a == null) {
      a = new Answer(ResponseCode.OK,
          withSelf(List.of(new Expires(Math.max(1, oc.keepAliveMillis() / 1000)))));
      keepAliveAnswer = a;
    }
    return a;
  }

  private Answer exchangeTable(Incoming in) {
    Message m = in.message();
    PeerRef from = PeerRef.from(m.first(PeerInfo.class));
    RoutingTable rt = m.first(RoutingTable.class);
    NeighborTable nt = m.first(NeighborTable.class);
    if (from != null && (rt != null || nt != null)) {
      overlay.tablesReceived(from, rt == null ? List.of() : PeerRef.fromAll(rt),
          nt == null ? List.of() : PeerRef.fromAll(nt));
    }
    RequestOptions o = m.first(RequestOptions.class);
    boolean wantsRt = o != null && o.routingTable();
    boolean wantsNt = o != null && o.neighborTable();
    List<WireObject> out = wantsRt && wantsNt
        ? List.of(selfInfo, routingTableObject(), neighborTableObject())
        : wantsRt ? List.of(selfInfo, routingTableObject())
        : wantsNt ? List.of(selfInfo, neighborTableObject())
        : List.of(selfInfo);
    return new Answer(ResponseCode.OK, out);
  }

  /** This node's tables as last sent, and the overlay's tables version they were built at. */
  private RoutingTable sentRoutingTable;
  private NeighborTable sentNeighborTable;
  private long sentTablesVersion = Long.MIN_VALUE;

  /** The Routing-Table object of the overlay's current routing table, built once per change. */
  private RoutingTable routingTableObject() {
    sentTablesMatchOverlay();
    if (sentRoutingTable == null) {
      sentRoutingTable = new RoutingTable(capped(overlay.routingTable()));
    }
    return sentRoutingTable;
  }

  /** The Neighbor-Table object of the overlay's current neighbour table, built once per change. */
  private NeighborTable neighborTableObject() {
    sentTablesMatchOverlay();
    if (sentNeighborTable == null) {
      sentNeighborTable = new NeighborTable(capped(overlay.neighborTable()));
    }
    return sentNeighborTable;
  }

  private void sentTablesMatchOverlay() {
    long v = overlay.tablesVersion();
    if (v == Long.MIN_VALUE || v != sentTablesVersion) {
      sentTablesVersion = v;
      sentRoutingTable = null;
      sentNeighborTable = null;
    }
  }

  private static List<PeerInfo> capped(List<PeerRef> peers) {
    List<PeerInfo> out = new ArrayList<>();
    for (PeerRef p : peers) {
      if (out.size() == 255) {
        break;
      }
      out.add(p.toPeerInfo());
    }
    return out;
  }

  private Answer storeCopies(Message m) {
    boolean handedOver = m.header().method() == Method.TRANSFER;
    int kept = keepCopies(m.all(ResourceObject.class), handedOver, m.header().sourceId());
    counters.add("storage.copies-received", kept);
    return new Answer(ResponseCode.OK, withSelf(List.of()));
  }

  /**
   * Stores copies from another peer. Objects handed over (Transfer, Leave) become this node's
   * to place: the next replication pass replicates them if this node is responsible, or passes
   * them on to the peer that is (the sender's view of responsibility may be out of date).
   */
  /** Objects kept from an earlier run: copies this node places ({@link Node#restore}). */
  int restore(List<ResourceObject> objects) {
    int kept = keepCopies(objects, true, null);
    counters.add("storage.restored", kept);
    return kept;
  }

  private int keepCopies(List<ResourceObject> objects, boolean handedOver, Bytes from) {
    long now = env.now();
    int kept = 0;
    for (ResourceObject o : objects) {
      if (o.resourceId().id().length() != oc.idLength()) {
        counters.increment("storage.refused-bad-resource-id");
        continue;
      }
      // Copies are checked as publishes are: a replica holder or a new owner stores nothing
      // that its writer could not have stored.
      Refusal.Reason no = inadmissible(o, o.expires() == null ? 0 : o.expires().seconds(), now);
      if (no != null) {
        counters.increment(no.refusal().counter());
        continue;
      }
      Storage.Stored fresh = storage.merge(o, now);
      if (fresh != null) {
        kept++;
        fresh.ownerSeen = from;
      }
      if (handedOver) {
        Storage.Stored s = storage.get(Storage.Key.of(o));
        if (s != null) {
          s.primary = true;
        }
      }
    }
    if (handedOver) {
      replicationSoon();
    }
    return kept;
  }

  /** Answers a routed request this node is responsible for (or the best it can do). */
  Answer answerRouted(Message m, Bytes key) {
    long now = env.now();
    return switch (m.header().method()) {
      case JOIN -> {
        counters.increment("overlay.joins-admitted");
        List<WireObject> out = selfFirst();
        out.add(new Expires(Math.max(1, oc.keepAliveMillis() / 1000)));
        RequestOptions o = m.first(RequestOptions.class);
        if (o != null && o.routingTable()) {
          out.add(routingTableObject());
        }
        out.add(neighborTableObject());
        yield new Answer(ResponseCode.OK, out);
      }
      case CONNECT -> links().answer(m);
      case LOOKUP_PEER -> {
        PLookup q = m.first(PLookup.class);
        List<PeerRef> found = lookupPeerAnswer(q);
        if (found.isEmpty()) {
          yield new Answer(ResponseCode.NOT_FOUND, withSelf(List.of(new ErrorInfo(
              ResponseCode.NOT_FOUND, 0, ErrorInfo.NO_OBJECT, "no such peer"))));
        }
        List<WireObject> out = selfFirst();
        for (PeerRef p : found) {
          if (!p.id().equals(selfId)) {
            out.add(p.toPeerInfo());
          }
        }
        yield new Answer(ResponseCode.OK, out);
      }
      case PUBLISH -> {
        ResourceObject o = m.first(ResourceObject.class);
        long asked = o.expires() == null ? oc.maxLifetimeSeconds() : o.expires().seconds();
        long granted = Math.min(asked, oc.maxLifetimeSeconds());
        Refusal.Reason no = inadmissible(o, granted, now);
        if (no != null) {
          yield refuse(no);
        }
        if (granted == 0) {
          yield remove(o, now);
        }
        ResourceObject kept = Storage.withExpires(o, granted);
        Storage.Stored stored = storage.put(kept, granted * 1000, now);
        if (stored == null) {
          yield refuse(Refusal.STALE.because("a newer value is stored (a larger storage time)"));
        }
        counters.increment("storage.published");
        replicate(List.of(stored), now);
        yield new Answer(ResponseCode.OK, withSelf(List.of(new Expires(granted))));
      }
      case LOOKUP_OBJECT -> {
        List<Storage.Stored> found = storage.find(m.first(RLookup.class), now);
        if (found.isEmpty()) {
          counters.increment("storage.lookup-misses");
          yield new Answer(ResponseCode.NOT_FOUND, withSelf(List.of(new ErrorInfo(
              ResponseCode.NOT_FOUND, 0, ErrorInfo.NO_OBJECT, "no such object"))));
        }
        List<WireObject> out = selfFirst();
        for (Storage.Stored s : found) {
          out.add(s.withRemaining(now));
        }
        yield new Answer(ResponseCode.OK, out);
      }
      case REMOVE_OBJECT -> security != null
          ? refuse(Refusal.NOT_SIGNED.because("in a secured overlay the owner deletes a value "
              + "by publishing its signed tombstone (Data-Entry Exists clear)"))
          : remove(m.first(ResourceObject.class), now);
      default -> throw new IllegalStateException("not a routed method: " + m.header().method());
    };
  }

  /**
   * In a secured overlay, why this node may not store {@code o} (a Publish, or a copy from
   * another peer) for {@code lifetimeSeconds}; null if it may, and always null without
   * security. The order of updates (storage time) is the storage's to check.
   */
  private Refusal.Reason inadmissible(ResourceObject o, long lifetimeSeconds, long now) {
    if (security == null) {
      return null;
    }
    AccessControl.Outcome checked = security.access().check(o, env.epochMillis());
    env.compute(security.access().takeWorkMicros());
    if (!checked.ok()) {
      return checked.refusal();
    }
    if (lifetimeSeconds == 0) {
      // Expires is not signed: anyone holding a copy of a signed value could send it with
      // Expires 0 and delete it. The owner deletes with a signed tombstone.
      return Refusal.NOT_SIGNED.because("in a secured overlay a value is deleted by its "
          + "signed tombstone (Data-Entry Exists clear), not by Expires 0");
    }
    Security.Limits l = security.limits();
    if (storage.overQuota(o, l.valuesPerOwner(), l.bytesPerOwner())) {
      return Refusal.QUOTA.because("its owner has the most values or bytes this peer stores "
          + "for one identity (" + l.valuesPerOwner() + ", " + l.bytesPerOwner() + " bytes)");
    }
    Kind kind = checked.kind();
    if (storage.otherEntries(o, now) + 1 > kind.maxEntries()) {
      return Refusal.QUOTA.because("a " + kind.name() + " holds at most " + kind.maxEntries()
          + " entries per owner");
    }
    return null;
  }

  /** A refusal on security grounds: counted, answered with its code, sub-code and reason. */
  private Answer refuse(Refusal.Reason r) {
    counters.increment(r.refusal().counter());
    return new Answer(r.refusal().responseCode(), withSelf(List.of(new ErrorInfo(
        r.refusal().responseCode(), r.refusal().subCode(), ObjectType.RESOURCE_OBJECT.code(),
        r.text()))));
  }

  private Answer remove(ResourceObject o, long now) {
    Storage.Stored gone = storage.remove(Storage.Key.of(o));
    if (gone == null) {
      return new Answer(ResponseCode.NOT_FOUND, withSelf(List.of(new ErrorInfo(
          ResponseCode.NOT_FOUND, 0, ErrorInfo.NO_OBJECT, "no such object"))));
    }
    counters.increment("storage.removed");
    // Tell the replica holders: a copy with Expires 0 removes theirs.
    for (PeerRef p : overlay.replicaSet(gone.key.resourceId(), oc.replicas() - 1)) {
      direct(p, Method.REPLICATE, List.of(Storage.withExpires(gone.object, 0)), r -> {});
    }
    return new Answer(ResponseCode.OK, withSelf(List.of()));
  }

  private List<PeerRef> lookupPeerAnswer(PLookup q) {
    int count = Math.max(1, q.count());
    if (q.exact()) {
      for (PeerRef p : overlay.closestPeers(q.peerIdA(), count)) {
        if (p.id().equals(q.peerIdA())) {
          return List.of(p);
        }
      }
      return List.of();
    }
    if (q.range()) {
      List<PeerRef> out = new ArrayList<>();
      Set<Bytes> seen = new java.util.HashSet<>();
      List<PeerRef> known = new ArrayList<>();
      known.add(self);
      known.addAll(overlay.neighborTable());
      known.addAll(overlay.routingTable());
      Bytes beforeA = Ring.clockwise(Bytes.of(one(q.peerIdA().length())), q.peerIdA());
      for (PeerRef p : known) {
        if (out.size() < count && Ring.inOpenClosed(p.id(), beforeA, q.peerIdB())
            && seen.add(p.id())) {
          out.add(p);
        }
      }
      return out;
    }
    return overlay.closestPeers(q.peerIdA(), count);
  }

  private static byte[] one(int length) {
    byte[] b = new byte[length];
    b[length - 1] = 1;
    return b;
  }

  private void answerBootstrap(Incoming in) {
    Message m = in.message();
    PeerInfo asker = m.first(PeerInfo.class);
    List<WireObject> out = new ArrayList<>();
    out.add(selfInfo);
    out.add(asker);
    // Only peers of the overlay: a node that merely asked may never finish joining.
    Set<Bytes> listed = new java.util.HashSet<>();
    List<PeerRef> candidates = new ArrayList<>();
    candidates.add(self);
    candidates.addAll(overlay.neighborTable());
    candidates.addAll(overlay.routingTable());
    Bytes askerId = asker.id();
    for (PeerRef p : candidates) {
      if (listed.size() < BOOTSTRAP_PEERS && !p.id().equals(askerId) && listed.add(p.id())) {
        out.add(p.toPeerInfo());
      }
    }
    out.add(oc.p2pOptions(overlay.p2pAlgorithm()));
    transactions.respond(in, ResponseCode.OK, out);
    counters.increment("bootstrap.answered");
  }

  private void onIndication(Incoming in) {
    Message m = in.message();
    if (m.header().method() != Method.LEAVE) {
      counters.increment("drop.unexpected-indication." + m.header().method().wireName());
      return;
    }
    PeerRef p = PeerRef.from(m.first(PeerInfo.class));
    if (p == null) {
      counters.increment("drop.leave-without-peer");
      return;
    }
    counters.increment("overlay.leaves-received");
    overlay.peerLeft(p);
    holdsNoCopies(p.id());
    counters.add("storage.copies-received",
        keepCopies(m.all(ResourceObject.class), true, p.id()));
  }

  // ---------------------------------------------------------------------------- replication

  /**
   * The peer {@code id} failed, left or (re)joined: whatever copies it held are gone, so the
   * next replication pass sends them again if it is still a replica holder.
   */
  private void holdsNoCopies(Bytes id) {
    if (storage.size() == 0) {
      return;
    }
    for (Storage.Stored s : storage.all()) {
      if (!s.copiesAt.isEmpty()) {
        s.copiesAt.remove(id);
      }
    }
  }

  /** Runs a replication pass within a second (after tables or responsibilities changed). */
  void replicationSoon() {
    long due = env.now() + 1000;
    if (state != State.JOINED || due >= replicationDue) {
      return;
    }
    if (replicationTimer != null) {
      replicationTimer.cancel();
    }
    replicationDue = due;
    replicationTimer = schedule(1000, () -> {
      replicationDue = Long.MAX_VALUE;
      replicationTimer = null;
      replicationPass();
    });
  }

  /**
   * Expires old objects; copies each object this node is responsible for to replica holders
   * that lack it; hands objects it is no longer responsible for to the peer that now is
   * (Transfer), keeping a copy as a replica.
   */
  void replicationPass() {
    if (state != State.JOINED) {
      return;
    }
    long now = env.now();
    int expired = storage.expire(now);
    counters.add("storage.expired", expired);
    List<Storage.Stored> mine = new ArrayList<>();
    Map<PeerRef, List<Storage.Stored>> transfers = new LinkedHashMap<>();
    Map<PeerRef, List<Storage.Stored>> toNewOwners = new LinkedHashMap<>();
    for (Storage.Stored s : storage.all()) {
      Bytes key = s.key.resourceId();
      if (overlay.isResponsible(key)) {
        s.primary = true;
        mine.add(s);
      } else if (s.primary) {
        for (PeerRef p : overlay.closestPeers(key, 1)) {
          if (!p.id().equals(selfId)) {
            transfers.computeIfAbsent(p, k -> new ArrayList<>()).add(s);
            s.copiesAt.clear();
            s.copiesAt.add(p.id());
            s.primary = false;
            s.ownerSeen = p.id();
          }
        }
      } else {
        // A copy whose responsible peer changed: the one that took over (a peer that just
        // joined, or the next one after the primary crashed) may not have it, and until a
        // primary that knows it sends it there, lookups there would come back empty.
        for (PeerRef p : overlay.closestPeers(key, 1)) {
          if (!p.id().equals(selfId)) {
            if (s.ownerSeen != null && !p.id().equals(s.ownerSeen)) {
              toNewOwners.computeIfAbsent(p, k -> new ArrayList<>()).add(s);
            }
            s.ownerSeen = p.id();
          }
        }
      }
    }
    replicate(mine, now);
    sendBatches(Method.REPLICATE, toNewOwners, "storage.copies-to-new-owner", now);
    sendBatches(Method.TRANSFER, transfers, "storage.transferred", now);
  }

  /** Sends each peer its batch of objects, with their remaining lifetimes, and counts them. */
  private void sendBatches(Method method, Map<PeerRef, List<Storage.Stored>> batches,
      String counter, long now) {
    for (Map.Entry<PeerRef, List<Storage.Stored>> e : batches.entrySet()) {
      counters.add(counter, e.getValue().size());
      List<WireObject> objs = new ArrayList<>();
      for (Storage.Stored s : e.getValue()) {
        objs.add(s.withRemaining(now));
      }
      sendCopies(method, e.getKey(), objs, e.getValue());
    }
  }

  /**
   * Sends each object to the replica holders that do not have it yet, and every
   * {@value #COPY_REFRESH_PASSES} replication periods to all of them again: a holder that
   * crashed and came back under its ID before this node noticed holds nothing, and nothing
   * else would tell.
   */
  private void replicate(List<Storage.Stored> objects, long now) {
    Map<PeerRef, List<Storage.Stored>> batches = new LinkedHashMap<>();
    long refresh = COPY_REFRESH_PASSES * oc.replicationMillis();
    for (Storage.Stored s : objects) {
      s.primary = true;
      if (s.copiesRefreshedAt == Long.MIN_VALUE || now - s.copiesRefreshedAt >= refresh) {
        s.copiesAt.clear();
        s.copiesRefreshedAt = now;
      }
      for (PeerRef p : overlay.replicaSet(s.key.resourceId(), oc.replicas() - 1)) {
        if (s.copiesAt.add(p.id())) {
          batches.computeIfAbsent(p, k -> new ArrayList<>()).add(s);
        }
      }
    }
    sendBatches(Method.REPLICATE, batches, "storage.replicated", now);
  }

  private void sendCopies(Method method, PeerRef to, List<WireObject> objs,
      List<Storage.Stored> sources) {
    for (int from = 0; from < objs.size(); from += OBJECTS_PER_MESSAGE) {
      List<WireObject> part = objs.subList(from, Math.min(objs.size(), from + OBJECTS_PER_MESSAGE));
      List<Storage.Stored> srcPart =
          sources.subList(from, Math.min(sources.size(), from + OBJECTS_PER_MESSAGE));
      direct(to, method, new ArrayList<>(part), new OverlayContext.Reply() {
        @Override
        public void onResponse(Message response) {}

        @Override
        public void onFailure(int code, String reason) {
          // Try again on the next pass: a replica holder that lacks the copy gets it then, and
          // an object whose transfer failed is still ours to hand over.
          for (Storage.Stored s : srcPart) {
            s.copiesAt.remove(to.id());
            if (method == Method.TRANSFER) {
              s.primary = true;
            }
          }
        }
      });
    }
  }

  // -------------------------------------------------------------------------------- routing

  /**
   * Sends a request toward {@code key}: answered here if this node is responsible, else routed
   * recursively or iteratively. {@code start} seeds the lookup (bootstrap peers when joining);
   * null means this node's own next hops.
   */
  void route(Method method, Bytes key, List<WireObject> objects, boolean recursive,
      List<PeerRef> start, RouteCallback done) {
    route(method, key, objects, recursive, start, oc.parallelism(), done);
  }

  /** As above, with {@code parallelism} lookup paths when routing iteratively. */
  void route(Method method, Bytes key, List<WireObject> objects, boolean recursive,
      List<PeerRef> start, int parallelism, RouteCallback done) {
    long began = env.now();
    if (start == null && state == State.JOINED && overlay.isResponsible(key)) {
      answerOurselves(method, key, objects, done);
      return;
    }
    List<PeerRef> first = start != null ? start : overlay.nextHops(key, parallelism + SPARE_HOPS);
    if (first.isEmpty()) {
      if (state == State.JOINED) {
        answerOurselves(method, key, objects, done);
      } else {
        done.onFailure(ResponseCode.OVERLOADED, "no peer to send the request to");
      }
      return;
    }
    if (recursive) {
      // Recursive requests ask for a route log (L): each hop appends its Peer-Info, so a
      // hop that finds itself in the log has found a loop.
      sendRecursive(method, key, withRouteLogFlag(objects), first, 0, began, done);
    } else {
      new Lookup(method, key, objects, first, began, parallelism, done).start();
    }
  }

  /** This node answers its own request (0 hops), as it would answer anyone's. */
  private void answerOurselves(Method method, Bytes key, List<WireObject> objects,
      RouteCallback done) {
    Message local = request(method, false, objects);
    Answer a = answerRouted(local, key);
    Header rh = Header.responseTo(local.header(), false, a.code(), true, selfId);
    counters.increment("routing.answered-locally");
    done.onResponse(new Message(rh, a.objects()), new Results.Route(self, 0, 0));
  }

  private void sendRecursive(Method method, Bytes key, List<WireObject> objects,
      List<PeerRef> hops, int attempt, long began, RouteCallback done) {
    PeerRef next = hops.get(0);
    Message req = request(method, true, objects);
    int ttl0 = req.header().ttl();
    counters.increment("routing.recursive-sent");
    long giveUp = hopGiveUp(next);
    transactions.sendRequest(req, Transport.UDP, next.endpoint(), giveUp,
        new TransactionLayer.ResponseListener() {
          @Override
          public void onResponse(Message response, Endpoint from) {
            sawPeer(response);
            int code = response.header().responseCode();
            if (code != ResponseCode.NEXT_HOP && tryElsewhere(code)
                && attempt + 1 < FORWARD_ATTEMPTS && hops.size() > 1) {
              // A hop on the way timed out or found a loop: another first hop may get through.
              counters.increment("routing.recursive-retried");
              sendRecursive(method, key, objects, hops.subList(1, hops.size()), attempt + 1,
                  began, done);
              return;
            }
            PeerRef responder = PeerRef.from(response.first(PeerInfo.class));
            int hopsTaken = ttl0 - response.header().ttl() + 1;
            done.onResponse(response, new Results.Route(responder, hopsTaken,
                env.now() - began));
          }

          @Override
          public void onNoResponse(int code, String reason) {
            // The first hop is alive (it acknowledged): try another path, keep the hop.
            retry(code, reason);
          }

          @Override
          public void onFailure(int code, String reason) {
            overlay.peerFailed(next);
            retry(code, reason);
          }

          private void retry(int code, String reason) {
            List<PeerRef> rest = new ArrayList<>(hops.subList(1, hops.size()));
            if (attempt + 1 < FORWARD_ATTEMPTS && !rest.isEmpty()) {
              sendRecursive(method, key, objects, rest, attempt + 1, began, done);
            } else {
              done.onFailure(code, reason);
            }
          }
        });
  }

  /** Codes after which an iterative lookup tries another peer instead of stopping. */
  private static boolean tryElsewhere(int code) {
    return code == ResponseCode.NEXT_HOP || code == ResponseCode.TIMEOUT
        || code == ResponseCode.TTL_EXCEEDED || code == ResponseCode.OVERLOADED
        || code == ResponseCode.ALTERNATIVE_SERVICE;
  }

  /**
   * An iterative lookup (one engine for every overlay): {@code alpha} paths run in parallel;
   * each follows the next hops of the last 302 it got, falling back on the best unasked
   * candidate by the overlay's order; a hop that does not answer within its RTT-based timeout
   * is passed over (its answer still counts if it comes later). The first final answer wins.
   * The lookup is also the timer of its overall deadline, and each path that of its hop.
   */
  private final class Lookup extends TimerTask {
    final Method method;
    final Bytes key;
    final List<WireObject> objects;
    final long began;
    final RouteCallback done;
    /**
     * The candidates in the order they were added, with their ranks for the key
     * ({@link Overlay#rankForKey}) and whether each was asked. Every peer a path asks is a
     * candidate first, and none is ever removed (one that failed or refused stays, asked), so
     * the flags agree with {@link #asked}.
     */
    PeerRef[] candidates = new PeerRef[32];
    long[] ranks = new long[32];
    boolean[] askedFlags = new boolean[32];
    int candidateCount;
    /**
     * Peers asked, by ID and address: a peer that restarted elsewhere is a new peer to ask. A
     * lookup asks a few peers, so a list searched in order beats hashing each of them.
     */
    final List<PeerRef> asked = new ArrayList<>();
    final List<Path> paths = new ArrayList<>();
    final int parallelism;
    int inFlight;
    int refills;
    boolean finished;

    Lookup(Method method, Bytes key, List<WireObject> objects, List<PeerRef> start, long began,
        int parallelism, RouteCallback done) {
      this.parallelism = parallelism;
      this.method = method;
      this.key = key;
      this.objects = objects;
      this.began = began;
      this.done = done;
      this.start = start;
      for (PeerRef p : start) {
        addCandidate(p);
      }
    }

    /** The first hops in the order they were given (the overlay's best first). */
    final List<PeerRef> start;
    /**
     * The objects of the requests of a single path, of the primary path and of the others, this
     * node's Peer-Info first: built once, since every hop of a path sends the same.
     */
    List<WireObject> singleObjects;
    List<WireObject> primaryObjects;
    List<WireObject> otherObjects;

    /**
     * A hop's request objects after this node's Peer-Info: with one path as given, with several
     * flagged primary or not.
     */
    List<WireObject> objectsFor(boolean primary) {
      if (paths.size() <= 1) {
        if (singleObjects == null) {
          singleObjects = withSelf(objects);
        }
        return singleObjects;
      }
      if (primary) {
        if (primaryObjects == null) {
          primaryObjects = withSelf(withPrimaryFlag(objects, true));
        }
        return primaryObjects;
      }
      if (otherObjects == null) {
        otherObjects = withSelf(withPrimaryFlag(objects, false));
      }
      return otherObjects;
    }

    /** One of the lookup's parallel paths; it is also the timer of its hop in flight. */
    final class Path extends TimerTask {
      final boolean primary;
      final List<PeerRef> options = new ArrayList<>();
      PeerRef waitingOn;
      /** The hop the timer is for. */
      PeerRef timedHop;
      int hops;

      Path(boolean primary) {
        this.primary = primary;
      }

      void advance() {
        if (finished) {
          return;
        }
        waitingOn = null;
        PeerRef next = null;
        while (!options.isEmpty() && next == null) {
          PeerRef p = options.remove(0);
          if (!asked.contains(p)) {
            next = p;
          }
        }
        if (next == null) {
          next = bestUnasked();
        }
        if (next == null || hops >= oc.ttl()) {
          checkExhausted();
          return;
        }
        send(next);
      }

      void send(PeerRef to) {
        asked.add(to);
        markAsked(to);
        hops++;
        waitingOn = to;
        inFlight++;
        Message req = requestCarrying(method, false, objectsFor(primary));
        int myHops = hops;
        transactions.sendRequest(req, Transport.UDP, to.endpoint(),
            new TransactionLayer.ResponseListener() {
              @Override
              public void onResponse(Message response, Endpoint from) {
                inFlight--;
                sawPeer(response);
                onHopAnswer(Path.this, to, response, myHops);
              }

              @Override
              public void onFailure(int code, String reason) {
                inFlight--;
                counters.increment("lookup.hop-failed");
                overlay.peerFailed(to);
                if (waitingOn == to) {
                  Path.this.cancel();
                  advance();
                } else {
                  checkExhausted();
                }
              }
            });
        // The previous hop's timer has always run or been stopped by now; cancelling costs
        // nothing and keeps a broken invariant from failing the node (a task waits once).
        cancel();
        timedHop = to;
        env.schedule(rtt.timeout(to.endpoint()), this);
      }

      /** The hop's time is up. */
      @Override
      public void run() {
        if (!closed && waitingOn == timedHop && !finished) {
          counters.increment("lookup.hop-timeouts");
          advance();
        }
      }
    }

    void start() {
      env.schedule(oc.lookupTimeoutMillis(), this);
      int n = Math.max(1, Math.min(parallelism, candidateCount));
      for (int i = 0; i < n; i++) {
        paths.add(new Path(i == 0));
      }
      for (Path p : paths) {
        p.options.addAll(start);
        p.advance();
      }
    }

    /** The lookup's deadline. */
    @Override
    public void run() {
      if (!closed) {
        finishFailed(ResponseCode.TIMEOUT,
            "lookup timed out after " + oc.lookupTimeoutMillis() + " ms");
      }
    }

    /** Adds a peer to the candidates unless it is this node or already there. */
    void addCandidate(PeerRef p) {
      Bytes id = p.id();
      if (id.equals(selfId)) {
        return;
      }
      long rank = overlay.rankForKey(key, id);
      for (int i = 0; i < candidateCount; i++) {
        if (ranks[i] == rank && candidates[i].equals(p)) {
          return; // an equal peer has the same ID, so the same rank
        }
      }
      if (candidateCount == candidates.length) {
        int n = 2 * candidateCount;
        candidates = Arrays.copyOf(candidates, n);
        ranks = Arrays.copyOf(ranks, n);
        askedFlags = Arrays.copyOf(askedFlags, n);
      }
      candidates[candidateCount] = p;
      ranks[candidateCount] = rank;
      candidateCount++;
    }

    /**
     * The best candidate not asked yet, by the overlay's order for the key, the first added
     * among those with the same ID; null if all were asked. A lookup adds a few dozen
     * candidates and takes a dozen, so finding the best when needed costs less than keeping
     * them sorted.
     */
    PeerRef bestUnasked() {
      int best = -1;
      for (int i = 0; i < candidateCount; i++) {
        if (askedFlags[i]) {
          continue;
        }
        if (best < 0) {
          best = i;
          continue;
        }
        int c = Long.compareUnsigned(ranks[i], ranks[best]);
        if (c < 0 || c == 0 && overlay.compareForKey(key, candidates[i].id(),
            candidates[best].id()) < 0) {
          best = i;
        }
      }
      return best < 0 ? null : candidates[best];
    }

    /** Flags p's entry among the candidates: most often the very object, else an equal one. */
    void markAsked(PeerRef p) {
      for (int i = 0; i < candidateCount; i++) {
        if (candidates[i] == p) {
          askedFlags[i] = true;
          return;
        }
      }
      for (int i = 0; i < candidateCount; i++) {
        if (candidates[i].equals(p)) {
          askedFlags[i] = true;
          return;
        }
      }
    }

    void onHopAnswer(Path path, PeerRef from, Message response, int hopsOnPath) {
      if (finished) {
        return;
      }
      int code = response.header().responseCode();
      if (!tryElsewhere(code)) {
        finished = true;
        path.cancel();
        for (Path p : paths) {
          p.cancel();
        }
        cancel();
        lookupsCompleted.increment();
        PeerRef responder = PeerRef.from(response.first(PeerInfo.class));
        done.onResponse(response, new Results.Route(responder == null ? from : responder,
            hopsOnPath, env.now() - began));
        return;
      }
      // The path waiting on this hop (the common case) takes its next hops as its options
      // straight away; a late answer's hops are kept apart for whichever paths ran dry.
      boolean current = path.waitingOn == from;
      List<PeerRef> next = current ? path.options : new ArrayList<>();
      if (current) {
        next.clear();
      }
      if (code == ResponseCode.NEXT_HOP) {
        // The Peer-Infos after the responder's own are the next hops.
        List<WireObject> objs = response.objects();
        boolean responder = true;
        for (int i = 0; i < objs.size(); i++) {
          if (!(objs.get(i) instanceof PeerInfo info)) {
            continue;
          }
          if (responder) {
            responder = false;
            continue;
          }
          PeerRef p = PeerRef.from(info);
          if (p == null || p.id().length() != oc.idLength()) {
            continue;
          }
          if (p.id().equals(selfId)) {
            // The hop thinks we are nearest: go on from our own next hops.
            for (PeerRef q : overlay.nextHops(key, NEXT_HOPS_IN_REDIRECT)) {
              next.add(q);
              addCandidate(q);
            }
          } else {
            next.add(p);
            addCandidate(p);
          }
        }
      } else {
        counters.increment("lookup.hop-refused-" + code);
      }
      if (current) {
        path.cancel();
        path.advance();
      } else {
        // A late answer: its hops help any path that ran dry.
        for (Path p : paths) {
          if (p.waitingOn == null) {
            p.options.addAll(next);
            p.advance();
          }
        }
        checkExhausted();
      }
    }

    void checkExhausted() {
      if (finished || inFlight > 0) {
        return;
      }
      for (Path p : paths) {
        if (p.waitingOn != null) {
          return;
        }
      }
      // Before giving up, ask our own tables again: failures seen on the way have changed them.
      boolean more = false;
      for (PeerRef p : overlay.nextHops(key, REFILL)) {
        if (!asked.contains(p)) {
          addCandidate(p);
          more = true;
        }
      }
      if (more && refills++ < 2) {
        counters.increment("lookup.refilled");
        for (Path p : paths) {
          p.advance();
        }
        return;
      }
      finishFailed(ResponseCode.TIMEOUT, "no peer on the way answered (asked " + asked.size()
          + ")");
    }

    void finishFailed(int code, String reason) {
      if (finished) {
        return;
      }
      finished = true;
      for (Path p : paths) {
        p.cancel();
      }
      cancel();
      counters.increment("lookup.failed");
      done.onFailure(code, reason);
    }
  }

  /** Sets the L flag (route log) in the request's Request-Options, adding them if absent. */
  private static List<WireObject> withRouteLogFlag(List<WireObject> objects) {
    return withOptions(objects, r -> new RequestOptions(r.primary(), r.routingTable(),
        r.neighborTable(), r.separateRequest(), r.partialReply(), r.neighborJoin(), true));
  }

  /** Sets or clears the P flag (primary copy) in the request's Request-Options. */
  private static List<WireObject> withPrimaryFlag(List<WireObject> objects, boolean primary) {
    return withOptions(objects, r -> new RequestOptions(primary, r.routingTable(),
        r.neighborTable(), r.separateRequest(), r.partialReply(), r.neighborJoin(),
        r.routeLog()));
  }

  private static List<WireObject> withOptions(List<WireObject> objects,
      java.util.function.UnaryOperator<RequestOptions> change) {
    List<WireObject> out = new ArrayList<>(objects.size() + 1);
    boolean had = false;
    for (WireObject o : objects) {
      if (o instanceof RequestOptions r) {
        out.add(change.apply(r));
        had = true;
      } else {
        out.add(o);
      }
    }
    if (!had) {
      out.add(0, change.apply(new RequestOptions(false, false, false, false, false, false, false)));
    }
    return out;
  }

  // --------------------------------------------------------------------------- the context

  private final class Context implements OverlayContext {
    @Override
    public NeighborTable neighborTableObject() {
      return Engine.this.neighborTableObject();
    }

    @Override
    public PeerRef self() {
      return self;
    }

    @Override
    public OverlayConfig config() {
      return oc;
    }

    @Override
    public long now() {
      return env.now();
    }

    @Override
    public Env.Timer schedule(long delayMillis, Runnable task) {
      return Engine.this.schedule(delayMillis, task);
    }

    @Override
    public void every(long periodMillis, Runnable task) {
      Engine.this.every(periodMillis, task);
    }

    @Override
    public RandomGenerator random() {
      return env.random();
    }

    @Override
    public Counters counters() {
      return counters;
    }

    @Override
    public void request(PeerRef to, Method method, List<WireObject> objects, Reply reply) {
      direct(to, method, objects, reply);
    }

    @Override
    public void lookupPeers(Bytes key, int count, Consumer<List<PeerRef>> done) {
      lookupPeers(key, count, null, done);
    }

    @Override
    public void explorePeers(Bytes key, int count, Consumer<List<PeerRef>> done) {
      List<PeerRef> first = overlay.nextHops(key, 1 + SPARE_HOPS);
      if (first.isEmpty()) {
        done.accept(List.of());
        return;
      }
      lookupPeers(key, count, first, done);
    }

    /** An iterative LookupPeer along one path, from {@code start} (null: the overlay's). */
    private void lookupPeers(Bytes key, int count, List<PeerRef> start,
        Consumer<List<PeerRef>> done) {
      route(Method.LOOKUP_PEER, key, List.of(new PLookup(Math.min(63, count), false, false, key,
          null)), false, start, 1, new RouteCallback() {
            @Override
            public void onResponse(Message response, Results.Route route) {
              if (response.header().responseCode() != ResponseCode.OK) {
                done.accept(List.of());
                return;
              }
              done.accept(PeerRef.fromAll(response.all(PeerInfo.class)));
            }

            @Override
            public void onFailure(int code, String reason) {
              done.accept(List.of());
            }
          });
    }

    @Override
    public long rttMillis(PeerRef peer) {
      return rtt.smoothed(peer.endpoint());
    }

    @Override
    public void responsibilityChanged() {
      // Note the objects this node is responsible for now, not only at the next pass: if the
      // range moves on before the pass (a crashed peer restarts within a second), the pass must
      // still know to hand them to the peer that took over.
      if (storage.size() > 0) {
        for (Storage.Stored st : storage.all()) {
          if (!st.primary && overlay.isResponsible(st.key.resourceId())) {
            st.primary = true;
          }
        }
      }
      replicationSoon();
    }
  }
}
