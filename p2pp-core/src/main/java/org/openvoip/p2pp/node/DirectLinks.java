package org.openvoip.p2pp.node;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.ice.IceAgent;
import org.openvoip.p2pp.ice.IceSessions;
import org.openvoip.p2pp.overlay.PeerRef;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.Message;
import org.openvoip.p2pp.wire.ResponseCode;
import org.openvoip.p2pp.wire.WireObject;
import org.openvoip.p2pp.wire.WireObject.AddressInfo;
import org.openvoip.p2pp.wire.WireObject.Candidate;
import org.openvoip.p2pp.wire.WireObject.ErrorInfo;
import org.openvoip.p2pp.wire.WireObject.IceParameters;
import org.openvoip.p2pp.wire.WireObject.PeerInfo;

/**
 * Connect (method 15) with ICE: a node that wants a direct path to another sends its ICE offer
 * (credentials in ICE-Parameters, candidates in its Peer-Info's Address-Info) routed through the
 * overlay toward the other's node-ID; the node with that ID answers with its own, and both run
 * their ICE agents (the requester controlling). The paths found are kept by node-ID. Runs on the
 * node's thread, with the engine.
 */
final class DirectLinks {
  /**
   * ICE sessions a node answers at once; when all are still checking, more Connects get 503,
   * otherwise the oldest finished one makes room.
   */
  static final int MAX_ANSWERING = 64;

  /** The end of a Connect, on the node's thread. */
  interface Callback {
    void onConnected(Results.Connected connected);

    void onFailure(int code, String reason);
  }

  private final Engine engine;
  /** In the order they began, so that the oldest finished one makes room for a new one. */
  private final Map<Bytes, IceAgent> answering = new java.util.LinkedHashMap<>();
  /** The sessions this node started, by target (a new Connect to the same node replaces one). */
  private final Map<Bytes, IceAgent> requested = new HashMap<>();
  private final Map<Bytes, Endpoint> paths = new HashMap<>();
  /** This node's address as a STUN server saw it, if not its own; null if unknown. */
  private Endpoint reflexive;

  DirectLinks(Engine engine) {
    this.engine = engine;
  }

  /** What NAT discovery or a STUN answer showed this node's address to be from outside. */
  void learnedMapping(Endpoint mapped) {
    reflexive = mapped == null || mapped.equals(engine.self.endpoint()) ? null : mapped;
  }

  /** The direct path to {@code id} that ICE found, or null. */
  Endpoint path(Bytes id) {
    return paths.get(id);
  }

  /** This node's ICE candidates: its own address, then the reflexive one if it differs. */
  List<Candidate> candidates() {
    List<Candidate> c = new ArrayList<>(2);
    c.add(IceAgent.host(engine.self.endpoint()));
    if (reflexive != null) {
      c.add(IceAgent.serverReflexive(reflexive, engine.self.endpoint()));
    }
    return c;
  }

  private PeerInfo selfWithCandidates() {
    return PeerInfo.of(engine.self.id(), new AddressInfo(candidates()));
  }

  /** Starts a Connect to the node {@code target}. */
  void connect(Bytes target, Callback done) {
    IceAgent[] agent = new IceAgent[1];
    Results.Route[] route = new Results.Route[1];
    agent[0] = open(requested, target, IceAgent.Role.CONTROLLING, new IceAgent.Listener() {
          @Override
          public void onSelected(Endpoint remote, Candidate c) {
            paths.put(target, remote);
            engine.counters.increment("connect.paths-found");
            done.onConnected(new Results.Connected(new PeerRef(target, remote),
                candidateType(c), route[0]));
          }

          @Override
          public void onFailed(String reason) {
            end(requested, target, agent[0]);
            engine.counters.increment("connect.ice-failed");
            done.onFailure(ResponseCode.TIMEOUT, "ICE found no path to " + target.hex() + ": "
                + reason + "; a relay is needed");
          }
        });
    IceAgent.Credentials mine = agent[0].localCredentials();
    List<WireObject> objects = List.of(selfWithCandidates(),
        new IceParameters(target, mine.ufrag(), mine.password()));
    engine.route(org.openvoip.p2pp.wire.Method.CONNECT, target, objects, engine.oc.recursive(),
        null, new Engine.RouteCallback() {
          @Override
          public void onResponse(Message response, Results.Route r) {
            route[0] = r;
            int code = response.header().responseCode();
            IceParameters theirs = response.first(IceParameters.class);
            PeerInfo info = response.first(PeerInfo.class);
            if (code != ResponseCode.OK || theirs == null || info == null
                || info.addressInfo() == null || !target.equals(theirs.targetId())) {
              end(requested, target, agent[0]);
              ErrorInfo e = response.first(ErrorInfo.class);
              done.onFailure(code == ResponseCode.OK ? ResponseCode.BAD_REQUEST : code,
                  e != null ? e.reason() : "the answer to Connect carries no ICE answer");
              return;
            }
            engine.counters.increment("connect.answered");
            agent[0].start(new IceAgent.Credentials(theirs.ufrag(), theirs.password()),
                info.addressInfo().candidates());
          }

          @Override
          public void onFailure(int code, String reason) {
            end(requested, target, agent[0]);
            done.onFailure(code, reason);
          }
        });
  }

