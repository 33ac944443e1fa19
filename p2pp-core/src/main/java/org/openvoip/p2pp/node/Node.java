package org.openvoip.p2pp.node;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.env.PacketReceiver;
import org.openvoip.p2pp.env.Env;
import org.openvoip.p2pp.env.Transport;
import org.openvoip.p2pp.overlay.PeerRef;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.Message;
import org.openvoip.p2pp.wire.Method;
import org.openvoip.p2pp.wire.ResponseCode;
import org.openvoip.p2pp.wire.WireObject;
import org.openvoip.p2pp.wire.WireObject.ErrorInfo;
import org.openvoip.p2pp.wire.WireObject.Expires;
import org.openvoip.p2pp.wire.WireObject.Owner;
import org.openvoip.p2pp.wire.WireObject.PLookup;
import org.openvoip.p2pp.wire.WireObject.PeerInfo;
import org.openvoip.p2pp.wire.WireObject.RLookup;
import org.openvoip.p2pp.wire.WireObject.ResourceId;
import org.openvoip.p2pp.wire.WireObject.ResourceObject;
import org.openvoip.p2pp.wire.WireObject.Signature;
import org.openvoip.p2pp.wire.WireObject.DataEntry;
import org.openvoip.p2pp.security.SignatureScheme;
import org.openvoip.p2pp.security.SignedData;
import java.nio.charset.StandardCharsets;

/**
 * A P2PP node: the public face of the protocol engine.
 *
 * <p>A runtime (p2pp-net on real sockets, p2pp-sim in virtual time) gives the node an
 * {@link Env} and hands it every packet with {@link #onBytes}, on the node's thread. The
 * operations below may be called from any thread: they are queued onto the node's thread, and
 * their futures complete on the {@code callbacks} executor, never on the node's thread (the
 * simulator passes a direct executor, since it has one thread).
 */
public final class Node {

  /** Lifecycle of a node. */
  public enum State { NEW, JOINING, JOINED, LEFT }

  /** Hears about a node's lifecycle, on the callbacks executor. */
  public interface Listener {
    void stateChanged(Node node, State state);
  }

  /** What a node holds, for diagnostics and the simulator's checks. */
  public record Snapshot(
      PeerRef self,
      State state,
      List<PeerRef> routingTable,
      List<PeerRef> neighborTable,
      int storedObjects,
      Map<String, Long> counters) {}

  private final Engine engine;
  private final Env env;
  private final Executor callbacks;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();

  public Node(NodeConfig config, Env env, Executor callbacks) {
    this.env = env;
    this.callbacks = callbacks;
    this.engine = new Engine(config, env, s -> {
      State pub = State.valueOf(s.name());
      for (Listener l : listeners) {
        callbacks.execute(() -> l.stateChanged(this, pub));
      }
    });
  }

  public Bytes id() {
    return engine.self.id();
  }

  public PeerRef self() {
    return engine.self;
  }

  public NodeConfig config() {
    return engine.config;
  }

  public void addListener(Listener l) {
    listeners.add(l);
  }

  /** Delivers bytes from the network; call on the node's thread. */
  public void onBytes(byte[] bytes, Transport transport, Endpoint from) {
    engine.receiver().onBytes(bytes, transport, from);
  }

  /**
   * The same door as {@link #onBytes}, without passing through this object and the engine: a
   * runtime that delivers many nodes' packets keeps it per node and saves a dependent memory
   * read or two per packet. It stays valid for the node's life.
   */
  public PacketReceiver receiver() {
    return engine.receiver();
  }

  /**
   * The node's STUN agent: the server on its P2PP port, and the client it asks peers with. Use
   * on the node's thread.
   */
  public org.openvoip.p2pp.stun.StunAgent stun() {
    return engine.stun();
  }