  /** The answer of the node a Connect is for (the engine routed it here). */
  Engine.Answer answer(Message m) {
    IceParameters theirs = m.first(IceParameters.class);
    PeerInfo from = m.first(PeerInfo.class);
    if (theirs == null || from == null || from.addressInfo() == null) {
      return refuse(ResponseCode.BAD_REQUEST, "Connect needs the sender's Peer-Info with its"
          + " candidates and ICE-Parameters (extension 68)");
    }
    if (!theirs.targetId().equals(engine.self.id())) {
      engine.counters.increment("connect.no-such-node");
      return refuse(ResponseCode.NOT_FOUND, "no node " + theirs.targetId().hex()
          + " here; this is " + engine.self.id().hex());
    }
    Bytes requester = from.id();
    IceAgent old = answering.get(requester);
    if (old != null) {
      end(answering, requester, old);
    }
    if (answering.size() >= MAX_ANSWERING) {
      evictOldestCompleted();
    }
    if (answering.size() >= MAX_ANSWERING) {
      engine.counters.increment("connect.refused-busy");
      return refuse(ResponseCode.OVERLOADED, "already in " + MAX_ANSWERING + " ICE sessions");
    }
    IceAgent[] agent = new IceAgent[1];
    agent[0] = open(answering, requester, IceAgent.Role.CONTROLLED, new IceAgent.Listener() {
      @Override
      public void onSelected(Endpoint remote, Candidate c) {
        paths.put(requester, remote);
        engine.counters.increment("connect.paths-found");
      }

      @Override
      public void onFailed(String reason) {
        end(answering, requester, agent[0]);
      }
    });
    agent[0].start(new IceAgent.Credentials(theirs.ufrag(), theirs.password()),
        from.addressInfo().candidates());
    engine.counters.increment("connect.answered-here");
    IceAgent.Credentials mine = agent[0].localCredentials();
    return new Engine.Answer(ResponseCode.OK, List.of(selfWithCandidates(),
        new IceParameters(engine.self.id(), mine.ufrag(), mine.password())));
  }

  /**
   * A new ICE session with {@code peer}, in {@code byPeer} and in the node's sessions; an older
   * one with the same peer is ended first.
   */
  private IceAgent open(Map<Bytes, IceAgent> byPeer, Bytes peer, IceAgent.Role role,
      IceAgent.Listener listener) {
    IceAgent old = byPeer.get(peer);
    if (old != null) {
      end(byPeer, peer, old);
    }
    IceAgent a = new IceAgent(engine.env, engine.stun(), engine.counters,
        IceAgent.Credentials.random(engine.env.random()), role, candidates(), listener);
    byPeer.put(peer, a);
    engine.iceSessions().add(a);
    return a;
  }

  /** Ends {@code a}, the session with {@code peer}: forgotten everywhere, closed. */
  private void end(Map<Bytes, IceAgent> byPeer, Bytes peer, IceAgent a) {
    byPeer.remove(peer, a);
    engine.iceSessions().remove(a);
    a.close();
  }

  /**
   * Makes room for a new answering session by ending the oldest one that has finished its
   * checks (its path stays known); sessions still checking are never cut short.
   */
  private void evictOldestCompleted() {
    for (Map.Entry<Bytes, IceAgent> e : answering.entrySet()) {
      if (e.getValue().state() == IceAgent.State.COMPLETED) {
        end(answering, e.getKey(), e.getValue());
        engine.counters.increment("connect.evicted-completed");
        return;
      }
    }
  }

  void close() {
    for (Map<Bytes, IceAgent> m : List.of(answering, requested)) {
      for (IceAgent a : m.values()) {
        a.close();
      }
      m.clear();
    }
  }

  private Engine.Answer refuse(int code, String reason) {
    return new Engine.Answer(code, List.of(engine.selfInfo,
        new ErrorInfo(code, 0, ErrorInfo.NO_OBJECT, reason)));
  }

  static String candidateType(Candidate c) {
    return switch (c.hostType()) {
      case Candidate.HOST -> "host";
      case Candidate.SERVER_REFLEXIVE -> "server-reflexive";
      case Candidate.PEER_REFLEXIVE -> "peer-reflexive";
      case Candidate.RELAYED -> "relayed";
      default -> "type " + c.hostType();
    };
  }
}