  /**
   * Finds out what NAT this node sits behind, asking {@code first} and then {@code second}
   * (null: another peer this node knows, else the one {@code first} names as its partner), as
   * {@link
   * org.openvoip.p2pp.stun.NatDiscovery} describes.
   */
  public CompletableFuture<org.openvoip.p2pp.stun.NatDiscovery.Result> discoverNat(
      Endpoint first, Endpoint second) {
    return call(f -> org.openvoip.p2pp.stun.NatDiscovery.run(engine.stun(),
        List.of(engine.self.endpoint()), first, second != null ? List.of(second)
            : engine.knownPeerEndpoints(8),
        org.openvoip.p2pp.stun.StunAgent.Retransmit.QUICK, r -> {
          if (r.answered()) {
            engine.links().learnedMapping(r.mapped());
          }
          complete(f, r);
        }));
  }

  /**
   * Finds a direct path to the node {@code target} with ICE: a Connect routed to it through
   * the overlay carries this node's candidates and ICE credentials, the answer carries the
   * target's, and both run connectivity checks. Fails if no pair works (then a relay is
   * needed). Candidates: this node's address, and the one {@link #discoverNat} found.
   */
  public CompletableFuture<Results.Connected> connect(Bytes target) {
    if (target.length() != engine.oc.idLength()) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("the target has "
          + target.length() + " bytes; this overlay uses " + engine.oc.idLength()));
    }
    return call(f -> {
      if (engine.state() != Engine.State.JOINED) {
        fail(f, ResponseCode.OVERLOADED, "the node has not joined (" + engine.state() + ")");
        return;
      }
      engine.links().connect(target, new DirectLinks.Callback() {
        @Override
        public void onConnected(Results.Connected c) {
          complete(f, c);
        }

        @Override
        public void onFailure(int code, String reason) {
          fail(f, code, reason);
        }
      });
    });
  }

  // -------------------------------------------------------------------------- operations

  /** Joins through the configured bootstrap server, or starts the overlay if there is none. */
  public CompletableFuture<Results.Route> join() {
    return call(f -> engine.join(new Engine.RouteCallback() {
      @Override
      public void onResponse(Message response, Results.Route route) {
        complete(f, route);
      }

      @Override
      public void onFailure(int code, String reason) {
        fail(f, code, reason);
      }
    }));
  }

  /** Leaves gracefully: neighbours are told and stored objects handed over. */
  public CompletableFuture<Void> leave() {
    return call(f -> {
      engine.leave();
      complete(f, null);
    });
  }

  /** Stops at once; call on the node's thread (simulator). */
  public void crashNow() {
    engine.close();
  }

  /**
   * Publishes (or replaces) an object under {@code resourceId}, owned by this node, for
   * {@code lifetimeSeconds} (the responsible peer may grant less).
   */
  public CompletableFuture<Results.Published> publish(Bytes resourceId, int contentType,
      int subType, Bytes value, long lifetimeSeconds) {
    if (engine.security != null) {
      return store(resourceId, contentType, subType,
          DataEntry.single(env.epochMillis(), true), value, lifetimeSeconds);
    }
    ResourceObject o = new ResourceObject(contentType, subType, new ResourceId(resourceId),
        value, null, new Owner(id()), new Expires(lifetimeSeconds), null, null);
    return routed(Method.PUBLISH, resourceId, List.of(o), Node::published);
  }

  /**
   * Stores a value at its place in a data model ({@code entry}: a single value, an array index
   * or a dictionary key, with the storage time that orders this owner's updates). In a secured
   * overlay the value is owned by this node's user and signed with its key, and its certificate
   * goes with it; otherwise the owner is this node's ID. A deletion is an entry whose Exists
   * flag is clear.
   */
  public CompletableFuture<Results.Published> store(Bytes resourceId, int contentType,
      int subType, DataEntry entry, Bytes value, long lifetimeSeconds) {
    Security sec = engine.security;
    Owner owner = new Owner(sec == null ? id()
        : Bytes.of(sec.identity().user().getBytes(StandardCharsets.UTF_8)));
    ResourceObject o = new ResourceObject(contentType, subType, new ResourceId(resourceId),
        value, null, owner, new Expires(lifetimeSeconds), null, null, entry);
    if (sec != null) {
      SignatureScheme scheme = sec.identity().scheme();
      // A simulation that models the cost of cryptography sends a signature of the right
      // length without computing it; either way the signing time is charged below.
      Signature sig = sec.access().modelled()
          ? new Signature(scheme.code(), Bytes.of(new byte[scheme.signatureLength()]))
          : sec.identity().sign(SignedData.toBeSigned(o));
      o = new ResourceObject(contentType, subType, o.resourceId(), value, null, owner,
          o.expires(), sig, sec.identity().wireCertificate(), entry);
      return routedAllowing(Method.PUBLISH, resourceId, List.of(o), ResponseCode.OK,
          Node::published, scheme.signMicros());
    }
    return routed(Method.PUBLISH, resourceId, List.of(o), Node::published);
  }

  private static Results.Published published(Reply r) {
    Expires e = r.response().first(Expires.class);
    return new Results.Published(e == null ? 0 : e.seconds(), r.route());
  }

  /**
   * Finds the objects stored under {@code resourceId} with this type (any owner). In a secured
   * overlay only values whose signature and certificate check out are returned; the others are
   * counted (security.lookup-dropped) and left out, since a storing peer may lie.
   */
  public CompletableFuture<Results.ObjectLookup> lookup(Bytes resourceId, int contentType,
      int subType) {
    RLookup q = new RLookup(contentType, subType, new ResourceId(resourceId), null);
    return routedAllowing(Method.LOOKUP_OBJECT, resourceId, List.of(q), ResponseCode.NOT_FOUND,
        r -> new Results.ObjectLookup(verified(r.response().all(ResourceObject.class)),
            r.route()));
  }

  /** The values that pass this node's checks (all of them in an overlay without security). */
  private List<ResourceObject> verified(List<ResourceObject> values) {
    Security sec = engine.security;
    if (sec == null) {
      return values;
    }
    List<ResourceObject> out = new ArrayList<>(values.size());
    for (ResourceObject o : values) {
      if (sec.access().check(o, env.epochMillis()).ok()) {
        out.add(o);
      } else {
        engine.counters.increment("security.lookup-dropped");
      }
    }
    env.compute(sec.access().takeWorkMicros());
    return out;
  }

  /**
   * Removes this node's object under {@code resourceId} with this type. In a secured overlay
   * this publishes the single value's signed tombstone.
   */
  public CompletableFuture<Results.Removed> remove(Bytes resourceId, int contentType,
      int subType) {
    if (engine.security != null) {
      return store(resourceId, contentType, subType, DataEntry.single(env.epochMillis(), false),
          Bytes.EMPTY, engine.oc.maxLifetimeSeconds())
          .thenApply(p -> new Results.Removed(true, p.route()));
    }
    ResourceObject o = new ResourceObject(contentType, subType, new ResourceId(resourceId),
        Bytes.EMPTY, null, new Owner(id()), null, null, null);
    return routedAllowing(Method.REMOVE_OBJECT, resourceId, List.of(o), ResponseCode.NOT_FOUND,
        r -> new Results.Removed(r.response().header().responseCode() == ResponseCode.OK,
            r.route()));
  }

  /** Finds the {@code count} peers responsible for {@code id}, the responsible one first. */
  public CompletableFuture<Results.PeerLookup> lookupPeer(Bytes id, int count) {
    PLookup q = new PLookup(Math.max(1, Math.min(63, count)), false, false, id, null);
    return routed(Method.LOOKUP_PEER, id, List.of(q), r -> {
      List<PeerRef> peers = new ArrayList<>();
      for (PeerInfo i : r.response().all(PeerInfo.class)) {
        PeerRef p = PeerRef.from(i);
        if (p != null) {
          peers.add(p);
        }
      }
      return new Results.PeerLookup(peers, r.route());
    });
  }

  /** A snapshot of the node's state, taken on its thread. */
  public CompletableFuture<Snapshot> snapshot() {
    return call(f -> complete(f, snapshotNow()));
  }

  /** A snapshot taken now; call on the node's thread (simulator, tests). */
  public Snapshot snapshotNow() {
    return new Snapshot(engine.self, State.valueOf(engine.state().name()),
        engine.overlay.routingTable(), engine.overlay.neighborTable(), engine.storage.size(),
        engine.counters.snapshot());
  }

  /**
   * Every object this node stores, each with its remaining lifetime in Expires (tombstones
   * included), for keeping across a restart (the runtime writes them to its data directory).
   */
  public CompletableFuture<List<ResourceObject>> stored() {
    return call(f -> {
      long now = env.now();
      List<ResourceObject> out = new ArrayList<>();
      for (Storage.Stored st : engine.storage.all()) {
        if (st.expiresAt > now) {
          out.add(st.withRemaining(now));
        }
      }
      complete(f, out);
    });
  }

  /**
   * Takes back objects kept from an earlier run (their Expires the lifetime left), as copies
   * handed over by a peer: checked like any copy in a secured overlay, kept only where newer
   * than what is stored, and passed to their responsible peers by the next replication pass.
   * Call once joined. Completes with how many were kept.
   */
  public CompletableFuture<Integer> restore(List<ResourceObject> objects) {
    return call(f -> complete(f, engine.restore(objects)));
  }

  /** The direct path ICE found to the node {@code id} (either side's Connect), or null. */
  public CompletableFuture<Endpoint> pathTo(Bytes id) {
    return call(f -> complete(f, engine.links().path(id)));
  }

  /** Whether this node is responsible for {@code key}; call on the node's thread. */
  public boolean isResponsibleNow(Bytes key) {
    return engine.state() == Engine.State.JOINED && engine.overlay.isResponsible(key);
  }

  /** Whether this node holds a live copy of an object under {@code key}; node's thread. */
  public boolean holdsNow(Bytes key, int contentType, int subType) {
    return !engine.storage.find(new RLookup(contentType, subType, new ResourceId(key), null),
        env.now()).isEmpty();
  }

  // -------------------------------------------------------------------------------- plumbing

  private record Reply(Message response, Results.Route route) {}

  private <T> CompletableFuture<T> routed(Method method, Bytes key, List<WireObject> objects,
      Function<Reply, T> map) {
    return routedAllowing(method, key, objects, ResponseCode.OK, map);
  }

  private <T> CompletableFuture<T> routedAllowing(Method method, Bytes key,
      List<WireObject> objects, int alsoFine, Function<Reply, T> map) {
    return routedAllowing(method, key, objects, alsoFine, map, 0);
  }

  /** @param computeMicros CPU time spent preparing the request, charged on the node's thread */
  private <T> CompletableFuture<T> routedAllowing(Method method, Bytes key,
      List<WireObject> objects, int alsoFine, Function<Reply, T> map, long computeMicros) {
    if (key.length() != engine.oc.idLength()) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("the key has "
          + key.length() + " bytes; this overlay uses " + engine.oc.idLength()));
    }
    return call(f -> {
      if (engine.state() != Engine.State.JOINED) {
        fail(f, ResponseCode.OVERLOADED, "the node has not joined (" + engine.state() + ")");
        return;
      }
      if (computeMicros > 0) {
        env.compute(computeMicros);
      }
      engine.route(method, key, objects, engine.oc.recursive(), null,
          new Engine.RouteCallback() {
            @Override
            public void onResponse(Message response, Results.Route route) {
              int code = response.header().responseCode();
              if (code == ResponseCode.OK || code == alsoFine) {
                complete(f, map.apply(new Reply(response, route)));
              } else {
                ErrorInfo e = response.first(ErrorInfo.class);
                fail(f, code, e == null ? "refused" : e.reason());
              }
            }

            @Override
            public void onFailure(int code, String reason) {
              fail(f, code, reason);
            }
          });
    });
  }

  private interface Op<T> {
    void run(CompletableFuture<T> f);
  }

  private <T> CompletableFuture<T> call(Op<T> op) {
    CompletableFuture<T> f = new CompletableFuture<>();
    env.schedule(0, () -> {
      if (engine.closed()) {
        fail(f, ResponseCode.OVERLOADED, "the node is closed");
        return;
      }
      try {
        op.run(f);
      } catch (RuntimeException e) {
        callbacks.execute(() -> f.completeExceptionally(e));
      }
    });
    return f;
  }

  private <T> void complete(CompletableFuture<T> f, T value) {
    callbacks.execute(() -> f.complete(value));
  }

  private void fail(CompletableFuture<?> f, int code, String reason) {
    callbacks.execute(() -> f.completeExceptionally(new P2ppException(code, reason)));
  }
}
